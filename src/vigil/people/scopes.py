"""Which person records are part of an officer's work: those their team holds (their borough's, for senior
officers). Modules add grants for people in their own work (subjects managed, crimes held, episodes)."""
from django.db.models import Q

from vigil.core.scope import grant, record_type
from vigil.people.models import Person


@grant(Person)
def people_my_team_holds(officer) -> Q:
    if officer.has_role("senior_officer") and officer.team.borough_id:
        return Q(team__borough_id=officer.team.borough_id)
    return Q(team_id=officer.team_id)


record_type("person", "people.Person")  # opened (and broken glass for) by its reference
