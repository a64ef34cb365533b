"""Assurance indicators: the figures an inspector asks for, per team, borough and force, on any as-of date.

An indicator is a set-based function ``(as_of) -> {team_id: value}``; the page and the report roll teams up into
boroughs and the force. Most indicators count the alerts open on the date (the sweep keeps each alert's opening
and closing dates, which gives the trend); areas register others computed from their own records.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Count, Q

from vigil.sweep.models import Alert

TeamValues = dict[int | None, float]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    area: str
    fn: Callable[[dt.date], TeamValues]
    combine: str = "sum"          # how teams roll up: sum or max
    unit: str = ""
    codes: tuple[str, ...] = ()   # alert codes behind it (drill-down lists those alerts)
    order: int = 100
    trend: bool = True
    note: str = ""                # said beside the figure (how fresh it is, when not counted on the spot)


_indicators: dict[str, Indicator] = {}
_reading: ContextVar[dict | None] = ContextVar("assurance_reading", default=None)


@contextmanager
def one_reading():
    """While the figures are read (``selectors.figures``), a value several indicators need is computed once."""
    token = _reading.set({})
    try:
        yield
    finally:
        _reading.reset(token)


def shared(key, compute: Callable):
    """``compute()``, once per reading of the figures for ``key``; outside a reading, every time."""
    cache = _reading.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def register(ind: Indicator) -> Indicator:
    _indicators[ind.key] = ind
    return ind


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.key))


def indicator(key: str) -> Indicator | None:
    return _indicators.get(key)


def open_on(as_of: dt.date) -> Q:
    """Alerts open on a date, from their lifecycle (opened on or before, not closed by then)."""
    return Q(opened_as_of__lte=as_of) & (Q(closed_as_of__isnull=True) | Q(closed_as_of__gt=as_of))


def alert_counts(codes: Iterable[str], severity: str | None = None) -> Callable[[dt.date], TeamValues]:
    codes = tuple(codes)

    def count(as_of: dt.date) -> TeamValues:
        qs = Alert.objects.filter(open_on(as_of), code__in=codes)
        if severity:
            qs = qs.filter(severity=severity)
        return {team_id: float(n) for team_id, n in qs.order_by().values_list("team_id").annotate(n=Count("pk"))}

    count.severity = severity  # type: ignore[attr-defined]  # read by alert_trend
    return count


def alert_indicator(key: str, label: str, area: str, codes: Iterable[str], *, severity: str | None = None,
                    order: int = 100) -> Indicator:
    return register(Indicator(key=key, label=label, area=area, fn=alert_counts(codes, severity),
                              codes=tuple(codes), order=order))


def alert_trend(keys: list[str], dates: list[dt.date]) -> dict[str, dict[dt.date, TeamValues]]:
    """Alert-based indicators on many dates from one query (not one per date)."""
    inds = [i for i in (indicator(k) for k in keys) if i and i.codes]
    codes = {c for i in inds for c in i.codes}
    if not inds or not dates:
        return {}
    first, last = min(dates), max(dates)
    rows = list(Alert.objects.filter(code__in=codes, opened_as_of__lte=last)
                .filter(Q(closed_as_of__isnull=True) | Q(closed_as_of__gt=first))
                .order_by().values_list("code", "severity", "team_id", "opened_as_of", "closed_as_of"))
    by_code: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_code[row[0]].append(row)
    out: dict[str, dict[dt.date, TeamValues]] = {}
    for ind in inds:  # each indicator walks only its own codes' alerts
        sev = getattr(ind.fn, "severity", None)
        series: dict[dt.date, TeamValues] = {d: defaultdict(float) for d in dates}
        for code in ind.codes:
            for _, severity, team_id, opened, closed in by_code.get(code, ()):
                if sev is not None and severity != sev:
                    continue
                for d in dates:
                    if opened <= d and (closed is None or closed > d):
                        series[d][team_id] += 1
        out[ind.key] = {d: dict(vals) for d, vals in series.items()}
    return out
