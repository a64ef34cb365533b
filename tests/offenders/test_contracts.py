"""The contracts other modules rely on: Subject, record_trigger and open_escalation."""
from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.offenders.factories import assess, subject
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.offenders.escalations import open_escalation
from vigil.offenders.models import Escalation, EscalationEvent, ReviewTrigger, Subject
from vigil.offenders.triggers import record_trigger
from vigil.people.models import Person

D = dt.date


@pytest.mark.django_db
def test_a_person_finds_their_subjects_through_person_subjects(org):
    s = subject(org.teams["om"], ref="S1", manager=org.officers["offender_manager"])
    assert list(Person.objects.get(pk=s.person_id).subjects.all()) == [s]
    assert Person.objects.filter(subjects__ref="S1").count() == 1


@pytest.mark.django_db
def test_subjects_are_scoped_to_the_team_and_the_managers_people_become_their_work(org):
    s = subject(org.teams["om"], ref="S1", manager=org.officers["offender_manager"])
    s.person.team = None
    s.person.save()
    om, other = org.user("offender_manager"), org.user("other_team_offender_manager")
    assert list(Subject.objects.restrict(om)) == [s]
    assert list(Subject.objects.restrict(other)) == []
    assert list(Person.objects.restrict(om)) == [s.person]
    assert list(Person.objects.restrict(other)) == []


@pytest.mark.django_db
def test_record_trigger_is_idempotent_per_subject_trigger_and_source(org):
    s = subject(org.teams["om"], ref="S1")
    t1 = record_trigger(subject=s, trigger="missing_child_link", on=D(2024, 6, 3), reason="child found at address",
                        source="missing:M1")
    t2 = record_trigger(subject=s, trigger="missing_child_link", on=D(2024, 6, 3), reason="child found at address",
                        source="missing:M1")
    assert t1.pk == t2.pk
    record_trigger(subject=s, trigger="missing_child_link", on=D(2024, 6, 9), reason="another episode",
                   source="missing:M2")
    assert ReviewTrigger.objects.filter(subject=s).count() == 2
    assert AccessLogEntry.objects.filter(record_type="subject", record_id="S1",
                                         detail__startswith="review trigger missing_child_link").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [{"trigger": "moved"}, {"reason": "  "}, {"source": ""}])
def test_record_trigger_refuses_bad_input_and_writes_nothing(org, bad):
    s = subject(org.teams["om"], ref="S1")
    args = dict(subject=s, trigger="arrest", on=D(2024, 6, 3), reason="arrested for breach", source="test")
    args.update(bad)
    with pytest.raises(InputError):
        record_trigger(**args)
    assert not ReviewTrigger.objects.exists()


@pytest.mark.django_db
def test_open_escalation_child_link_goes_to_an_inspector_with_a_one_day_deadline(org):
    di = org.officers["senior_officer"]
    s = subject(org.teams["om"], ref="S1", manager=org.officers["offender_manager"])
    e = open_escalation(subject=s, kind="CHILD_LINKED_TO_OFFENDER", opened_on=D(2024, 6, 3),
                        reasons=["child P20 found at the subject's notified address"], source="missing:M1")
    assert e.owner == di and e.owner.rank == "DI"
    assert e.deadline == D(2024, 6, 4)
    assert EscalationEvent.objects.filter(escalation=e, what="opened").count() == 1
    again = open_escalation(subject=s, kind="CHILD_LINKED_TO_OFFENDER", opened_on=D(2024, 6, 5),
                            reasons=["child P21 found with the subject"], source="missing:M2")
    assert again.pk == e.pk and Escalation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "level", "days", "rank"), [
    ("S96B_WARRANT_CONSIDERATION", "high", 7, "DI"),
    ("S96B_WARRANT_CONSIDERATION", "medium", 14, "DI"),
    ("WHEREABOUTS_UNKNOWN", "very_high", 1, "DI"),
    ("WHEREABOUTS_UNKNOWN", "low", 14, "DI"),
    ("VISIT_OVERDUE", "high", 7, "DS"),
])
def test_owner_rank_and_deadline_follow_the_rules(org, kind, level, days, rank):
    s = subject(org.teams["om"], ref="S1")
    assess(s, level, D(2024, 1, 1), assessor=org.officers["offender_manager"], approver=org.officers["supervisor"])
    e = open_escalation(subject=s, kind=kind, opened_on=D(2024, 8, 15), reasons=["r"], source="test")
    assert e.owner.rank == rank
    assert e.deadline == D(2024, 8, 15) + dt.timedelta(days=days)


@pytest.mark.django_db
def test_an_unassessed_subject_gets_the_high_risk_deadline(org):
    s = subject(org.teams["om"], ref="S1")
    e = open_escalation(subject=s, kind="S96B_WARRANT_CONSIDERATION", opened_on=D(2024, 8, 15), reasons=["r"],
                        source="test")
    assert e.deadline == D(2024, 8, 22)


@pytest.mark.django_db
def test_with_no_inspector_in_the_team_the_borough_then_the_force_supplies_one(org):
    s = subject(org.teams["om2"], ref="S2")  # South East MOSOVO has only an offender manager
    e = open_escalation(subject=s, kind="WHEREABOUTS_UNKNOWN", opened_on=D(2024, 8, 15), reasons=["r"], source="t")
    assert e.owner is not None and e.owner.rank in ("DI", "DCI", "Supt", "ChSupt")
    far = factories.officer(org.teams["om2"], rank="DCI", roles=["senior_officer"])
    s3 = subject(org.teams["om2"], ref="S3")
    e3 = open_escalation(subject=s3, kind="WHEREABOUTS_UNKNOWN", opened_on=D(2024, 8, 15), reasons=["r"], source="t")
    assert e3.owner == far


@pytest.mark.django_db
def test_open_escalation_refuses_an_unknown_kind(org):
    s = subject(org.teams["om"], ref="S1")
    with pytest.raises(InputError):
        open_escalation(subject=s, kind="SOMETHING", opened_on=D(2024, 8, 15), reasons=["r"], source="t")
    assert not Escalation.objects.exists()
