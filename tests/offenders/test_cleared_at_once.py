"""Cleared at once: a write that changes a subject's facts re-judges the subject in the same transaction. A
successful visit closes the supervisor's critical VISIT_OVERDUE alert and the escalations it resolves, saying
which visit cleared them; the nightly sweep then finds nothing left to change for that subject."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.offenders.factories import seed_case
from vigil.offenders import services
from vigil.offenders.models import Escalation, Subject
from vigil.offenders.sweep import rejudge
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


def _open(code):
    return Alert.objects.filter(code=code, entity_id="S1", status="open")


def test_a_successful_visit_clears_the_critical_alert_and_the_escalations_without_a_sweep(org):
    s = seed_case(org)
    run_sweep(TODAY)
    assert _open("VISIT_OVERDUE").get().severity == "critical"
    assert _open("S96B_WARRANT_CONSIDERATION").exists()
    assert Escalation.objects.filter(subject=s, closed_on__isnull=True).count() == 2

    services.record_visit(actor=org.user("offender_manager"), subject=s, date=TODAY, time=dt.time(18, 40),
                          outcome="seen_at_home", announced=False)

    for code in ("VISIT_OVERDUE", "S96B_WARRANT_CONSIDERATION"):
        assert not _open(code).exists(), code
        closed = Alert.objects.get(code=code, entity_id="S1", status="closed")
        assert closed.closed_as_of == TODAY
        assert closed.closed_reason.startswith("cleared by the visit on 15 Aug 2024 at 18:40 (")
    assert not Escalation.objects.filter(subject=s, closed_on__isnull=True).exists()
    # The nightly sweep finds nothing left to change for S1.
    before = set(Alert.objects.filter(entity_id="S1").values_list("pk", "status", "severity", "since"))
    run_sweep(TODAY)
    assert set(Alert.objects.filter(entity_id="S1").values_list("pk", "status", "severity", "since")) == before


def test_rejudging_one_subject_leaves_the_others_alone(org):
    s = seed_case(org)
    other = Subject.objects.create(ref="S2", person=s.person, kind="registered_offender", team=s.team,
                                   manager=s.manager, managed_from=dt.date(2012, 5, 1))
    run_sweep(TODAY)
    theirs = set(Alert.objects.filter(entity_id="S2", status="open").values_list("pk", flat=True))
    their_escalations = set(other.escalations.values_list("pk", "closed_on"))
    assert theirs  # never visited: overdue
    s.visits.create(date=TODAY, outcome="seen_at_home")
    counts = rejudge(Subject.objects.filter(pk=s.pk), TODAY, cleared_by="cleared by a test visit")
    assert counts["closed"] >= 2
    assert set(Alert.objects.filter(entity_id="S2", status="open").values_list("pk", flat=True)) == theirs
    assert set(other.escalations.values_list("pk", "closed_on")) == their_escalations


def test_an_imported_visit_clears_the_alert_in_the_imports_transaction(org, tmp_path):
    import json

    from django.core.management import call_command

    seed_case(org)
    run_sweep(TODAY)
    assert _open("VISIT_OVERDUE").exists()
    doc = {"format": "vigil-interchange/1", "visits": [
        {"id": "V-IMPORTED-1", "subject": "S1", "date": "2024-08-14", "outcome": "seen_at_home",
         "announced": False}]}
    f = tmp_path / "late-visits.json"
    f.write_text(json.dumps(doc))
    call_command("vigil_import", str(f))
    closed = Alert.objects.get(code="VISIT_OVERDUE", entity_id="S1")
    assert closed.status == "closed" and closed.closed_reason.startswith("cleared by the import of ")
    assert "late-visits.json" in closed.closed_reason
