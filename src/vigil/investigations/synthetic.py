"""Synthetic crimes with the Metropolitan Police's real offence mix (Home Office 2017/18: 815,528 crimes, about
2,200 a day) and flags at plausible rates. Used by the demo generator and the benchmarks; never for real data.

Flag rates are broad estimates for a demonstration, stated here so they can be checked: domestic abuse in about
a third of violence against the person; high risk in about one domestic-abuse crime in eight (the share
referred to MARAC); child victims in most sexual offences against under-18s and by definition where the
offence says so; hate by definition for racially or religiously aggravated offences.
"""
from __future__ import annotations

import random
from collections.abc import Iterator

from vigil.crimes import offences
from vigil.crimes.categories import CHILD_VICTIM_BY_DEFINITION

AGGRAVATED = {"105B", "8P", "8M", "9B", "58J"}
ALWAYS = {  # flags an offence carries by definition
    **{c: ("child_victim",) for c in [*CHILD_VICTIM_BY_DEFINITION, "88A"]},
    **{c: ("hate",) for c in AGGRAVATED},
    "5D": ("serious_injury",), "2": ("serious_injury", "weapon"), "1/4.1/4.10/4.2": ("serious_injury",),
    "62A": ("multiple_offenders",), "10A": ("weapon",), "10B": ("weapon",), "10C": ("weapon",), "10D": ("weapon",),
    "81": ("weapon",), "90": ("weapon",),
}
# (group or subgroup or code) → {flag: probability}
RATES: dict[str, dict[str, float]] = {
    "Violence against the person": {"domestic_abuse": .33, "child_victim": .07, "hate": .02, "weapon": .05,
                                    "multiple_offenders": .05, "vulnerable_adult": .03},
    "Violence with injury": {"weapon": .08, "serious_injury": .04},
    "Homicide": {"weapon": .7},
    "Stalking and harassment": {"domestic_abuse": .35},
    "Sexual offences": {"child_victim": .25, "domestic_abuse": .2, "vulnerable_adult": .08},
    "86": {"child_victim": .9},
    "Robbery": {"weapon": .35, "multiple_offenders": .35, "child_victim": .12},
    "Domestic burglary": {"multiple_offenders": .1, "substantial_loss": .05, "vulnerable_adult": .04},
    "Non-domestic burglary": {"multiple_offenders": .1, "substantial_loss": .06},
    "Theft offences": {"substantial_loss": .01, "vulnerable_adult": .02},
    "40": {"vulnerable_adult": .08},
    "Theft from the person": {"child_victim": .04},
    "Criminal damage and arson": {"domestic_abuse": .12},
    "Public order offences": {"hate": .08, "multiple_offenders": .05},
    "Miscellaneous crimes": {"substantial_loss": .05},
    "35": {"substantial_loss": .3},
}
HIGH_RISK_SHARE = .12


def met_mix() -> tuple[list[str], list[int]]:
    """Offence codes and the Met's yearly counts (the weights of the synthetic mix)."""
    pairs = [(o.code, o.met_2017_18) for o in offences.catalogue().values() if o.met_2017_18 > 0]
    return [c for c, _ in pairs], [n for _, n in pairs]


def flags_for(rng: random.Random, code: str) -> set[str]:
    o = offences.offence(code)
    flags = set(ALWAYS.get(code, ()))
    for key in (o.group, o.subgroup, code) if o else (code,):
        for flag, p in RATES.get(key, {}).items():
            if rng.random() < p:
                flags.add(flag)
    if "domestic_abuse" in flags and rng.random() < HIGH_RISK_SHARE:
        flags.add("domestic_abuse_high_risk")
    return flags


def crimes(rng: random.Random, n: int) -> Iterator[tuple[str, set[str]]]:
    """``n`` (offence code, flags) drawn with the Met's offence mix."""
    codes, weights = met_mix()
    for code in rng.choices(codes, weights, k=n):
        yield code, flags_for(rng, code)
