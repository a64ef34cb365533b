"""Break-glass means reading: a reason that says something, only for a record that exists; a change outside
one's own work needs a break-glass given for a change, and the log and professional standards' review say so."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import person
from tests.offenders.factories import seed_case
from vigil.core.breakglass import open_break_glass, reason_problem
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry, BreakGlass
from vigil.offenders.models import Visit

TODAY = dt.date(2024, 8, 15)
REASON = "covering DC Test's caseload this week while she is on leave"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.mark.parametrize("text", ["aaaaaaaaaaaaaaaaaaaa", "asdf asdf asdf asdf asdf", "1234567890123456789",
                                  "x" * 15 + " y z", "too short", "   ", "!!!!!!!!!!!!!!!!!!!!!!"])
def test_a_reason_that_says_nothing_is_refused(text):
    assert reason_problem(text)


def test_a_real_reason_passes():
    assert reason_problem(REASON) is None
    assert reason_problem("CAD 1001 live incident at the address") is None


@pytest.mark.django_db
def test_no_break_glass_for_a_record_that_does_not_exist(org):
    user = org.user("offender_manager")
    with pytest.raises(InputError, match="no such record: person P404"):
        open_break_glass(user=user, record_type="person", record_id="P404", reason_code="live_incident",
                         reason_text=REASON)
    with pytest.raises(InputError):
        open_break_glass(user=user, record_type="nonsense", record_id="X", reason_code="live_incident",
                         reason_text=REASON)
    assert not BreakGlass.objects.exists() and not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_the_break_glass_page_for_a_missing_record_says_so_and_logs_nothing(org, login):
    client = login(org.user("offender_manager"))
    r = client.get("/people/break-glass/?type=subject&id=S999")
    assert r.status_code == 404 and "No such record" in r.content.decode()
    r = client.post("/people/break-glass/?type=subject&id=S999", {"reason_code": "live_incident",
                                                                  "reason_text": REASON})
    assert r.status_code == 404
    assert not AccessLogEntry.objects.filter(record_id="S999").exists() and not BreakGlass.objects.exists()


@pytest.mark.django_db
def test_a_meaningless_reason_is_shown_next_to_the_field(org, login):
    seed_case(org)
    client = login(org.user("other_team_offender_manager"))
    r = client.post("/people/break-glass/?type=subject&id=S1", {"reason_code": "live_incident",
                                                                "reason_text": "aaaaaaaaaaaaaaaaaaaaaaa"})
    assert r.status_code == 200 and "explain the reason in words" in r.content.decode().lower()
    assert not BreakGlass.objects.exists()


def _visit(client):
    return client.post("/offenders/subjects/S1/visits/new/", {
        "date": "2024-08-14", "time": "18:40", "outcome": "seen_at_home", "idempotency_key": "k" * 32, "notes": "seen"})


@pytest.mark.django_db
def test_a_read_break_glass_does_not_let_the_officer_change_the_record(org, login):
    seed_case(org)
    client = login(org.user("other_team_offender_manager"))
    before = Visit.objects.count()
    r = client.post("/people/break-glass/?type=subject&id=S1", {"reason_code": "covering_colleague",
                                                                "reason_text": REASON})
    assert r.status_code == 302 and client.get("/offenders/subjects/S1/").status_code == 200
    r = _visit(client)
    assert Visit.objects.count() == before
    assert "break-glass opens it to read only" in r.content.decode()
    assert not AccessLogEntry.objects.filter(record_id="S1", operation__in=["collection", "alteration"]).exists()


@pytest.mark.django_db
def test_a_change_break_glass_covers_the_change_and_the_log_names_it(org, login):
    seed_case(org)
    client = login(org.user("other_team_offender_manager"))
    client.post("/people/break-glass/?type=subject&id=S1", {"purpose": "change", "reason_code": "covering_colleague",
                                                            "reason_text": REASON})
    bg = BreakGlass.objects.get()
    assert bg.purpose == "change"
    before = Visit.objects.count()
    r = _visit(client)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Visit.objects.count() == before + 1
    change = AccessLogEntry.objects.filter(record_id="S1", operation="collection").get()
    assert change.justification.startswith(f"break-glass #{bg.pk} for a change (covering_colleague)")
    assert "own or team work" not in change.justification
    # Professional standards sees the change under the break-glass it used.
    psd = login(org.user("professional_standards"))
    page = psd.get("/audit/break-glass/").content.decode()
    assert "To change the record" in page and change.detail in page


@pytest.mark.django_db
def test_own_work_changes_are_still_own_work(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    assert _visit(client).status_code == 302
    change = AccessLogEntry.objects.filter(record_id="S1", operation="collection").get()
    assert change.justification == "own or team work"


@pytest.mark.django_db
def test_a_search_break_glass_still_works(org):
    person("P1")
    bg = open_break_glass(user=org.user("offender_manager"), record_type="search", record_id="Example",
                          reason_code="live_incident", reason_text=REASON)
    assert bg.purpose == "read"
