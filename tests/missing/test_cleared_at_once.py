"""Cleared at once, for missing children: a screening, a referral, a return home interview or a strategy meeting
re-judges the child in the same transaction; the alert it answers closes saying what cleared it, and the nightly
sweep finds nothing left to change."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.missing.factories import at, child, episode, screening
from vigil.missing import services
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 6, 20)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.fixture
def ctx(org):
    mp = org.teams["mp"]
    officer = org.officers["missing_persons_coordinator"]
    return {"mp": mp, "user": officer.user, "officer": officer, "child": child(mp, "P20")}


def _snapshot(entity_ids):
    return set(Alert.objects.filter(entity_id__in=entity_ids).values_list("pk", "status", "severity", "since"))


def test_a_screening_and_a_return_interview_clear_their_alerts_at_once(ctx):
    ep = episode(ctx["child"], ctx["mp"], reported="2024-06-10T22:10", returned="2024-06-11T09:00",
                 coordinator=ctx["officer"])
    run_sweep(TODAY)
    codes = set(Alert.objects.filter(entity_id=ep.ref, status="open").values_list("code", flat=True))
    assert {"MISSING_NOT_SCREENED", "RETURN_INTERVIEW_OVERDUE"} <= codes

    services.record_screening(actor=ctx["user"], episode=ep, stage="report", at=at("2024-06-10T22:30"),
                              indicators=[])
    services.record_screening(actor=ctx["user"], episode=ep, stage="return", at=at("2024-06-11T10:00"),
                              indicators=[])
    closed = Alert.objects.get(code="MISSING_NOT_SCREENED", entity_id=ep.ref)
    assert closed.status == "closed" and closed.closed_as_of == TODAY
    assert closed.closed_reason.startswith("cleared by the screening on 11 Jun 2024 at 10:00 (")
    assert ctx["officer"].name in closed.closed_reason

    services.record_return_interview(actor=ctx["user"], episode=ep, at=at("2024-06-12T15:00"))
    closed = Alert.objects.get(code="RETURN_INTERVIEW_OVERDUE", entity_id=ep.ref)
    assert closed.status == "closed"
    assert closed.closed_reason.startswith("cleared by the return home interview on 12 Jun 2024 at 15:00")
    before = _snapshot([ep.ref, "P20"])
    run_sweep(TODAY)
    assert _snapshot([ep.ref, "P20"]) == before


def test_a_strategy_meeting_clears_repeat_missing_and_other_children_are_left_alone(ctx):
    eps = [episode(ctx["child"], ctx["mp"], reported=f"2024-06-0{d}T22:10", returned=f"2024-06-0{d + 1}T08:00",
                   coordinator=ctx["officer"]) for d in (1, 3, 5)]
    for ep in eps:
        screening(ep, "report", ep.reported_at.isoformat()[:16])
    other = child(ctx["mp"], "P21", given="Ana")
    others = [episode(other, ctx["mp"], reported=f"2024-06-0{d}T21:00", coordinator=ctx["officer"])
              for d in (2, 4, 6)]
    run_sweep(TODAY)
    assert Alert.objects.filter(code="REPEAT_MISSING_NO_STRATEGY", entity_id="P20", status="open").exists()
    theirs = _snapshot(["P21", *[e.ref for e in others]])
    assert any(row[1] == "open" for row in theirs)

    services.record_strategy_meeting(actor=ctx["user"], child=ctx["child"], held_at=at("2024-06-19T11:00"),
                                     attendees="social care, school, police", outcome="safety plan agreed with care")
    closed = Alert.objects.get(code="REPEAT_MISSING_NO_STRATEGY", entity_id="P20")
    assert closed.status == "closed"
    assert closed.closed_reason.startswith("cleared by the strategy meeting on 19 Jun 2024 at 11:00")
    assert _snapshot(["P21", *[e.ref for e in others]]) == theirs


def test_a_new_report_opens_what_newly_holds_without_a_sweep(ctx):
    run_sweep(TODAY)
    services.report_episode(actor=ctx["user"], child=ctx["child"], reported_at=at("2024-06-18T20:00"))
    ep = ctx["child"].missing_episodes.get()
    assert Alert.objects.filter(code="MISSING_NOT_SCREENED", entity_id=ep.ref, status="open").exists()


def test_indicators_hand_the_referral_to_the_coordinator_and_recording_it_settles_the_task(ctx):
    from vigil.work.models import Task
    from vigil.work.queue import work_for

    ep = episode(ctx["child"], ctx["mp"], reported="2024-06-19T22:10", coordinator=ctx["officer"])
    s = services.record_screening(actor=ctx["user"], episode=ep, stage="report", at=at("2024-06-19T22:30"),
                                  indicators=["found_out_of_area"])
    t = Task.objects.get(kind="safeguarding_referral")
    assert t.owner == ctx["officer"] and t.record_ref == ep.ref and t.due == at("2024-06-20T22:30")
    assert any(i.kind == "task" and i.record == f"episode {ep.ref}" for i in work_for(ctx["officer"]))
    services.record_referral(actor=ctx["user"], screening=s, at=at("2024-06-20T09:00"), to="Exploitation hub")
    t.refresh_from_db()
    assert t.status == "done" and t.outcome.startswith("referral to Exploitation hub recorded on 20 Jun 2024")
    assert [e.what for e in t.events.all()] == ["created", "done"]
