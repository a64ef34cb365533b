"""Which scored pairs a reviewer may see: those where either record is within their work. Reviewing links is the
work of missing-persons coordinators, exploitation analysts and their supervisors; nobody else sees the queue."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from vigil.core.scope import grant, grant_q
from vigil.people.linkage.models import RecordMatch
from vigil.people.models import Person

REVIEWERS = ("missing_persons_coordinator", "exploitation_analyst", "supervisor", "senior_officer")


@grant(RecordMatch)
def matches_touching_my_work(officer) -> Q | None:
    if not officer.has_role(*REVIEWERS):
        return None
    people = grant_q(Person, officer)
    if people is None:
        return None
    # Asked of each pair (EXISTS): a page counts a few dozen pairs, and the set of everyone in the reviewer's work
    # need not be built, twice, to count them.
    return (Q(Exists(Person.objects.filter(people, pk=OuterRef("left_id"))))
            | Q(Exists(Person.objects.filter(people, pk=OuterRef("right_id")))))
