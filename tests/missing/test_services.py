"""Writes to episodes: what they record, what they log, and bad input refused with one line and nothing written."""
from __future__ import annotations

import pytest

from tests.missing.factories import at, child, episode
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.missing import services
from vigil.missing.models import Grading, MissingEpisode, Screening, StrategyMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(org):
    mp = org.teams["mp"]
    coordinator = org.officers["missing_persons_coordinator"]
    return {"mp": mp, "user": coordinator.user, "officer": coordinator, "child": child(mp, "P20")}


def test_report_then_grade_keeps_what_the_grader_was_shown(ctx):
    ep = services.report_episode(actor=ctx["user"], child=ctx["child"], reported_at=at("2024-06-01T22:10"),
                                 last_seen_at=at("2024-06-01T18:00"), circumstances="did not come home")
    assert ep.team == ctx["mp"] and ep.coordinator == ctx["officer"] and ep.ref.startswith("M")
    g = services.grade_episode(actor=ctx["user"], episode=ep, grade="high", rationale="older associates known",
                               graded_at=at("2024-06-01T22:30"), information_shown={"flags": ["Looked-after child"]})
    ep.refresh_from_db()
    assert (ep.risk_grade, ep.graded_at) == ("high", g.graded_at) and g.graded_by == ctx["officer"]
    assert g.information_shown == {"flags": ["Looked-after child"]}
    log = AccessLogEntry.objects.filter(record_type="episode", record_id=ep.ref).values_list("operation", "detail")
    assert ("collection", "missing episode reported for child P20") in list(log)
    assert ("alteration", "graded high") in list(log)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"grade": "severe"}, "grade: 'severe' is not one of high, medium, low, very_low"),
    ({"rationale": "gut"}, "rationale: write at least 10 characters"),
    ({"graded_at": at("2024-06-01T20:00")}, "graded at: cannot be before the report"),
])
def test_a_bad_grading_is_refused_and_nothing_is_written(ctx, kwargs, message):
    ep = episode(ctx["child"], ctx["mp"])
    args = {"grade": "high", "rationale": "a proper rationale", "graded_at": at("2024-06-01T22:30"), **kwargs}
    with pytest.raises(InputError, match=message):
        services.grade_episode(actor=ctx["user"], episode=ep, **args)
    assert not Grading.objects.exists()
    ep.refresh_from_db()
    assert ep.risk_grade == ""


def test_screenings_at_report_and_return(ctx):
    ep = episode(ctx["child"], ctx["mp"])
    services.record_screening(actor=ctx["user"], episode=ep, stage="report", at=at("2024-06-02T09:00"),
                              indicators=["late_night_phone_contact", "older_associates"])
    s = Screening.objects.get(episode=ep)
    assert s.indicators == ["older_associates", "late_night_phone_contact"]  # checklist order
    with pytest.raises(InputError, match="a screening at return needs the return recorded first"):
        services.record_screening(actor=ctx["user"], episode=ep, stage="return", at=at("2024-06-02T10:00"),
                                  indicators=[])
    with pytest.raises(InputError, match="indicators: 'gang_tattoo' not on the checklist"):
        services.record_screening(actor=ctx["user"], episode=ep, stage="report", at=at("2024-06-02T10:00"),
                                  indicators=["gang_tattoo"])
    with pytest.raises(InputError, match="no indicator is present"):
        services.record_screening(actor=ctx["user"], episode=ep, stage="report", at=at("2024-06-02T10:00"),
                                  indicators=[], referral_at=at("2024-06-02T11:00"), referral_to="MASH")
    assert Screening.objects.count() == 1
    services.record_referral(actor=ctx["user"], screening=s, at=at("2024-06-02T12:00"), to="Exploitation hub")
    s.refresh_from_db()
    assert s.referral_to == "Exploitation hub"
    assert AccessLogEntry.objects.filter(operation="disclosure", record_id=ep.ref).exists()
    with pytest.raises(InputError, match="already recorded"):
        services.record_referral(actor=ctx["user"], screening=s, at=at("2024-06-02T13:00"), to="MASH")


def test_return_and_interviews(ctx, org):
    ep = episode(ctx["child"], ctx["mp"])
    with pytest.raises(InputError, match="record the return first"):
        services.record_prevention_interview(actor=ctx["user"], episode=ep, at=at("2024-06-03T10:00"))
    with pytest.raises(InputError, match="returned at: cannot be before the report"):
        services.record_return(actor=ctx["user"], episode=ep, returned_at=at("2024-05-01T10:00"), found_at={})
    with pytest.raises(InputError, match="found with: the child cannot be found with themselves"):
        services.record_return(actor=ctx["user"], episode=ep, returned_at=at("2024-06-03T08:00"), found_at={},
                               found_with=[ctx["child"]])
    ep.refresh_from_db()
    assert ep.returned_at is None
    services.record_return(actor=ctx["user"], episode=ep, returned_at=at("2024-06-03T08:00"),
                           found_at={"line1": "12 High St", "town": "Northbridge"}, condition="well")
    ep.refresh_from_db()
    assert ep.found_key == "~high-street|12||northbridge"
    with pytest.raises(InputError, match="already recorded"):
        services.record_return(actor=ctx["user"], episode=ep, returned_at=at("2024-06-03T09:00"), found_at={})
    with pytest.raises(InputError, match="cannot be before the return"):
        services.record_return_interview(actor=ctx["user"], episode=ep, at=at("2024-06-03T07:00"))
    services.record_prevention_interview(actor=ctx["user"], episode=ep, at=at("2024-06-03T12:00"))
    services.record_return_interview(actor=ctx["user"], episode=ep, at=at("2024-06-04T12:00"), note="offered")
    ep.refresh_from_db()
    assert ep.prevention_interview_at and ep.return_interview_at


def test_strategy_meeting_and_profile(ctx):
    with pytest.raises(InputError, match="outcome: write at least 10 characters"):
        services.record_strategy_meeting(actor=ctx["user"], child=ctx["child"], held_at=at("2024-06-05T10:00"),
                                         outcome="ok")
    assert not StrategyMeeting.objects.exists()
    services.record_strategy_meeting(actor=ctx["user"], child=ctx["child"], held_at=at("2024-06-05T10:00"),
                                     outcome="Safety plan agreed with the school")
    p = services.save_philomena_profile(actor=ctx["user"], child=ctx["child"], at=at("2024-06-05T10:00"),
                                        description="160 cm, dark hair", medical="asthma")
    assert p.looked_after and p.medical == "asthma"
    with pytest.raises(InputError, match="not a Philomena profile field: shoe_size"):
        services.save_philomena_profile(actor=ctx["user"], child=ctx["child"], at=at("2024-06-05T10:00"),
                                        shoe_size="5")


def test_episode_refs_are_new(ctx):
    MissingEpisode.objects.create(ref="M41", child=ctx["child"], reported_at=at("2024-01-01T10:00"))
    assert services.next_ref() == "M42"
