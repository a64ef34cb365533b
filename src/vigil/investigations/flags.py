"""The vocabulary of crimes shared by rules, models, forms and the interchange format."""
from __future__ import annotations

FLAGS = ("child_victim", "vulnerable_adult", "domestic_abuse", "domestic_abuse_high_risk", "hate", "weapon",
         "serious_injury", "multiple_offenders", "substantial_loss")

FLAG_LABELS = {
    "child_victim": "Child victim",
    "vulnerable_adult": "Vulnerable adult victim",
    "domestic_abuse": "Domestic abuse",
    "domestic_abuse_high_risk": "Domestic abuse assessed high risk",
    "hate": "Hate crime",
    "weapon": "Weapon used or carried",
    "serious_injury": "Serious injury",
    "multiple_offenders": "Several offenders acting together",
    "substantial_loss": "Substantial financial loss",
}

SPECIALISMS = ("sexual_offences", "child_abuse", "online_csa", "domestic_abuse")
SPECIALISM_BIT = {name: 1 << i for i, name in enumerate(SPECIALISMS)}

# The crime categories of domain-rules §4 are in the shared catalogue, vigil.crimes.categories.

THRIVE_GRADES = ("low", "medium", "high")
ENGAGEMENT = ("engaged", "reluctant", "not_contactable")
SOLVABILITY_FACTORS = {
    "suspect_named": "Suspect named or known",
    "suspect_described": "Suspect described",
    "cctv": "CCTV or other footage",
    "forensic": "Forensic opportunity",
    "witness": "Independent witness",
    "vehicle": "Vehicle identified",
    "property_traceable": "Stolen property traceable",
}


def bits(names, table: dict[str, int]) -> int:
    out = 0
    for n in names:
        out |= table[n]
    return out


def names_of(mask: int, table: dict[str, int]) -> list[str]:
    return [n for n, b in table.items() if mask & b]
