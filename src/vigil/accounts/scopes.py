"""Which officers and teams an officer sees: their own team, their borough for senior officers, all for
administrators, auditors and professional standards (whose work is the whole force)."""
from django.db.models import Q

from vigil.accounts.models import Officer, Team
from vigil.core.scope import grant

FORCE_WIDE = ("administrator", "auditor", "professional_standards", "allocation_manager")


@grant(Officer)
def officers_in_my_work(officer) -> Q:
    if officer.has_role(*FORCE_WIDE):
        return Q()
    if officer.has_role("senior_officer") and officer.team.borough_id:
        return Q(team__borough_id=officer.team.borough_id)
    return Q(team_id=officer.team_id)


@grant(Team)
def teams_in_my_work(officer) -> Q:
    if officer.has_role(*FORCE_WIDE):
        return Q()
    if officer.has_role("senior_officer") and officer.team.borough_id:
        return Q(borough_id=officer.team.borough_id)
    return Q(pk=officer.team_id)
