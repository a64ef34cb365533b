"""Notification under the Sexual Offences Act 2003 Part 2: the notification period and the periodic clock."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.offenders.rules.reviews import add_months

DAY = dt.timedelta(days=1)

# Years of notification by disposal (s.82); None is indefinite.
PERIOD_YEARS: dict[str, float | None] = {
    "caution": 2, "community_or_fine": 5, "custody_6m_or_less": 7, "custody_under_30m": 10,
    "custody_30m_or_more": None,
}
INDEFINITE_REVIEW_YEARS = (15, 8)  # adult, under 18 (s.91A–F)


@dataclass(frozen=True)
class Period:
    end: dt.date | None          # None: indefinite
    review_from: dt.date | None  # for an indefinite period, when it may first be reviewed
    description: str


def notification_period(*, disposal: str, start: dt.date, under_18: bool) -> Period:
    """The notification period for a disposal, halved for under-18s; indefinite ones are reviewable after 15
    years (8 if under 18)."""
    if disposal not in PERIOD_YEARS:
        raise ValueError(f"unknown disposal {disposal!r}")
    years = PERIOD_YEARS[disposal]
    if years is None:
        review = INDEFINITE_REVIEW_YEARS[1 if under_18 else 0]
        return Period(None, add_months(start, 12 * review), f"indefinite; reviewable after {review} years")
    months = int(years * 12 / (2 if under_18 else 1))
    return Period(add_months(start, months), None, f"{months // 12} years" + (f" {months % 12} months"
                                                                              if months % 12 else ""))


def periodic_due(pol: Mapping, *, start: dt.date, last_periodic: dt.date | None, no_fixed_abode: bool) -> dt.date:
    base = last_periodic or start
    if no_fixed_abode:
        return base + dt.timedelta(days=pol["notification.periodic_days_no_fixed_abode"])
    return add_months(base, pol["notification.periodic_months"])


def notification_overdue(pol: Mapping, *, as_of: dt.date, start: dt.date | None, end: dt.date | None,
                         last_periodic: dt.date | None, no_fixed_abode: bool,
                         detained: bool) -> tuple[dt.date, str] | None:
    """NOTIFICATION_OVERDUE: (since, reason) when the periodic notification was due before ``as_of``.
    Nothing while the subject is detained (custody, hospital): notification falls due after release."""
    if start is None or start > as_of or (end is not None and end < as_of) or detained:
        return None
    due = periodic_due(pol, start=start, last_periodic=last_periodic, no_fixed_abode=no_fixed_abode)
    if as_of <= due:
        return None
    last = f"last periodic notification {last_periodic.isoformat()}" if last_periodic else \
        f"no periodic notification since the start on {start.isoformat()}"
    every = "weekly (no fixed abode)" if no_fixed_abode else f"every {pol['notification.periodic_months']} months"
    return due + DAY, f"{last}; due {every}, by {due.isoformat()}"


def notification_ending(pol: Mapping, *, as_of: dt.date, end: dt.date | None) -> tuple[dt.date, str] | None:
    """NOTIFICATION_ENDING: from 60 days before the end date until it."""
    if end is None:
        return None
    notice = end - dt.timedelta(days=pol["notification.ending_notice_days"])
    if notice <= as_of <= end:
        return notice, f"the notification period ends on {end.isoformat()}"
    return None
