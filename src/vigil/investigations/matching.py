"""Checking selectors and the required-level matrix as an administrator writes them (one line per problem).
The selectors themselves (``Selector``: Python and SQL forms of one test) are in the shared crime catalogue,
``vigil.crimes.selectors``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.core.errors import InputError
from vigil.crimes import offences
from vigil.investigations.flags import FLAGS

SELECTOR_KEYS = ("codes", "groups", "subgroups", "flags")


def validate_selector(spec: Any, where: str) -> list[str]:
    """Problems with one selector as a person wrote it (one line each)."""
    if not isinstance(spec, Mapping):
        return [f"{where}: expected an object with codes, groups, subgroups or flags"]
    problems = []
    known = {"codes": set(offences.codes()), "groups": set(offences.groups()),
             "subgroups": set(offences.subgroups()), "flags": set(FLAGS)}
    for key in SELECTOR_KEYS:
        value = spec.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}.{key}: expected a list of names")
            continue
        for v in value:
            if v not in known[key]:
                problems.append(f"{where}.{key}: {v!r} is not a known {key[:-1]}")
    if not any(spec.get(k) for k in SELECTOR_KEYS):
        problems.append(f"{where}: names no codes, groups, subgroups or flags, so it would match every crime")
    return problems


def check(problems: list[str]) -> None:
    if problems:
        raise InputError(problems[0], problems)


def validate_matrix(matrix: Any) -> list[str]:
    """Problems with a required-level matrix as an administrator wrote it (one line each, with its place)."""
    from vigil.investigations.flags import SPECIALISMS

    if not isinstance(matrix, list) or not matrix:
        return ["the matrix must be a non-empty list of rules"]
    problems = []
    for i, rule in enumerate(matrix):
        where = f"rule {i + 1}"
        if not isinstance(rule, Mapping):
            problems.append(f"{where}: expected an object")
            continue
        if not isinstance(rule.get("name"), str) or not rule["name"].strip():
            problems.append(f"{where}: needs a name")
        level = rule.get("pip_level")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 3:
            problems.append(f"{where}.pip_level: must be 1, 2 or 3")
        specs = rule.get("specialisms", [])
        if not isinstance(specs, list) or any(s not in SPECIALISMS for s in specs):
            problems.append(f"{where}.specialisms: each must be one of {', '.join(SPECIALISMS)}")
        unknown = set(rule) - {"name", "pip_level", "specialisms", *SELECTOR_KEYS}
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        problems += validate_selector(rule, where)
    return problems
