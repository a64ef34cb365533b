"""Linkage started from the web (issue 13): the analyst starts a run from the review queue, it runs in the worker
as the analyst, the job's page follows it and goes on to the queue; nobody else may start one."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.factories import verified_login
from tests.people.test_linkage import handful  # noqa: F401 - the fixture
from vigil.core.models import Job
from vigil.people.linkage.models import LinkRun, RecordMatch

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker takes its job with SELECT ... FOR UPDATE, outside the test's block
def test_the_analyst_runs_linkage_in_the_background(org, handful, client):  # noqa: F811
    analyst = org.user("exploitation_analyst")
    verified_login(client, analyst)
    page = client.get("/missing/matches/").content.decode()
    assert "Run linkage now" in page
    started = client.post("/missing/matches/run/", {"submission_key": "once"})
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    assert not LinkRun.objects.exists()  # nothing runs in the request
    assert Job.objects.get().title == "Link person records"
    call_command("worker", "--batch")
    run = LinkRun.objects.get()
    assert run.actor == analyst.username and run.records == 6
    assert RecordMatch.objects.exists()
    done = client.get(started["Location"])
    assert done.status_code == 302 and done["Location"] == "/missing/matches/"
    assert "is done: 6 records compared" in client.get(started["Location"] + "?go=no").content.decode()


def test_only_the_analyst_may_start_a_run(org, client):
    verified_login(client, org.user("missing_persons_coordinator"))
    assert "Run linkage now" not in client.get("/missing/matches/").content.decode()
    assert client.post("/missing/matches/run/").status_code == 403
    assert not Job.objects.exists()
