"""Professional-standards restrictions (domain-rules §4), as pure functions of policy, cases and a date.

While an officer has an open case in a restricting category (domestic abuse, VAWG, sexual misconduct by
default), they are restricted: ineligible for the crime categories the policy lists and denied the records of
those crimes' victims, of public-protection subjects and (docs/adr/0202) of missing children. A case is open
from the day it is opened to the day it is closed, both included (docs/adr/0201).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseFacts:
    ref: str
    category: str
    opened: dt.date
    closed: dt.date | None = None

    def open_on(self, as_of: dt.date) -> bool:
        return self.opened <= as_of and (self.closed is None or as_of <= self.closed)


@dataclass(frozen=True)
class Restriction:
    """What an open restricting case means for an officer on one day."""

    case_refs: tuple[str, ...]
    case_categories: tuple[str, ...]
    since: dt.date
    crime_categories: frozenset[str]
    deny_subjects: bool
    deny_missing_children: bool

    @property
    def reason(self) -> str:
        """Said to allocators and supervisors: the fact of a restriction, never the allegation."""
        return "an active professional-standards restriction"

    def covers(self, categories: Iterable[str]) -> frozenset[str]:
        return self.crime_categories & frozenset(categories)


def restriction_from(cases: Iterable[CaseFacts], as_of: dt.date, policy: Mapping[str, Any]) -> Restriction | None:
    """The restriction in force on ``as_of``, or None. Several open cases give one restriction."""
    restricting = set(policy["standards.restricting_categories"])
    live = sorted((c for c in cases if c.category in restricting and c.open_on(as_of)),
                  key=lambda c: (c.opened, c.ref))
    if not live:
        return None
    return Restriction(
        case_refs=tuple(c.ref for c in live),
        case_categories=tuple(dict.fromkeys(c.category for c in live)),
        since=live[0].opened,
        crime_categories=frozenset(policy["standards.restricted_crime_categories"]),
        deny_subjects=bool(policy["standards.deny_public_protection_subjects"]),
        deny_missing_children=bool(policy["standards.deny_missing_children"]),
    )
