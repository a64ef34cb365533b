"""The policy's selectors as SQL, for set-based reads: each crime's required level and workload units from the
required-level matrix (§2). The same selectors as ``CrimeRules`` (``vigil.crimes.selectors``), so a query and a
rule can never disagree. Which crimes a §4 category holds: ``vigil.crimes.categories.crimes_in_categories``."""
from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from vigil.crimes.selectors import any_of_q
from vigil.investigations.rules import CrimeRules


def _by_level(rules: CrimeRules, prefix: str, value) -> Case:
    """CASE over the matrix's levels, highest first, so a crime gets the highest level of the rules it matches."""
    levels = sorted({int(r["pip_level"]) for r, _ in rules.matrix if int(r["pip_level"]) > rules.default_pip},
                    reverse=True)
    whens = [When(any_of_q([s for r, s in rules.matrix if int(r["pip_level"]) >= lvl], prefix),
                  then=Value(value(lvl))) for lvl in levels]
    return Case(*whens, default=Value(value(rules.default_pip)), output_field=IntegerField())


def required_pip_expression(rules: CrimeRules, prefix: str = "") -> Case:
    """SQL for a crime's required PIP level: the highest level of the matrix rules it matches."""
    return _by_level(rules, prefix, int)


def units_expression(rules: CrimeRules, prefix: str = "") -> Case:
    """SQL for a crime's workload units (PIP1 = 1, PIP2 = 2, PIP3 = 4 by default)."""
    return _by_level(rules, prefix, rules.units_for)


def reweigh_open_allocations(rules: CrimeRules) -> int:
    """Give every open allocation the workload units the policy now says its crime carries (after the matrix or
    the units change). One statement; returns how many were re-weighed."""
    from django.db.models import OuterRef, Subquery

    from vigil.investigations.models import Allocation, Crime

    units = Subquery(Crime.objects.filter(pk=OuterRef("crime_id")).annotate(u=units_expression(rules)).values("u")[:1])
    return Allocation.objects.filter(end__isnull=True).exclude(units=units).update(units=units)
