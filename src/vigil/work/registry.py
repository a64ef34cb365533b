"""Sources of work items. Each area registers its own with ``@work_source`` in its ``work.py`` (escalations awaiting
a decision live in offenders); the alerts a person owns and the tasks handed to them are registered here."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class WorkItem:
    kind: str                  # alert | escalation | task
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


Source = Callable[[object], Iterable[WorkItem]]   # officer → the items they own or may claim
_sources: dict[str, Source] = {}


def work_source(name: str):
    def register(fn: Source) -> Source:
        _sources[name] = fn
        return fn
    return register


def sources() -> dict[str, Source]:
    return dict(_sources)
