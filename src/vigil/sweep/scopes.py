"""Which alerts an officer sees: those they own, their team's, their borough's (senior officers), all of them for
force-wide roles (auditors, professional standards, administrators, allocation managers for crime alerts)."""
from django.db.models import Q

from vigil.core.scope import grant
from vigil.sweep.models import Alert

FORCE_WIDE = ("auditor", "professional_standards", "administrator")


@grant(Alert)
def alerts_in_my_work(officer) -> Q:
    if officer.has_role(*FORCE_WIDE) or officer.rank in ("Supt", "ChSupt"):
        return Q()
    mine = Q(owner=officer.ref) | Q(team_id=officer.team_id)
    if officer.has_role("senior_officer") and officer.team.borough_id:
        mine |= Q(team__borough_id=officer.team.borough_id)
    return mine
