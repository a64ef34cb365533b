"""Set-based reads of the facts the rules need (no actor: these feed the sweep and the services' rules).

Each function is a handful of aggregate queries, never one per subject, and ignores facts dated after
``as_of`` so that a past date always gives the same answer.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.db.models import OuterRef, Subquery

from vigil.accounts.models import RANK_ORDER, Officer
from vigil.offenders.models import Assessment, Escalation
from vigil.offenders.rules.escalations import Candidate

OWNER_ROLES = ("supervisor", "senior_officer")


def risk_levels(as_of: dt.date, subject_ids: Iterable[int] | None = None) -> dict[int, str]:
    """The risk level in effect on ``as_of``: the latest assessment approved on or before it."""
    qs = Assessment.objects.filter(approved_on__isnull=False, approved_on__lte=as_of)
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    out: dict[int, tuple] = {}
    for sid, date, approved, pk, level in qs.values_list("subject_id", "date", "approved_on", "pk", "risk_level"):
        key = (approved, date, pk)
        if sid not in out or key > out[sid][0]:
            out[sid] = (key, level)
    return {sid: v[1] for sid, v in out.items()}


def risk_level(subject, as_of: dt.date, pol) -> tuple[str, bool]:
    """(level, assessed): an unassessed subject is treated as ``visits.unassessed_level`` (docs/adr/0100)."""
    level = risk_levels(as_of, [subject.pk]).get(subject.pk)
    return (level, True) if level else (pol["visits.unassessed_level"], False)


def owner_candidates(as_of: dt.date) -> list[Candidate]:
    """Active supervisors and senior officers of DS rank or above: the pool escalation owners come from.
    An officer under a professional-standards restriction on ``as_of`` owns nothing about subjects."""
    ranks = RANK_ORDER[RANK_ORDER.index("DS"):]
    rows = (Officer.objects.filter(active=True, rank__in=ranks, roles__role__in=OWNER_ROLES)
            .values_list("pk", "ref", "rank", "team_id", "team__borough_id").order_by("pk").distinct())
    restricted = restricted_officers(as_of)
    return [Candidate(*row) for row in rows if row[0] not in restricted]


def restricted_officers(as_of: dt.date) -> set[int]:
    """Officers barred from public-protection subjects on ``as_of`` (professional standards, if installed)."""
    if not apps.is_installed("vigil.standards"):
        return set()
    from vigil.standards.restrictions import active_restrictions

    return {pk for pk, r in active_restrictions(as_of).items() if getattr(r, "deny_subjects", True)}


def open_escalation_load() -> dict[int, int]:
    """Open escalations per owner (to spread new ones)."""
    from django.db.models import Count

    return dict(Escalation.objects.filter(closed_on__isnull=True, owner__isnull=False)
                .values_list("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))


def latest_assessment_subquery(as_of: dt.date):
    """A subquery for the level in effect on ``as_of`` (for annotating subject querysets)."""
    return Subquery(Assessment.objects.filter(subject=OuterRef("pk"), approved_on__isnull=False,
                                              approved_on__lte=as_of)
                    .order_by("-approved_on", "-date", "-pk").values("risk_level")[:1])
