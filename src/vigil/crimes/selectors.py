"""Selectors: the one way the policy names a set of crimes (the required-level matrix, the crime categories of
§4, vulnerability). A crime matches when its offence is among the selector's codes, groups or subgroups (if any
are given) **and** it carries one of its flags (if any are given). The same selector answers in Python
(``matches``) and in SQL (``q``), so a rule and a query can never disagree."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from vigil.crimes import offences


@dataclass(frozen=True)
class Selector:
    codes: frozenset[str] | None  # None: any offence
    flags: frozenset[str]         # empty: whatever the flags

    @classmethod
    def parse(cls, spec: Mapping[str, Any]) -> Selector:
        named = {k: list(spec.get(k) or []) for k in ("codes", "groups", "subgroups")}
        codes = (frozenset(offences.codes_matching(**named)) if any(named.values()) else None)
        return cls(codes, frozenset(spec.get("flags") or ()))

    def matches(self, offence_code: str, flags: Iterable[str]) -> bool:
        if self.codes is not None and offence_code not in self.codes:
            return False
        return not self.flags or bool(self.flags & set(flags))

    def q(self, prefix: str = "") -> Q:
        """The same test as ``matches`` over Crime rows (``prefix`` for a related crime, e.g. ``"crime__"``)."""
        q = Q(**{f"{prefix}offence_code__in": sorted(self.codes)}) if self.codes is not None else Q()
        if self.flags:
            fq = Q()
            for f in sorted(self.flags):
                fq |= Q(**{f"{prefix}{f}": True})
            q &= fq
        return q


def any_of_q(selectors: Iterable[Selector], prefix: str = "") -> Q:
    """Rows matching at least one selector; matches nothing when there are none."""
    out = Q(pk__in=[])
    for s in selectors:
        out |= s.q(prefix)
    return out
