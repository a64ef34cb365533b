"""Restrictions on the work an officer may be given: a registry, so the area that decides them (professional
standards, domain-rules §4) plugs into the area that allocates work (investigations) without the allocator
importing it, the same way ``scope.deny`` lets professional standards deny records (docs/architecture.md)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol


class WorkRestriction(Protocol):
    """What an allocating area needs to know of a restriction (never the allegation behind it)."""

    @property
    def since(self) -> dt.date: ...

    @property
    def crime_categories(self) -> frozenset[str]: ...

    @property
    def reason(self) -> str: ...


Provider = Callable[[dt.date, list[int] | None, Mapping[str, Any] | None], Mapping[int, WorkRestriction]]
_providers: list[Provider] = []


def restrictions_from(fn: Provider) -> Provider:
    """Register ``fn(as_of, officer_ids, policy)`` → {officer pk: restriction in force on ``as_of``}."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def active_restrictions(as_of: dt.date, officer_ids: Iterable[int] | None = None,
                        pol: Mapping[str, Any] | None = None) -> dict[int, WorkRestriction]:
    """officer pk → the restriction in force on ``as_of``, for every restricted officer (or those named)."""
    ids = None if officer_ids is None else list(officer_ids)
    out: dict[int, WorkRestriction] = {}
    for fn in _providers:
        out.update(fn(as_of, ids, pol))
    return out
