"""Sources of work items. Each area registers its own with ``@work_source`` in its ``work.py`` (escalations awaiting
a decision live in offenders); the alerts a person owns and the tasks handed to them are registered here.

A source may also register a set-based companion with ``@open_items(name)``: every open item of the whole force
in a handful of queries, as ``OpenItem`` rows (who holds it, a stable key, severity, whether it was escalated).
The notices (``work/notices.py``) read these rather than asking each officer's queue in turn."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class WorkItem:
    kind: str                  # alert | escalation | task | approval
    record: str                # e.g. "subject S1"
    title: str
    due: dt.datetime | dt.date
    reasons: tuple[str, ...]
    severity: str = "high"
    owner: str | None = None   # officer id; None: in a team's queue
    link: str = ""             # where to act, in the web application
    detail: dict = field(default_factory=dict)

    def sort_key(self):
        due = self.due if isinstance(self.due, dt.datetime) else dt.datetime.combine(self.due, dt.time.min)
        return (SEVERITY_RANK.get(self.severity, 9), due.replace(tzinfo=None), self.kind, self.record)

    def as_json(self) -> dict:
        return {"kind": self.kind, "record": self.record, "title": self.title, "due": self.due.isoformat(),
                "severity": self.severity, "owner": self.owner, "reasons": list(self.reasons), "link": self.link}


Source = Callable[[list], Iterable[WorkItem]]   # officers → the items they own or may claim (each once)
_sources: dict[str, Source] = {}


def work_source(name: str):
    def register(fn: Source) -> Source:
        _sources[name] = fn
        return fn
    return register


def sources() -> dict[str, Source]:
    return dict(_sources)


@dataclass(frozen=True)
class OpenItem:
    """One open work item of the force, without its content: enough to tell its holder that it is there."""

    key: str                   # stable, e.g. "alert:41", "escalation:7:level1", "task:3"
    severity: str
    officer: str | None = None  # the holder's officer id; None: waiting in ``team``'s queue
    team: str | None = None     # team id, for an item in a team's queue
    escalated: bool = False     # sent up a rank (a new item for its new holder, told at once)


AllOpen = Callable[[], Iterable[OpenItem]]
_all_open: dict[str, AllOpen] = {}


def open_items(name: str):
    """Register the set-based companion of the source ``name``: every open item of the force."""
    def register(fn: AllOpen) -> AllOpen:
        _all_open[name] = fn
        return fn
    return register


def all_open() -> list[OpenItem]:
    """Every open work item of the force, from every source's companion."""
    missing = sorted(set(_sources) - set(_all_open))
    if missing:
        raise LookupError(f"work sources without a set-based companion (@open_items): {', '.join(missing)}")
    return [item for fn in _all_open.values() for item in fn()]


# The count beside "Work queue" on every page: each source may register the querysets whose rows are an officer's
# open items (``@item_count``); the count is one UNION ALL query over them, whatever the number of sources.
Counter = Callable[[object], Iterable]
_counters: dict[str, Counter] = {}


def item_count(name: str):
    """Register the counting companion of the source ``name``: officer → querysets, one row per open item."""
    def register(fn: Counter) -> Counter:
        _counters[name] = fn
        return fn
    return register


def open_count(officer) -> int:
    """How many open work items ``officer`` has (as ``len(work_for(officer))``), in one query."""
    missing = sorted(set(_sources) - set(_counters))
    if missing:
        raise LookupError(f"work sources without a counting companion (@item_count): {', '.join(missing)}")
    querysets = [qs.order_by().values_list("pk") for fn in _counters.values() for qs in fn(officer)]
    if not querysets:
        return 0
    first, *rest = querysets
    return first.union(*rest, all=True).count() if rest else first.count()
