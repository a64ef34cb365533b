"""Who is restricted, read from the database: one officer (``active_restriction``) or many at once
(``active_restrictions``, one query, for eligibility over a whole force; registered with
``vigil.core.restrictions``, where investigations reads it without importing this area)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from vigil.core import policy as core_policy
from vigil.core.restrictions import restrictions_from
from vigil.standards.models import OfficerCase
from vigil.standards.rules import CaseFacts, Restriction, restriction_from


def _open_cases(as_of: dt.date, pol) -> Q:
    return (Q(category__in=pol["standards.restricting_categories"]) & Q(opened__lte=as_of)
            & (Q(closed__isnull=True) | Q(closed__gte=as_of)))


@restrictions_from
def active_restrictions(as_of: dt.date, officer_ids: Iterable[int] | None = None,
                        pol=None) -> dict[int, Restriction]:
    """officer pk → the restriction in force on ``as_of``, for every restricted officer (or those named)."""
    pol = pol or core_policy.current()
    qs = OfficerCase.objects.filter(_open_cases(as_of, pol))
    if officer_ids is not None:
        qs = qs.filter(officer_id__in=list(officer_ids))
    cases: dict[int, list[CaseFacts]] = defaultdict(list)
    for oid, ref, cat, opened, closed in qs.values_list("officer_id", "ref", "category", "opened", "closed"):
        cases[oid].append(CaseFacts(ref, cat, opened, closed))
    out = {}
    for oid, facts in cases.items():
        r = restriction_from(facts, as_of, pol)
        if r is not None:
            out[oid] = r
    return out


def active_restriction(officer, as_of: dt.date, pol=None) -> Restriction | None:
    """The restriction on ``officer`` on ``as_of`` (categories and case references), or None."""
    if officer is None or officer.pk is None:
        return None
    return active_restrictions(as_of, [officer.pk], pol).get(officer.pk)
