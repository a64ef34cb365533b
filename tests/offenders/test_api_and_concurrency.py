"""The API (same scope, logging and services as the pages) and concurrency: a visit submitted twice from a
flaky connection is one visit; two officers saving the same subject lose no update."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from tests.offenders.factories import seed_case
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.offenders import services
from vigil.offenders.models import Subject, Visit

D = dt.date


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")


VISIT = {"date": "2024-08-14", "time": "19:05", "outcome": "no_reply", "announced": False,
         "idempotency_key": "tablet-7f3a"}


@pytest.mark.django_db
def test_a_retried_visit_through_the_api_is_one_visit(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    first = client.post("/api/offenders/subjects/S1/visits/", VISIT, content_type="application/json")
    again = client.post("/api/offenders/subjects/S1/visits/", VISIT, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Visit.objects.filter(idempotency_key="tablet-7f3a").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "detail"), [
    ({"outcome": "gone"}, "outcome: \"gone\" is not a valid choice."),
    ({"date": "2011-01-01"}, "the visit is dated before the subject was managed (from 2012-05-01)"),
    ({"announced": True}, "an announced visit needs a reason"),
    ({"officers": ["O-NOBODY"]}, "officers: an officer id is not known"),
])
def test_bad_visits_through_the_api_get_400_with_one_line(org, login, change, detail):
    seed_case(org)
    client = login(org.user("offender_manager"))
    r = client.post("/api/offenders/subjects/S1/visits/", {**VISIT, **change}, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"] == detail
    assert not Visit.objects.filter(idempotency_key="tablet-7f3a").exists()


@pytest.mark.django_db
def test_the_api_subject_status_and_scope(org, login):
    seed_case(org)
    r = login(org.user("offender_manager")).get("/api/offenders/subjects/S1/?as_of=2024-08-15")
    status = r.json()["status"]
    assert status["critical"] is True and status["last_successful_visit"] == "2017-03-02"
    assert {a["code"] for a in status["alerts"]} >= {"VISIT_OVERDUE", "S96B_WARRANT_CONSIDERATION"}
    assert AccessLogEntry.objects.filter(record_id="S1", detail="subject record opened").count() == 1
    other = login(org.user("other_team_offender_manager"))
    assert other.get("/api/offenders/subjects/S1/").status_code == 403
    assert other.get("/api/offenders/subjects/").json() == {"results": []}
    assert login(org.user("offender_manager")).get("/api/offenders/subjects/S1/?as_of=x").status_code == 400


def _together(n, fn):
    barrier = threading.Barrier(n)
    out: list = []

    def run(i):
        try:
            barrier.wait()
            out.append(fn(i))
        except InputError as exc:
            out.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return out


@pytest.mark.django_db(transaction=True)
def test_the_same_visit_submitted_twice_at_once_on_postgresql_is_one_visit(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL behaviour; SQLite serialises whole writes")
    s = seed_case(org)
    user = org.user("offender_manager")
    results = _together(2, lambda i: services.record_visit(
        actor=user, subject=s, date=D(2024, 8, 14), time=dt.time(19, 5), outcome="no_reply", announced=False,
        idempotency_key="flaky-1"))
    assert len(results) == 2
    assert {r[0].pk for r in results} == {Visit.objects.get(idempotency_key="flaky-1").pk}
    assert sorted(r[1] for r in results) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_subject_at_once_on_postgresql(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL behaviour; SQLite serialises whole writes")
    s = seed_case(org)
    users = [org.user("offender_manager"), org.user("supervisor")]
    results = _together(2, lambda i: services.update_subject(
        actor=users[i], subject=Subject.objects.get(pk=s.pk), version=1, manager=org.officers["offender_manager"],
        mappa_category=1, mappa_level=2 + i, no_fixed_abode=False).mappa_level)
    conflict = "someone else changed this subject since you opened it: reload the page to see their change, " \
               "then make yours again"
    assert conflict in results and len(results) == 2
    winner = next(r for r in results if r != conflict)
    assert Subject.objects.get(pk=s.pk).mappa_level == winner
    assert Subject.objects.get(pk=s.pk).version == 2
