"""Reads for professional standards: who is restricted against force strength, the open cases, restricted
officers still holding crimes their restriction covers, and refused access attempts. Set-based."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core import policy as core_policy
from vigil.core.models import AccessLogEntry
from vigil.core.scope import open_record
from vigil.crimes.categories import crimes_in_categories
from vigil.investigations.models import Allocation, current_on, open_on
from vigil.standards.models import OfficerCase
from vigil.standards.restrictions import active_restrictions


@dataclass
class Overview:
    as_of: dt.date
    strength: int
    restricted: int
    by_category: list[tuple[str, str, int]]
    holding: dict[str, list[str]] = field(default_factory=dict)  # officer ref → crime refs still held
    refused: list = field(default_factory=list)

    @property
    def share(self) -> float:
        return 100 * self.restricted / self.strength if self.strength else 0.0


def force_strength() -> int:
    """Serving officers (police staff are not counted, as in '1,071 of 34,000 officers')."""
    return Officer.objects.filter(active=True).exclude(rank="staff").count()


def still_holding(restrictions: dict, as_of: dt.date, pol) -> dict[int, list[str]]:
    """officer pk → refs of open crimes they still hold that their restriction covers (professional standards
    reads investigations' allocations: a dependency one way only; docs/architecture.md)."""
    by_categories: dict[frozenset, list[int]] = defaultdict(list)
    for pk, r in restrictions.items():
        by_categories[r.crime_categories].append(pk)
    out: dict[int, list[str]] = defaultdict(list)
    for categories, officers in by_categories.items():
        for oid, ref in (Allocation.objects.filter(current_on(as_of), open_on(as_of, "crime__"), officer_id__in=officers)
                         .filter(crimes_in_categories(categories, pol, "crime__"))
                         .order_by("crime__ref").values_list("officer_id", "crime__ref")):
            out[oid].append(ref)
    return out


def overview(*, actor, as_of: dt.date, pol=None) -> Overview:
    from vigil.standards.models import CaseCategory

    pol = pol or core_policy.current()
    restrictions = active_restrictions(as_of, pol=pol)
    counts = Counter(cat for r in restrictions.values() for cat in r.case_categories)
    labels = dict(CaseCategory.choices)
    refs = dict(Officer.objects.filter(pk__in=list(restrictions)).values_list("pk", "ref")) if restrictions else {}
    holding = {refs[pk]: crimes for pk, crimes in still_holding(restrictions, as_of, pol).items()}
    refused = list(AccessLogEntry.objects.filter(outcome="refused").order_by("-id")[:100])
    access_log.record(actor=actor, operation="consultation", record_type="officer_case",
                      record_ids=f"overview:{as_of.isoformat()}", justification="professional-standards oversight",
                      detail=f"{len(restrictions)} restricted officer(s); {len(refused)} refused attempt(s) shown")
    return Overview(as_of, force_strength(), len(restrictions),
                    [(c, labels[c], counts[c]) for c in pol["standards.restricting_categories"] if c in labels],
                    holding, refused)


def open_cases(*, actor, as_of: dt.date):
    from django.db.models import Q

    return (OfficerCase.objects.restrict(actor).filter(opened__lte=as_of)
            .filter(Q(closed__isnull=True) | Q(closed__gte=as_of)).select_related("officer__team")
            .order_by("-opened", "ref"))


def open_case_record(*, actor, ref: str):
    """One case, if the actor may see it; the consultation or the refused attempt is logged."""
    return open_record(actor, OfficerCase.objects.select_related("officer__team"), ref, record_type="officer_case",
                       purpose="officer case opened", break_glass=False)


def refused_attempts_by(officer) -> list:
    return list(AccessLogEntry.objects.filter(outcome="refused", actor_officer=officer.ref).order_by("-id")[:50])
