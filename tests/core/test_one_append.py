"""One append per request (core/access_log.py ``one_append_per_request``): what a page consults is logged in one
go when the view has answered, before the answer leaves; a change is logged in its own transaction; if the log
cannot be written, nothing consulted is shown."""
from __future__ import annotations

import re

import pytest
from django.db import DatabaseError

from tests.offenders.factories import seed_case
from vigil.core import access_log
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db(transaction=True)  # as in production: no test transaction around the request


def test_a_page_of_panels_is_logged_in_one_append_with_one_request_id(org, login, monkeypatch):
    seed_case(org)
    client = login(org.user("offender_manager"))
    appends = []
    real = access_log._append
    monkeypatch.setattr(access_log, "_append", lambda items: appends.append(len(items)) or real(items))
    before = AccessLogEntry.objects.count()
    page = client.get("/offenders/subjects/S1/")
    assert page.status_code == 200
    entries = list(AccessLogEntry.objects.filter(id__gt=AccessLogEntry.objects.order_by("id")[before - 1].id
                                                 if before else 0).order_by("id"))
    assert len(appends) == 1 and appends[0] >= 2  # several records consulted, one append
    assert {e.request_id for e in entries} == {page["X-Request-Id"]}
    assert any(e.record_type == "subject" and e.record_id == "S1" for e in entries)
    assert access_log.verify().intact


def test_a_change_is_logged_with_it_in_its_own_transaction(org, login, monkeypatch):
    seed_case(org)
    client = login(org.user("offender_manager"))
    client.get("/offenders/subjects/S1/")
    appends = []
    real = access_log._append
    monkeypatch.setattr(access_log, "_append", lambda items: appends.append(items) or real(items))
    form = client.get("/offenders/subjects/S1/visits/new/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form).group(1)
    sent = client.post("/offenders/subjects/S1/visits/new/", {
        "date": "2024-08-14", "time": "19:40", "outcome": "seen_at_home", "devices_checked": "yes", "concerns": "",
        "notes": "spoke at the door", "idempotency_key": key})
    assert sent.status_code == 302
    writes = [items for items in appends if any(base["operation"] != "consultation" for base, _ in items)]
    assert writes and all(len(items) == 1 for items in writes)  # each change appended there and then


def test_if_the_log_cannot_be_written_nothing_consulted_is_shown(org, login, monkeypatch):
    seed_case(org)
    client = login(org.user("offender_manager"))

    def broken(items):
        raise DatabaseError("disk full")

    monkeypatch.setattr(access_log, "_append", broken)
    client.raise_request_exception = False
    page = client.get("/offenders/subjects/S1/")
    assert page.status_code == 500
    assert b"S1" not in page.content and b"Ellory" not in page.content
