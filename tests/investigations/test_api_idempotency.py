"""Crime allocation through the API with an ``Idempotency-Key``: a repeat is allocated once and gets the first
answer; two sends at the same moment (PostgreSQL) make one allocation."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tests.factories import verified_login
from tests.investigations import factories as inv
from vigil.investigations.models import Allocation

URL = "/api/crimes/CR-KEY/allocate/?as_of=2024-08-15"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")


def _send(client, officer, key="alloc-1"):
    return client.post(URL, {"officer": officer}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_an_allocation_sent_twice_with_one_key_is_made_once_and_answers_the_same(login, org, cid):
    inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 14), ref="CR-KEY")
    client = login(org.user("allocation_manager"))
    first, again = _send(client, cid["pip1"].ref), _send(client, cid["pip1"].ref)
    assert (first.status_code, again.status_code) == (200, 200) and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Allocation.objects.filter(crime__ref="CR-KEY").count() == 1
    other = _send(client, cid["pip2"].ref)  # the same key, another officer: a different request
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    assert Allocation.objects.get(crime__ref="CR-KEY").officer == cid["pip1"]


@pytest.mark.django_db(transaction=True)
def test_two_api_sends_at_the_same_moment_with_one_key_make_one_allocation(org, cid):
    if connection.vendor != "postgresql":
        pytest.skip("two requests at once need two connections to one database: the SQLite test database is an "
                    "in-memory shared cache that locks whole tables")
    inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 14), ref="CR-KEY")
    user = org.user("allocation_manager")
    barrier = threading.Barrier(2)
    answers: list = []

    def send():
        client = Client()
        verified_login(client, user)
        try:
            barrier.wait()
            r = _send(client, cid["pip1"].ref, key="tablet-twice")
            answers.append((r.status_code, r.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert Allocation.objects.filter(crime__ref="CR-KEY").count() == 1
    assert sorted(s for s, _ in answers) in ([200, 200], [200, 409]), answers
    if [s for s, _ in answers] == [200, 200]:
        assert answers[0][1] == answers[1][1]
