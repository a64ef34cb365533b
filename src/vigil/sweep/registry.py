"""Rule sets of the sweep. Each module registers its own with ``@rule_set``; the engine gathers them.

A rule set receives a ``SweepContext`` (the as-of date and the policy) and yields ``Finding``s. It reads the
database set-based (a handful of queries, never one per record) and passes facts to pure rule functions.
A rule set may also act (open escalations) through its module's services; it must stay idempotent.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.core.policy import Policy
from vigil.sweep import catalogue


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    entity_type: str
    entity_id: str
    since: dt.date
    reasons: tuple[str, ...]
    owner: str | None = None
    team_id: int | None = None

    def key(self) -> tuple[str, str, str]:
        return (self.code, self.entity_type, self.entity_id)


@dataclass
class SweepContext:
    as_of: dt.date
    policy: Policy
    shared: dict[str, Any] = field(default_factory=dict)  # facts one rule set leaves for a later one
    read_ahead: bool = False  # may rule sets read committed facts ahead elsewhere (``prepare``)?


RuleSetFn = Callable[[SweepContext], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSet:
    name: str
    order: int
    fn: RuleSetFn
    codes: tuple[str, ...]
    prepare: Callable[[SweepContext], None] | None = None


_rule_sets: dict[str, RuleSet] = {}


def rule_set(name: str, *, order: int = 100, codes: Iterable[str] | None = None,
             prepare: Callable[[SweepContext], None] | None = None):
    """Register a rule set. ``codes`` are the alert codes it owns (by default its area's codes in the
    catalogue, ``vigil.sweep.catalogue``): the engine closes only those. ``prepare(ctx)``, called for every rule
    set before the first runs, may start reads of facts no rule set writes (``core.rows.read_ahead``, when
    ``ctx.read_ahead``), leaving futures in ``ctx.shared``."""
    def register(fn: RuleSetFn) -> RuleSetFn:
        owned = catalogue.codes(name) if codes is None else tuple(codes)
        unknown = [c for c in owned if c not in catalogue.CATALOGUE]
        if unknown:
            raise ValueError(f"rule set {name!r} owns codes missing from the catalogue: {', '.join(unknown)}")
        _rule_sets[name] = RuleSet(name, order, fn, owned, prepare)
        return fn
    return register


def rule_sets() -> list[RuleSet]:
    return sorted(_rule_sets.values(), key=lambda r: (r.order, r.name))


# Cleared at once (docs/adr/0018): how an area re-judges some of its records after a write, inside the writer's
# transaction. ``fn(refs, as_of, *, cleared_by)`` takes at most ``REJUDGE_CHUNK`` references and returns counts.
Rejudger = Callable[..., dict]
_rejudgers: dict[str, Rejudger] = {}
REJUDGE_CHUNK = 900  # small enough for an IN (...) list on SQLite


def cleared_by(what: str, officer=None) -> str:
    """What a re-judgement after a write says of an alert it closes: "cleared by the visit on … (DC Smith)"."""
    who = f" ({officer.name})" if officer is not None else ""
    return f"cleared by {what}{who}"[:300]


def rejudger(record_type: str):
    def register(fn: Rejudger) -> Rejudger:
        _rejudgers[record_type] = fn
        return fn
    return register


def rejudge(record_type: str, refs: Iterable[str], as_of: dt.date, *, cleared_by: str) -> dict[str, int]:
    """Re-judge the records of ``record_type`` named by ``refs`` (any number: in chunks), through their area's
    registered rejudger; a type nobody judges is left alone."""
    total = {"opened": 0, "updated": 0, "closed": 0}
    fn = _rejudgers.get(record_type)
    wanted = sorted({str(r) for r in refs if r})
    if fn is None or not wanted:
        return total
    for i in range(0, len(wanted), REJUDGE_CHUNK):
        for k, v in fn(wanted[i:i + REJUDGE_CHUNK], as_of, cleared_by=cleared_by).items():
            total[k] = total.get(k, 0) + v
    return total
