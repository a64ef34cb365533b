"""The information-governance section of a person page: a restriction of processing in force, the disclosures
recorded, and the action to record a new one."""
from __future__ import annotations

from vigil.governance.models import Disclosure, ProcessingRestriction
from vigil.web.registry import person_section


@person_section
def governance_of_person(request, person):
    if not request.user.has_perm("vigil.disclose"):
        return None
    return {"title": "Disclosures and restrictions", "template": "governance/person_section.html",
            "person": person,
            "restriction": ProcessingRestriction.objects.filter(person=person, lifted_at__isnull=True).first(),
            "disclosures": list(Disclosure.objects.filter(person=person).order_by("-disclosed_at")[:20])}
