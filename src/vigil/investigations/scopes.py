"""Which crimes are part of an officer's work (docs/adr/0207).

- crimes allocated to them now;
- investigators and supervisors: their team's crimes; senior officers: their borough's;
- allocation managers: the force's crimes, since they allocate across teams and boroughs (the foundation's
  officer scope already gives them the whole force's officers).

People involved in a crime (victims, suspects) are part of the work of those who investigate it: the allocated
officer, the team, the borough for senior officers; not of allocation managers, who do not need them.
Professional-standards denials (``vigil.standards.denials``) are subtracted from all of these.
"""
from django.db.models import Exists, OuterRef, Q

from vigil.core.scope import grant, record_type
from vigil.investigations.models import Allocation, BatchRun, Crime, CrimePerson
from vigil.people.models import Person


def _investigating_parts(officer) -> list[Q]:
    """Each way a crime is in an officer's investigating work, apart."""
    parts = [Q(pk__in=Allocation.objects.filter(officer_id=officer.pk, end__isnull=True).values("crime_id"))]
    if officer.has_role("senior_officer") and officer.team.borough_id:
        parts.append(Q(team__borough_id=officer.team.borough_id))
    elif officer.has_role("investigator", "supervisor"):
        parts.append(Q(team_id=officer.team_id))
    return parts


def _investigating(officer) -> Q:
    q = Q()
    for part in _investigating_parts(officer):
        q |= part
    return q


@grant(Crime)
def crimes_in_my_work(officer) -> Q:
    if officer.has_role("allocation_manager"):
        return Q(pk__isnull=False)
    return _investigating(officer)


@grant(Allocation)
def allocations_in_my_work(officer) -> Q:
    if officer.has_role("allocation_manager"):
        return Q(pk__isnull=False)
    return Q(crime__in=Crime.objects.filter(_investigating(officer)).values("pk"))


@grant(BatchRun)
def batch_runs_in_my_work(officer) -> Q:
    if officer.has_role("allocation_manager"):
        return Q(pk__isnull=False)
    return Q(created_by_id=officer.user_id) if officer.user_id else Q(pk__in=[])


@grant(Person)
def people_in_crimes_i_investigate(officer) -> Q:
    # Asked of each person (EXISTS), one way in at a time: as one IN over the crimes of the team, PostgreSQL built
    # the set of everyone in 50,000 crimes (150 ms) to decide about the handful of people a page shows.
    q = Q()
    for part in _investigating_parts(officer):
        q |= Q(Exists(CrimePerson.objects.filter(person_id=OuterRef("pk"),
                                                 crime__in=Crime.objects.filter(part).values("pk"))))
    return q


record_type("crime", "investigations.Crime")  # opened (and broken glass for) by its reference
