"""The crime categories of domain-rules §4: which crimes a professional-standards restriction covers, and which
make a crime one a probationer may not hold. Investigations (eligibility, vulnerability) and professional
standards (denials, officers still holding covered crimes) read them from here, so neither imports the other
for them. The selectors of each category are policy (``crimes.categories``), changeable by a force."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q

from vigil.core.policy import define
from vigil.crimes.selectors import Selector, any_of_q

CATEGORIES = ("sexual_offences", "domestic_abuse", "stalking_harassment", "child_victim")
CATEGORY_BIT = {name: 1 << i for i, name in enumerate(CATEGORIES)}
CATEGORY_LABELS = {"sexual_offences": "sexual offences", "domestic_abuse": "domestic abuse",
                   "stalking_harassment": "stalking and harassment", "child_victim": "child victim"}

# Offences whose victim is a child by definition (cruelty, child abduction, child sexual offences …).
CHILD_VICTIM_BY_DEFINITION = ["11A", "13", "17B", "19D", "19E", "19G", "19H", "20B", "21", "22B", "71"]

define("crimes.categories", {
    "sexual_offences": [{"groups": ["Sexual offences"]}, {"codes": ["86", "88A"]}],
    "domestic_abuse": [{"flags": ["domestic_abuse", "domestic_abuse_high_risk"]}],
    "stalking_harassment": [{"subgroups": ["Stalking and harassment"]}],
    "child_victim": [{"flags": ["child_victim"]}, {"codes": CHILD_VICTIM_BY_DEFINITION}],
}, "Crime categories of domain-rules §4: selectors for each (a crime is in a category if any selector matches)",
    source="domain-rules §4")


def category_selectors(policy: Mapping[str, Any]) -> dict[str, list[Selector]]:
    """category → its selectors, as the policy says now."""
    return {name: [Selector.parse(s) for s in specs] for name, specs in policy["crimes.categories"].items()}


def crimes_in_categories(categories: Iterable[str], policy: Mapping[str, Any], prefix: str = "") -> Q:
    """Crimes in any of the named §4 categories (``prefix`` for a related crime, e.g. ``"crime__"``)."""
    specs = policy["crimes.categories"]
    return any_of_q((Selector.parse(s) for name in sorted(set(categories)) for s in specs.get(name, ())), prefix)
