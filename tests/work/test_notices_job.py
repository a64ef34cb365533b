"""An administrator sends the waiting notices from the web (work/jobs.py): a background job that does what
`vigil notify` does, so each item is still told once; nobody else may start it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from tests.factories import verified_login
from vigil.core import clock
from vigil.core.models import Job
from vigil.work import services
from vigil.work.models import Notice

NOW = dt.datetime(2024, 8, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


@pytest.mark.django_db(transaction=True)  # the worker takes its job with SELECT ... FOR UPDATE
def test_the_administrator_sends_the_waiting_notices_once(org, client):
    manager = org.officers["offender_manager"]
    get_user_model().objects.filter(pk=manager.user_id).update(email="om@force.example")
    services.hand_over(source="test:1", kind="strategy_meeting", title="Hold a strategy meeting",
                       record_type="subject", record_ref="S1", reasons=["two failed visits"],
                       due=NOW + dt.timedelta(days=2), owner=manager, severity="critical",
                       by=org.officers["supervisor"])
    verified_login(client, org.user("administrator"))
    assert "Send the waiting notices now" in client.get("/work/notices/").content.decode()
    started = client.post("/work/notices/send/", {"digest": "on", "submission_key": "send-once"})
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    assert Job.objects.get().title == "Send notices of waiting work" and not mail.outbox  # nothing in the request
    call_command("worker", "--batch")
    assert [m.to for m in mail.outbox] == [["om@force.example"]]
    assert Notice.objects.filter(officer=manager, status="sent").count() == 1
    done = client.get(started["Location"])
    assert done.status_code == 302 and done["Location"] == "/work/notices/"
    assert "1 notice sent, 0 failed, 1 item announced" in client.get(started["Location"] + "?go=no").content.decode()
    again = client.post("/work/notices/send/", {"submission_key": "send-twice"})
    call_command("worker", "--batch")
    assert len(mail.outbox) == 1  # told once, however often it is sent
    assert "0 notices sent" in client.get(again["Location"] + "?go=no").content.decode()


@pytest.mark.django_db
def test_only_an_administrator_may_send(org, client):
    verified_login(client, org.user("supervisor"))
    assert "Send the waiting notices now" not in client.get("/work/notices/").content.decode()
    assert client.post("/work/notices/send/").status_code == 403
    assert not Job.objects.exists()
