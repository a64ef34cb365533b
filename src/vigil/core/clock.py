"""The one clock. Domain rules never read it: they take an explicit as-of date.

Infrastructure (sessions, log timestamps, the default as-of of a command) reads the time through here so that
tests and the demo can pin it (``VIGIL_TODAY=2024-08-15`` or ``set_clock``).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

_UTC = dt.UTC


def _system_now() -> dt.datetime:
    return dt.datetime.now(_UTC)


_now: Callable[[], dt.datetime] = _system_now


def now() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return _now()


def today() -> dt.date:
    """Today's date for defaults (e.g. ``sweep`` without ``--as-of``); ``VIGIL_TODAY`` pins it."""
    pinned = os.environ.get("VIGIL_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return now().date()


def said(moment: dt.datetime) -> str:
    """When something was recorded, for a message: "14:02" today (local time), else "14:02 on 14 August 2024"."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(now()).date():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def day_said(day: dt.date) -> str:
    """A day in the one short style of messages and pages: "1 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def moment_said(moment: dt.datetime) -> str:
    """A moment in UK time in the same style: "1 Dec 2026 at 18:40"."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{day_said(local)} at {local:%H:%M}"


def set_clock(fn: Callable[[], dt.datetime] | None) -> None:
    """Pin the clock (tests); ``None`` restores the system clock."""
    global _now
    _now = fn or _system_now


EARLIEST = dt.date(1900, 1, 1)  # no record Vigil holds, and no question asked of it, is older
YEARS_AHEAD = 10  # planning and as-of questions look ahead; nothing looks further
RECORD_YEARS_AHEAD = 100  # a record's own end date (a long order, a notification period) may lie far ahead


def latest(years: int = YEARS_AHEAD) -> dt.date:
    """The furthest date Vigil answers for: ``years`` years after today."""
    t = today()
    return t.replace(year=t.year + years, day=min(t.day, 28))


def in_range(day: dt.date, what: str = "--as-of", *, record: bool = False) -> dt.date:
    """``day`` if Vigil can answer for it; else InputError with one line (one rule for web, API and CLI).
    ``record``: a date recorded on a record (an order's end), which may lie further ahead than a question."""
    from vigil.core.errors import InputError

    last = latest(RECORD_YEARS_AHEAD if record else YEARS_AHEAD)
    if not EARLIEST <= day <= last:
        raise InputError(f"{what} {day.isoformat()} is outside the dates Vigil answers for "
                         f"({EARLIEST.isoformat()} to {last.isoformat()})")
    return day


def parse_as_of(text: str, what: str = "--as-of") -> dt.date:
    """Parse a YYYY-MM-DD as-of date within the range Vigil answers for, raising InputError with one clear line."""
    from vigil.core.errors import InputError

    try:
        day = dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InputError(f"{what} {text!r} is not a date in the form YYYY-MM-DD") from None
    return in_range(day, what)
