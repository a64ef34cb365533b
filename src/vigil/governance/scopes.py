"""A person whose processing is restricted (``restriction.py``) is denied to everyone but the team holding the
record and professional standards, even by break-glass; the subjects and missing episodes about them likewise."""
from __future__ import annotations

from django.db.models import Q

from vigil.core.scope import deny
from vigil.governance.models import ProcessingRestriction

REASON = ("the processing of this person's data is restricted (DPA 2018 s.47): only the team holding the record "
          "and professional standards may open it")


def _restricted():
    return ProcessingRestriction.objects.filter(lifted_at__isnull=True).values("person_id")


def _denied(officer, person: str) -> Q | None:
    """The restricted records, less those the officer's own team holds (``team_id`` of the record itself)."""
    if officer.has_role("professional_standards"):
        return None
    return Q(**{f"{person}__in": _restricted()}) & ~Q(team_id=officer.team_id)


@deny("people.Person", reason=REASON)
def restricted_people(officer) -> Q | None:
    return _denied(officer, "pk")


@deny("offenders.Subject", reason=REASON)
def restricted_subjects(officer) -> Q | None:
    return _denied(officer, "person_id")


@deny("missing.MissingEpisode", reason=REASON)
def restricted_episodes(officer) -> Q | None:
    return _denied(officer, "child_id")
