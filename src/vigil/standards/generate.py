"""Synthetic professional-standards cases: about 3% of officers under investigation for domestic abuse, VAWG
or sexual misconduct (1,071 of 34,000 in the Met in 2023), a few for dishonesty or other matters, and closed
cases from earlier years.

When an investigator is restricted, their manager reallocates most of the restricted crimes they hold, but not
all: the rest show as RESTRICTED_OFFICER_ALLOCATED, as they would in a force without Vigil.
"""
from __future__ import annotations

import datetime as dt
import math

from django.db.models import Exists, OuterRef

from vigil.accounts.models import Officer
from vigil.core.policy import defaults
from vigil.crimes.categories import crimes_in_categories
from vigil.demo.registry import GenerateContext, generator
from vigil.investigations.models import Allocation, Crime
from vigil.standards.models import OfficerCase

RESTRICTED_SHARE = 1071 / 34000
RESTRICTING = (["domestic_abuse", "vawg", "sexual_misconduct"], [0.5, 0.3, 0.2])
STILL_HOLDING = 0.1  # share of restricted crimes not yet reallocated when the case opened


@generator("standards", order=50)
def standards(ctx: GenerateContext) -> None:
    rng = ctx.rng("standards")
    officers = list(Officer.objects.filter(active=True).exclude(rank="staff").exclude(user__isnull=False)
                    .order_by("pk").values_list("pk", "team_id"))
    if not officers:
        return
    as_of = ctx.as_of
    k = min(len(officers), max(1, math.ceil(len(officers) * RESTRICTED_SHARE)))
    chosen = rng.sample(officers, k)
    # At least one restricted investigator of a public-protection team: the case most likely to matter.
    pp = list(Officer.objects.filter(active=True, roles__role="investigator", user__isnull=True,
                                     team__name__endswith="Public Protection").order_by("pk")
              .values_list("pk", "team_id"))
    if pp and not set(chosen) & set(pp):
        chosen[0] = rng.choice(pp)
    cases, n = [], OfficerCase.objects.count()
    for oid, _team in chosen:
        n += 1
        opened = as_of - dt.timedelta(days=rng.randint(1, 700))
        cases.append(OfficerCase(ref=f"PS{n:06d}", officer_id=oid, category=rng.choices(*RESTRICTING)[0],
                                 opened=opened, summary="synthetic case"))
    others = rng.sample(officers, min(len(officers), max(1, k // 3)))
    for oid, _team in others:  # closed cases, and open ones that do not restrict
        n += 1
        opened = as_of - dt.timedelta(days=rng.randint(30, 2500))
        category = rng.choice(["dishonesty", "other", "domestic_abuse", "vawg"])
        closed = None if category in ("dishonesty", "other") and rng.random() < .5 else \
            min(as_of - dt.timedelta(days=1), opened + dt.timedelta(days=rng.randint(30, 400)))
        if closed is not None and closed < opened:
            closed = opened
        cases.append(OfficerCase(ref=f"PS{n:06d}", officer_id=oid, category=category, opened=opened, closed=closed,
                                 summary="synthetic case"))
    OfficerCase.objects.bulk_create(cases, batch_size=5000)
    _reallocate_most(rng, [c for c in cases if c.closed is None and c.category in RESTRICTING[0]], as_of)


def _reallocate_most(rng, cases: list[OfficerCase], as_of: dt.date) -> None:
    """Move most restricted crimes away from newly restricted officers to a colleague in the same team."""
    restricted = {c.officer_id: c.opened for c in cases}
    if not restricted:
        return
    covered = Crime.objects.filter(crimes_in_categories(defaults()["standards.restricted_crime_categories"],
                                                        defaults()))
    held = list(Allocation.objects.filter(officer_id__in=list(restricted), end__isnull=True)
                .filter(Exists(covered.filter(pk=OuterRef("crime_id")))).select_related("crime", "officer"))
    if not held:
        return
    colleagues: dict[int, list[int]] = {}
    keep = rng.choice(held).pk  # at least one still held, for the alert to show
    for a in held:
        if a.pk == keep:
            continue
        team = a.officer.team_id
        if team not in colleagues:
            colleagues[team] = list(Officer.objects.filter(team_id=team, roles__role="investigator", pip_level__gte=2,
                                                           student_officer=False).exclude(pk__in=list(restricted))
                                    .values_list("pk", flat=True))
        if colleagues[team] and rng.random() > STILL_HOLDING:
            a.officer_id = rng.choice(colleagues[team])
    Allocation.objects.bulk_update(held, ["officer"], batch_size=2000)
