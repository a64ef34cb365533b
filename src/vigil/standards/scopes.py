"""Officer cases are the work of professional standards, force-wide; nobody else sees them.
(Nobody sees a case about themselves: ``vigil.standards.denials.my_own_case``.)"""
from django.db.models import Q

from vigil.core.scope import grant
from vigil.standards.models import OfficerCase


@grant(OfficerCase)
def cases_for_professional_standards(officer) -> Q | None:
    return Q(pk__isnull=False) if officer.has_role("professional_standards") else None
