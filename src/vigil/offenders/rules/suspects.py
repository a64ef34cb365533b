"""Suspects (online child abuse): the risk triage, the safeguarding referral and stale investigations."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from vigil.offenders.rules.reviews import add_months

DAY = dt.timedelta(days=1)


def triage_overdue(pol: Mapping, *, as_of: dt.date, recorded: dt.date,
                   first_assessment: dt.date | None) -> tuple[dt.date, str] | None:
    """SUSPECT_RISK_NOT_ASSESSED: no risk triage within 14 days of the subject being recorded."""
    due = recorded + dt.timedelta(days=pol["suspects.triage_due_days"])
    if as_of <= due or (first_assessment is not None and first_assessment <= as_of):
        return None
    return due + DAY, (f"recorded as a suspect on {recorded.isoformat()}; no risk triage (access to children, "
                       f"prior contact offending, the seized material) by {due.isoformat()}")


def safeguarding_overdue(pol: Mapping, *, as_of: dt.date, children: bool, noted: dt.date | None,
                         referral: dt.date | None) -> tuple[dt.date, str] | None:
    """SAFEGUARDING_NOT_DONE: children live in or visit the household and no referral within 24 hours (by the
    end of the day after the children were noted)."""
    if not children or noted is None or noted > as_of:
        return None
    due = noted + dt.timedelta(days=pol["suspects.safeguarding_due_days"])
    if as_of <= due or (referral is not None and referral <= as_of):
        return None
    return due + DAY, (f"children live in or visit the household (noted {noted.isoformat()}); no safeguarding "
                       f"referral by {due.isoformat()}")


def investigation_stale(pol: Mapping, *, as_of: dt.date, opened: dt.date | None,
                        last_review: dt.date | None) -> tuple[dt.date, str] | None:
    """INVESTIGATION_STALE: open more than 12 months and no review in the last 90 days."""
    if opened is None or opened > as_of:
        return None
    old = add_months(opened, pol["suspects.stale_investigation_months"])
    window = dt.timedelta(days=pol["suspects.stale_review_days"])
    if as_of <= old:
        return None
    if last_review is not None and last_review > as_of - window:
        return None
    since = max(old + DAY, last_review + window) if last_review else old + DAY
    last = f"last reviewed {last_review.isoformat()}" if last_review else "never reviewed"
    return since, (f"investigation open since {opened.isoformat()} (more than "
                   f"{pol['suspects.stale_investigation_months']} months); {last}, none in the last "
                   f"{pol['suspects.stale_review_days']} days")
