"""Which crimes are part of an officer's work (docs/adr/0207).

- crimes allocated to them now;
- investigators and supervisors: their team's crimes; senior officers: their borough's;
- allocation managers: the force's crimes, since they allocate across teams and boroughs (the foundation's
  officer scope already gives them the whole force's officers).

People involved in a crime (victims, suspects) are part of the work of those who investigate it: the allocated
officer, the team, the borough for senior officers; not of allocation managers, who do not need them.
Professional-standards denials (``vigil.standards.denials``) are subtracted from all of these.
"""
from django.db.models import Q

from vigil.core.scope import grant, record_type
from vigil.investigations.models import Allocation, BatchRun, Crime, CrimePerson
from vigil.people.models import Person


def _investigating(officer) -> Q:
    q = Q(pk__in=Allocation.objects.filter(officer_id=officer.pk, end__isnull=True).values("crime_id"))
    if officer.has_role("senior_officer") and officer.team.borough_id:
        q |= Q(team__borough_id=officer.team.borough_id)
    elif officer.has_role("investigator", "supervisor"):
        q |= Q(team_id=officer.team_id)
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
    crimes = Crime.objects.filter(_investigating(officer)).values("pk")
    return Q(pk__in=CrimePerson.objects.filter(crime__in=crimes).values("person_id"))


record_type("crime", "investigations.Crime")  # opened (and broken glass for) by its reference
