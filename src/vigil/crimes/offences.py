"""The offence catalogue: Home Office offence codes with their description, group and subgroup.

Reference data, not records: it is read once from ``data/offences.csv`` (Home Office, Open Government Licence
v3.0; see ``data/SOURCE.md``). A crime stores its offence code; groups and subgroups are looked up here, so the
policy matrix can speak of "the sexual offences group" and a query can turn that into a list of codes.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "offences.csv"


@dataclass(frozen=True)
class Offence:
    code: str
    description: str
    group: str
    subgroup: str
    met_2017_18: int
    england_wales_2017_18: int

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


@cache
def catalogue() -> dict[str, Offence]:
    with DATA.open(newline="", encoding="utf-8") as fh:
        return {r["code"]: Offence(r["code"], r["description"], r["group"], r["subgroup"], int(r["met_2017_18"]),
                                   int(r["england_wales_2017_18"]))
                for r in csv.DictReader(fh)}


def offence(code: str) -> Offence | None:
    return catalogue().get(code)


def codes() -> list[str]:
    return list(catalogue())


def groups() -> list[str]:
    return sorted({o.group for o in catalogue().values()})


def subgroups() -> list[str]:
    return sorted({o.subgroup for o in catalogue().values()})


def codes_matching(*, codes: tuple[str, ...] | list[str] = (), groups: tuple[str, ...] | list[str] = (),
                   subgroups: tuple[str, ...] | list[str] = ()) -> set[str]:
    """The offence codes named, or in one of the groups or subgroups named."""
    g, s = set(groups), set(subgroups)
    return set(codes) | {o.code for o in catalogue().values() if o.group in g or o.subgroup in s}


def choices() -> list[tuple[str, str]]:
    """(code, "code description") for forms, in catalogue order."""
    return [(o.code, f"{o.code} — {o.description}") for o in catalogue().values()]
