"""Home visits: when the next one is due, when it is (critically) overdue, failed access and whereabouts.

A day counts toward a due date unless the subject was in custody, hospital or abroad that day ("paused").
Counting: the due date is the day on which ``interval`` counted days have passed since the base date (the last
successful home visit, or the management start). Overdue means the as-of date is after the due date; critical
means more than twice the interval (or, for high and very high risk, more than 365) counted days have passed.

The functions take plain values (dates, strings, tuples) so that the sweep can call them for 80,000 subjects.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Span = tuple[dt.date, dt.date | None]  # a paused period, both days inclusive; None: not yet ended
Attempt = tuple[dt.date, str]            # (date, outcome) of a visit that was not a successful home visit

HIGH_LEVELS = ("high", "very_high")
DAY = dt.timedelta(days=1)


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, non-overlapping paused spans (overlapping or adjacent spans joined)."""
    out: list[list] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if out and (out[-1][1] is None or start <= out[-1][1] + DAY):
            if out[-1][1] is not None and (end is None or end > out[-1][1]):
                out[-1][1] = end
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


def paused_days(spans: Sequence[Span], after: dt.date, until: dt.date) -> int:
    """How many days d with ``after < d <= until`` fall in a paused span (spans merged)."""
    n = 0
    for start, end in spans:
        lo = max(start, after + DAY)
        hi = until if end is None else min(end, until)
        if hi >= lo:
            n += (hi - lo).days + 1
    return n


def counted_days(spans: Sequence[Span], after: dt.date, until: dt.date) -> int:
    """Days in the community (not paused) from the day after ``after`` to ``until`` inclusive."""
    if until <= after:
        return 0
    days = (until - after).days
    return days - paused_days(spans, after, until) if spans else days


def add_counted_days(base: dt.date, n: int, spans: Sequence[Span]) -> dt.date | None:
    """The day on which ``n`` counted days have passed since ``base``; None if a pause never ends first."""
    due = base + dt.timedelta(days=n)
    for start, end in spans:
        if end is not None and end <= base:
            continue
        if start > due:
            break
        if end is None:
            return None
        lo = max(start, base + DAY)
        due += dt.timedelta(days=(end - lo).days + 1)
    return due


def mode_on(periods: Iterable[tuple[str, dt.date, dt.date | None]], day: dt.date) -> str:
    """The management mode on ``day``; days covered by no recorded period are ``active``."""
    mode = "active"
    for m, start, end in periods:
        if start <= day and (end is None or day <= end):
            mode = m
    return mode


def interval_days(pol: Mapping, level: str) -> int:
    return pol[f"visits.interval_days.{level}"]


def due_date(pol: Mapping, *, level: str, managed_from: dt.date, last_success: dt.date | None,
             spans: Sequence[Span]) -> dt.date | None:
    """The last successful home visit plus the interval; with none, the management start plus the smaller of
    the interval and 28 days. Paused days do not count."""
    interval = interval_days(pol, level)
    if last_success is None:
        return add_counted_days(managed_from, min(interval, pol["visits.first_visit_max_days"]), spans)
    return add_counted_days(last_success, interval, spans)


@dataclass(frozen=True)
class Overdue:
    due: dt.date
    days: int          # counted days since the last successful visit (or the management start)
    critical_since: dt.date | None  # the first critical day, if it is critical
    reasons: tuple[str, ...]

    @property
    def critical(self) -> bool:
        return self.critical_since is not None

    @property
    def since(self) -> dt.date:
        return self.due + DAY


def _days(n: int) -> str:
    return f"{n:,} day{'s' if n != 1 else ''}"


def overdue_visit(pol: Mapping, *, as_of: dt.date, level: str, assessed: bool, managed_from: dt.date,
                  last_success: dt.date | None, spans: Sequence[Span] = ()) -> Overdue | None:
    """A routine visit overdue on ``as_of`` (the caller leaves out reactive and paused subjects)."""
    due = due_date(pol, level=level, managed_from=managed_from, last_success=last_success, spans=spans)
    if due is None or as_of <= due:
        return None
    interval = interval_days(pol, level)
    base = last_success or managed_from
    days = counted_days(spans, base, as_of)
    label = level.replace("_", " ")
    if last_success:
        reasons = [f"no successful home visit since {last_success.isoformat()}; "
                   f"{label} risk: visits every {interval} days, due {due.isoformat()}"]
    else:
        reasons = [f"never successfully visited at home since management began on {managed_from.isoformat()}; "
                   f"first visit due {due.isoformat()}"]
    paused = paused_days(spans, base, as_of) if spans else 0
    if paused:
        reasons.append(f"{_days(paused)} in custody, hospital or abroad not counted")
    if not assessed:
        reasons.append(f"no approved risk assessment: visited as {label} risk until one is approved")
    limit = pol["visits.critical_multiple"] * interval
    high_limit = pol["visits.critical_days_high"] if level in HIGH_LEVELS else limit
    threshold = min(limit, high_limit)
    critical_since = None
    if days > threshold:
        critical_since = add_counted_days(base, threshold + 1, spans)
        if days > limit:
            reasons.append(f"critical: no successful visit for more than {pol['visits.critical_multiple']} "
                           f"intervals ({limit} days)")
        else:
            reasons.append(f"critical: {label} risk and no successful visit for more than {high_limit} days")
    return Overdue(due, days, critical_since, tuple(reasons))


def attempts_since(attempts: Iterable[Attempt], outcomes: Sequence[str], after: dt.date | None,
                   as_of: dt.date) -> list[Attempt]:
    """Attempts with one of ``outcomes`` after ``after`` (exclusive) and on or before ``as_of``, in date order."""
    return sorted((a for a in attempts if a[1] in outcomes and (after is None or a[0] > after) and a[0] <= as_of),
                  key=lambda a: a[0])


def _latest(*dates: dt.date | None) -> dt.date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def _since_phrase(last_success: dt.date | None, managed_from: dt.date, resolved_on: dt.date | None) -> str:
    if resolved_on and (last_success is None or resolved_on >= last_success):
        return f"since the last escalation was resolved on {resolved_on.isoformat()}"
    if last_success:
        return f"since the last successful visit on {last_success.isoformat()}"
    return f"with no successful visit since management began on {managed_from.isoformat()}"


def _listing(found: Sequence[Attempt], limit: int = 8) -> str:
    shown = ", ".join(f"{o} {d.isoformat()}" for d, o in found[-limit:])
    return ("…, " if len(found) > limit else "") + shown


@dataclass(frozen=True)
class Condition:
    """A condition that opens an escalation: since when it holds, and why."""

    since: dt.date
    reasons: tuple[str, ...]


def failed_access(pol: Mapping, *, as_of: dt.date, attempts: Iterable[Attempt], last_success: dt.date | None,
                  managed_from: dt.date, resolved_on: dt.date | None = None) -> Condition | None:
    """S96B_WARRANT_CONSIDERATION: at least 2 failed home attempts (no reply, refused entry) since the last
    successful home visit (or since the owner last resolved such an escalation)."""
    after = _latest(last_success, resolved_on)
    found = attempts_since(attempts, pol["visits.failed_outcomes"], after, as_of)
    need = pol["escalations.s96b_failed_attempts"]
    if len(found) < need:
        return None
    reason = (f"{len(found)} failed home attempts {_since_phrase(last_success, managed_from, resolved_on)} "
              f"({_listing(found)})")
    return Condition(found[need - 1][0], (reason,))


def whereabouts_unknown(pol: Mapping, *, as_of: dt.date, attempts: Iterable[Attempt], last_success: dt.date | None,
                        managed_from: dt.date, resolved_on: dt.date | None = None,
                        notification_overdue: tuple[dt.date, str] | None = None) -> Condition | None:
    """WHEREABOUTS_UNKNOWN: not at the address, or the address invalid, since the last successful home visit;
    or a notification breach (``notification_overdue``: since when, and why) with no successful home visit
    since it began."""
    after = _latest(last_success, resolved_on)
    found = attempts_since(attempts, pol["visits.whereabouts_outcomes"], after, as_of)
    reasons: list[str] = []
    since: list[dt.date] = []
    if found:
        reasons.append(f"{'; '.join(f'{o} on {d.isoformat()}' for d, o in found[-8:])} "
                       f"{_since_phrase(last_success, managed_from, resolved_on)}")
        since.append(found[0][0])
    breach_since = notification_overdue[0] if notification_overdue else None
    if breach_since and (resolved_on is None or breach_since > resolved_on) and (
            last_success is None or last_success < breach_since):  # seen at home since: whereabouts known
        reasons.append(f"notification breach: {notification_overdue[1]}")
        since.append(notification_overdue[0])
    if not reasons:
        return None
    return Condition(min(since), tuple(reasons))
