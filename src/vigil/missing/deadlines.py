"""How a deadline in hours meets a sweep's as-of *date* (ADR 0300).

Episodes carry date-times; the sweep asks about a date. We read an as-of date as **the end of that day** in the
force's time zone (Europe/London): a deadline that falls at any time during the as-of day is already past when the
day is judged, and an action recorded at any time that day counts. This is the safer reading: a child screened
late in the evening is not reported as unscreened, and a screening due at 09:00 is reported that same day rather
than the next. Records dated after the end of the as-of day are ignored, so a sweep of a past date gives the same
answer whenever it runs.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

FORCE_TZ = ZoneInfo("Europe/London")


@functools.lru_cache(maxsize=64)
def end_of_day(as_of: dt.date, tz: dt.tzinfo = FORCE_TZ) -> dt.datetime:
    """The instant the as-of day ends: local midnight at the start of the next day, given in UTC. The sweep asks
    for it at each episode's every timer (computed once per day) and compares it with stored times, which are in
    UTC: comparing two times of different zones asks the local zone for its offset each time, 40 times slower.
    Show it with ``local_text``, or ``astimezone(FORCE_TZ)``."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz).astimezone(dt.UTC)


def local_date(moment: dt.datetime, tz: dt.tzinfo = FORCE_TZ) -> dt.date:
    return moment.astimezone(tz).date()


def local_text(moment: dt.datetime | None, tz: dt.tzinfo = FORCE_TZ) -> str:
    """'2024-06-03 14:00' in the force's time zone (for reasons a person can check against the record)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


def due(start: dt.datetime, hours: float) -> dt.datetime:
    return start + _hours(hours)


@functools.lru_cache(maxsize=64)
def _hours(hours: float) -> dt.timedelta:
    """A policy's hours as a span, made once: the sweep asks for the same few 80,000 times."""
    return dt.timedelta(hours=hours)


def done_by(done_at: dt.datetime | None, moment: dt.datetime) -> bool:
    """Was it recorded as done by ``moment``? (Anything recorded later is not yet known.)"""
    return done_at is not None and done_at <= moment


def is_overdue(deadline: dt.datetime, done_at: dt.datetime | None, as_of: dt.date) -> bool:
    """Past its deadline by the end of the as-of day, and not done by then (done late resolves it)."""
    judged = end_of_day(as_of)
    return deadline < judged and not done_by(done_at, judged)


@functools.lru_cache(maxsize=8)
def _days_off(holidays: tuple) -> frozenset[dt.date]:
    return frozenset(h if isinstance(h, dt.date) else dt.date.fromisoformat(h) for h in holidays)


def add_working_days(start: dt.date, days: int, holidays: Iterable[str | dt.date] = ()) -> dt.date:
    """The ``days``-th working day after ``start`` (Monday–Friday, not a bank holiday)."""
    return _working_day(start, days, _days_off(holidays if isinstance(holidays, tuple) else tuple(holidays)))


@functools.lru_cache(maxsize=4096)
def _working_day(start: dt.date, days: int, off: frozenset[dt.date]) -> dt.date:
    """Remembered: a national sweep asks for a few hundred distinct days 6,000 times."""
    d = start
    counted = 0
    while counted < days:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in off:
            counted += 1
    return d
