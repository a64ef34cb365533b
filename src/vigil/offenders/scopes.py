"""Which subjects (and their people, assessments, visits and escalations) are part of an officer's work.

An offender manager's team's subjects, and any subject they manage themselves; a senior officer's borough.
Professional standards registers its denials on ``offenders.subject`` separately (docs/extending.md).
"""
from __future__ import annotations

from django.db.models import Q

from vigil.core.scope import grant
from vigil.offenders.models import Assessment, Escalation, Subject, Visit
from vigil.people.models import Person


def subject_q(officer, prefix: str = "") -> Q:
    """Subjects in ``officer``'s work, as a Q on Subject (``prefix`` like ``'subject__'`` for related models)."""
    if officer.has_role("senior_officer") and officer.team.borough_id:
        q = Q(**{f"{prefix}team__borough_id": officer.team.borough_id})
    else:
        q = Q(**{f"{prefix}team_id": officer.team_id})
    return q | Q(**{f"{prefix}manager_id": officer.pk})


@grant(Subject)
def subjects_in_my_work(officer) -> Q:
    return subject_q(officer)


@grant(Person)
def people_who_are_my_subjects(officer) -> Q:
    return Q(pk__in=Subject.objects.filter(subject_q(officer)).values("person_id"))


@grant(Assessment)
def assessments_in_my_work(officer) -> Q:
    return subject_q(officer, "subject__")


@grant(Visit)
def visits_in_my_work(officer) -> Q:
    return subject_q(officer, "subject__")


@grant(Escalation)
def escalations_in_my_work(officer) -> Q:
    return subject_q(officer, "subject__") | Q(owner_id=officer.pk)
