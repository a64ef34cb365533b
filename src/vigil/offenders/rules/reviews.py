"""Risk assessment due dates: the first within 28 days of the management start, then every 12 months (low,
medium) or 6 months (high, very high); a review trigger brings the review forward to within 14 days of it."""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DAY = dt.timedelta(days=1)
TRIGGER_WORDS = {
    "address_change": "a change of address", "two_failed_visits": "two failed visits",
    "new_intelligence": "new intelligence", "breach": "a breach", "arrest": "an arrest",
    "missing_child_link": "a link to a missing child",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day: 31 Aug + 6 → 28/29 Feb)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date
    reasons: tuple[str, ...]

    @property
    def since(self) -> dt.date:
        return self.due + DAY


def review_due(pol: Mapping, *, managed_from: dt.date, last: tuple[dt.date, str] | None,
               triggers: Iterable[tuple[dt.date, str]], as_of: dt.date) -> ReviewDue:
    """When the next assessment is due as of ``as_of``. ``last`` is (date, level) of the latest approved
    assessment; ``triggers`` are (date, trigger) pairs. Triggers on or before the last assessment are spent."""
    if last is None:
        due = managed_from + dt.timedelta(days=pol["assessments.first_due_days"])
        reasons = [f"no approved risk assessment since management began on {managed_from.isoformat()}: "
                   f"the first was due by {due.isoformat()}"]
        after = None
    else:
        on, level = last
        months = pol[f"assessments.review_months.{level}"]
        due = add_months(on, months)
        reasons = [f"last approved assessment on {on.isoformat()} ({level.replace('_', ' ')} risk): "
                   f"reviews every {months} months, due {due.isoformat()}"]
        after = on
    days = pol["assessments.trigger_review_days"]
    for when, trigger in sorted(t for t in triggers if t[0] <= as_of and (after is None or t[0] > after)):
        brought = when + dt.timedelta(days=days)
        if brought < due:
            due = brought
            reasons.append(f"{TRIGGER_WORDS.get(trigger, trigger)} on {when.isoformat()} brought the review "
                           f"forward to {brought.isoformat()}")
    return ReviewDue(due, tuple(reasons))


def review_overdue(pol: Mapping, *, managed_from: dt.date, last: tuple[dt.date, str] | None,
                   triggers: Iterable[tuple[dt.date, str]], as_of: dt.date,
                   awaiting_approval: dt.date | None = None) -> ReviewDue | None:
    """RISK_REVIEW_OVERDUE when ``as_of`` is after the due date. An assessment awaiting approval does not count
    (it has not taken effect) but is named, so the supervisor can see what is holding it up."""
    r = review_due(pol, managed_from=managed_from, last=last, triggers=triggers, as_of=as_of)
    if as_of <= r.due:
        return None
    if awaiting_approval:
        return ReviewDue(r.due, (*r.reasons, f"an assessment dated {awaiting_approval.isoformat()} "
                                             "awaits supervisor approval"))
    return r
