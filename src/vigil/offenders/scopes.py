"""Which subjects (and their people, assessments, visits and escalations) are part of an officer's work.

An officer's team's subjects (their borough's, for a senior officer), any subject they manage, and any subject
with an open escalation they own. Professional standards registers its denials on ``offenders.subject``; the
related records here are granted only through ``Subject.objects.restrict``, so a denial on the subject also
hides its assessments, visits and escalations.
"""
from __future__ import annotations

from django.db.models import Q

from vigil.core.scope import grant, record_type
from vigil.offenders.models import Assessment, Escalation, Subject, Visit
from vigil.people.models import Person


def subject_q(officer) -> Q:
    """Subjects in ``officer``'s work, as a Q on Subject (before any denial)."""
    if officer.has_role("senior_officer") and officer.team.borough_id:
        q = Q(team__borough_id=officer.team.borough_id)
    else:
        q = Q(team_id=officer.team_id)
    owned = Escalation.objects.filter(owner_id=officer.pk, closed_on__isnull=True).values("subject_id")
    return q | Q(manager_id=officer.pk) | Q(pk__in=owned)


def _my_subjects(officer):
    """The officer's subjects less any denial (through the user, as every restrict does)."""
    if officer.user_id is None:
        return Subject.objects.filter(subject_q(officer)).values("pk")
    return Subject.objects.restrict(officer.user).values("pk")


@grant(Subject)
def subjects_in_my_work(officer) -> Q:
    return subject_q(officer)


@grant(Person)
def people_who_are_my_subjects(officer) -> Q:
    return Q(pk__in=Subject.objects.filter(pk__in=_my_subjects(officer)).values("person_id"))


@grant(Assessment)
def assessments_in_my_work(officer) -> Q:
    return Q(subject__in=_my_subjects(officer))


@grant(Visit)
def visits_in_my_work(officer) -> Q:
    return Q(subject__in=_my_subjects(officer))


@grant(Escalation)
def escalations_in_my_work(officer) -> Q:
    return Q(subject__in=_my_subjects(officer))


record_type("subject", "offenders.Subject")  # opened (and broken glass for) by its reference
