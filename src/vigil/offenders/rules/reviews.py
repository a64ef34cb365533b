"""Risk assessment due dates: the first within 28 days of the management start, then every 12 months (low,
medium) or 6 months (high, very high); a review trigger brings the review forward to within 14 days of it."""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DAY = dt.timedelta(days=1)
TRIGGER_WORDS = {
    "address_change": "a change of address", "two_failed_visits": "two failed visits",
    "new_intelligence": "new intelligence", "breach": "a breach", "arrest": "an arrest",
    "missing_child_link": "a link to a missing child",
}


@functools.lru_cache(maxsize=65536)  # a national sweep asks 160,000 times about a few thousand days
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day: 31 Aug + 6 → 28/29 Feb)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    if day.day <= 28:  # every month has it (the common case, and the fast one)
        return day.replace(year=year, month=month)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date
    reasons: tuple[str, ...]

    @property
    def since(self) -> dt.date:
        return self.due + DAY


def _due(pol: Mapping, managed_from: dt.date, last: tuple[dt.date, str] | None,
         triggers: Iterable[tuple[dt.date, str]], as_of: dt.date) -> tuple[dt.date, dt.date, list]:
    """(scheduled due date, due date after triggers, the triggers that brought it forward)."""
    if last is None:
        scheduled = managed_from + dt.timedelta(days=pol["assessments.first_due_days"])
        after = None
    else:
        scheduled = add_months(last[0], pol[f"assessments.review_months.{last[1]}"])
        after = last[0]
    due, brought = scheduled, []
    if triggers:
        days = dt.timedelta(days=pol["assessments.trigger_review_days"])
        for when, trigger in sorted(t for t in triggers if t[0] <= as_of and (after is None or t[0] > after)):
            if when + days < due:
                due = when + days
                brought.append((when, trigger, due))
    return scheduled, due, brought


def review_due(pol: Mapping, *, managed_from: dt.date, last: tuple[dt.date, str] | None,
               triggers: Iterable[tuple[dt.date, str]], as_of: dt.date) -> ReviewDue:
    """When the next assessment is due as of ``as_of``. ``last`` is (date, level) of the latest approved
    assessment; ``triggers`` are (date, trigger) pairs. Triggers on or before the last assessment are spent."""
    scheduled, due, brought = _due(pol, managed_from, last, triggers, as_of)
    if last is None:
        reasons = [f"no approved risk assessment since management began on {managed_from.isoformat()}: "
                   f"the first was due by {scheduled.isoformat()}"]
    else:
        on, level = last
        reasons = [f"last approved assessment on {on.isoformat()} ({level.replace('_', ' ')} risk): "
                   f"reviews every {pol[f'assessments.review_months.{level}']} months, due {scheduled.isoformat()}"]
    reasons += [f"{TRIGGER_WORDS.get(trigger, trigger)} on {when.isoformat()} brought the review forward to "
                f"{to.isoformat()}" for when, trigger, to in brought]
    return ReviewDue(due, tuple(reasons))


def review_overdue(pol: Mapping, *, managed_from: dt.date, last: tuple[dt.date, str] | None,
                   triggers: Iterable[tuple[dt.date, str]], as_of: dt.date,
                   awaiting_approval: dt.date | None = None) -> ReviewDue | None:
    """RISK_REVIEW_OVERDUE when ``as_of`` is after the due date. An assessment awaiting approval does not count
    (it has not taken effect) but is named, so the supervisor can see what is holding it up."""
    if as_of <= _due(pol, managed_from, last, triggers, as_of)[1]:
        return None
    r = review_due(pol, managed_from=managed_from, last=last, triggers=triggers, as_of=as_of)
    if awaiting_approval:
        return ReviewDue(r.due, (*r.reasons, f"an assessment dated {awaiting_approval.isoformat()} "
                                             "awaits supervisor approval"))
    return r
