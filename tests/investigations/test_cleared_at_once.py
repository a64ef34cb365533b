"""Cleared at once, for investigations: an allocation, a closing and a professional-standards case re-judge the
crimes they touch (and their officers' workloads) in the same transaction; the nightly sweep finds nothing left to
change for them."""
from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.investigations import factories as inv
from vigil.investigations import services
from vigil.standards import services as standards
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.fixture
def chain(cid):
    team = cid["teams"]["cid"]
    return {"ds": factories.officer(team, roles=["supervisor"], rank="DS", ref="O-DS"),
            "di": factories.officer(team, roles=["senior_officer"], rank="DI", ref="O-DI")}


def _snapshot():
    return set(Alert.objects.values_list("pk", "code", "entity_id", "status", "severity", "since"))


def test_allocating_a_waiting_crime_clears_its_unallocated_alert_at_once(org, cid, chain):
    c = inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 1), ref="CR-W")
    other = inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 1), ref="CR-X")
    run_sweep(TODAY)
    assert Alert.objects.filter(code="CRIME_UNALLOCATED", entity_id="CR-W", status="open").exists()
    services.allocate(actor=org.user("allocation_manager"), crime=c, officer_ref="O-P2", on=TODAY)
    closed = Alert.objects.get(code="CRIME_UNALLOCATED", entity_id="CR-W")
    assert closed.status == "closed"
    assert closed.closed_reason.startswith("cleared by the allocation to DC Gen Eral on 15 Aug 2024 (")
    assert Alert.objects.get(code="CRIME_UNALLOCATED", entity_id=other.ref).status == "open"  # left alone
    before = _snapshot()
    run_sweep(TODAY)
    assert _snapshot() == before


def test_a_new_case_against_the_holder_of_a_covered_crime_opens_the_alert_at_once_and_closing_it_clears_it(
        org, cid, chain):
    c = inv.crime(cid["teams"]["cid"], "19C", reported=dt.date(2024, 7, 1), ref="CR-V")
    holder = factories.officer(cid["teams"]["cid"], roles=["investigator"], pip=2, specialisms=["sexual_offences"],
                               ref="O-LATER")
    inv.allocate(c, holder, dt.date(2024, 7, 2))
    run_sweep(TODAY)
    assert not Alert.objects.filter(code="RESTRICTED_OFFICER_ALLOCATED", status="open").exists()
    case = standards.open_case(actor=org.user("professional_standards"), officer_ref="O-LATER", category="domestic_abuse",
                               opened=dt.date(2024, 8, 10))
    alert = Alert.objects.get(code="RESTRICTED_OFFICER_ALLOCATED", entity_id="CR-V", status="open")
    assert alert.owner == "O-DI"
    before = _snapshot()
    run_sweep(TODAY)
    assert _snapshot() == before
    standards.close_case(actor=org.user("professional_standards"), case=case, closed=dt.date(2024, 8, 13),
                        outcome="no_case_to_answer", reason="Investigation found no case to answer.")
    alert.refresh_from_db()
    assert alert.status == "closed" and "professional standards" in alert.closed_reason
