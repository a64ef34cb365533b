"""Background jobs (core/jobs.py): started from a page, run by ``vigil worker`` from the queue in Vigil's own
database, shown only to the user who started them, with progress, a one-line outcome, and an honest page when the
job went wrong."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import verified_login
from vigil.core import jobs
from vigil.core.errors import InputError
from vigil.core.models import Job


@jobs.job("Count to a number")
def count(report, actor, *, n: int) -> jobs.Done:
    for i in range(n + 1):
        report(i, n, "Counting")
    return jobs.Done(url="/", message=f"{actor.username} counted to {n}.")


@jobs.job("Refuse politely")
def refuse(report, actor) -> jobs.Done:
    raise InputError("there is nothing to count as of 15 August 2024")


@jobs.job("Break")
def breaks(report, actor) -> jobs.Done:
    raise RuntimeError("secret internals /var/lib/vigil")


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


@pytest.mark.django_db(transaction=True)
def test_a_job_waits_for_the_worker_then_leads_to_its_result(org):
    alloc = org.user("allocation_manager")
    job_id = jobs.start(count, actor=alloc, n=3)
    page = _client(alloc).get(f"/jobs/{job_id}/")
    assert page.status_code == 200 and page.headers["Cache-Control"].startswith("max-age=0")
    assert "Count to a number" in page.text and "waiting for the background worker" in page.text
    assert 'hx-trigger="every 1s"' in page.text  # it polls itself while it is not finished
    call_command("worker", "--batch")
    assert DBTaskResult.objects.get(id=job_id).status == "SUCCESSFUL"
    progress = Job.objects.get(id=job_id)
    assert progress.done == progress.total == 3 and progress.stage == "Finished"
    client = _client(alloc)
    assert client.get(f"/jobs/{job_id}/").headers["Location"] == "/"
    polled = client.get(f"/jobs/{job_id}/", headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled.headers["HX-Redirect"] == "/"
    shown = client.get(f"/jobs/{job_id}/?go=no")
    assert f"{alloc.username} counted to 3." in shown.text and "hx-trigger" not in shown.text


@pytest.mark.django_db(transaction=True)
def test_only_the_user_who_started_a_job_sees_it(org):
    job_id = jobs.start(count, actor=org.user("allocation_manager"), n=1)
    for role in ("supervisor", "auditor", "administrator"):
        page = _client(org.user(role)).get(f"/jobs/{job_id}/")
        assert page.status_code == 404 and "no such job of yours" in page.text
    assert Client().get(f"/jobs/{job_id}/").status_code == 302  # signed out: to sign in
    me = _client(org.user("allocation_manager"))
    for bad in (str(uuid.uuid4()), "nonsense", "1", "%00"):
        assert me.get(f"/jobs/{bad}/").status_code in (400, 404)


@pytest.mark.django_db(transaction=True)
def test_a_job_refused_for_bad_input_says_why_in_one_line(org):
    user = org.user("allocation_manager")
    job_id = jobs.start(refuse, actor=user)
    call_command("worker", "--batch")
    page = _client(user).get(f"/jobs/{job_id}/")
    assert page.status_code == 200
    assert "there is nothing to count as of 15 August 2024" in page.text and 'data-state="stopped"' in page.text


@pytest.mark.django_db(transaction=True)
def test_a_job_asked_for_by_an_account_disabled_since_does_nothing(org):
    user = org.user("allocation_manager")
    job_id = jobs.start(count, actor=user, n=2)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    call_command("worker", "--batch")
    assert Job.objects.get(id=job_id).done == 0
    assert DBTaskResult.objects.get(id=job_id).return_value == {
        "error": "the account that asked for this job is no longer active, so it was not run"}


@pytest.mark.django_db(transaction=True)
def test_a_job_that_breaks_shows_no_internals(org):
    user = org.user("allocation_manager")
    job_id = jobs.start(breaks, actor=user)
    call_command("worker", "--batch")
    assert DBTaskResult.objects.get(id=job_id).status == "FAILED"
    page = _client(user).get(f"/jobs/{job_id}/")
    assert page.status_code == 200 and 'data-state="failed"' in page.text
    assert "failed before it finished" in page.text
    assert "secret internals" not in page.text and "RuntimeError" not in page.text


@pytest.mark.django_db(transaction=True)
def test_a_running_job_silent_for_two_minutes_is_said_to_be_perhaps_stopped(org):
    user = org.user("allocation_manager")
    job_id = jobs.start(count, actor=user, n=10)
    DBTaskResult.objects.filter(id=job_id).update(status="RUNNING")  # a worker killed halfway: no word since
    Job.objects.filter(id=job_id).update(done=4, total=10, stage="Counting",
                                         reported_at=timezone.now() - dt.timedelta(minutes=3))
    page = _client(user).get(f"/jobs/{job_id}/")
    assert "Counting: 4 of 10" in page.text and 'value="40"' in page.text
    assert "it may have been stopped" in page.text


@pytest.mark.parametrize("interval", ["0", "-1", "soon", "nan", "1e9"])
def test_a_bad_worker_interval_is_one_line_exit_2(interval, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("worker", "--batch", "--interval", interval)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip().startswith(f"--interval {interval!r} is not a number of seconds")
