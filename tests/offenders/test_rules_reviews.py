"""Assessment due dates, triggers, the announced share, notification and suspects, at their boundaries."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.policy import defaults
from vigil.offenders.rules import announced, notification, reviews, suspects

D = dt.date
POL = defaults()
DAY = dt.timedelta(days=1)


START = D(2024, 1, 1)
LAST_PERIODIC = D(2024, 2, 1)


def overdue(as_of, last=None, triggers=(), managed=START, waiting=None):
    return reviews.review_overdue(POL, managed_from=managed, last=last, triggers=triggers, as_of=as_of,
                                  awaiting_approval=waiting)


def test_the_first_assessment_is_due_within_28_days():
    assert overdue(D(2024, 1, 29)) is None
    r = overdue(D(2024, 1, 30))
    assert r.due == D(2024, 1, 29) and r.since == D(2024, 1, 30)


@pytest.mark.parametrize(("level", "due"), [("low", D(2025, 3, 15)), ("medium", D(2025, 3, 15)),
                                            ("high", D(2024, 9, 15)), ("very_high", D(2024, 9, 15))])
def test_reviews_every_12_or_6_months(level, due):
    last = (D(2024, 3, 15), level)
    assert overdue(due - DAY, last) is None
    assert overdue(due, last) is None
    assert overdue(due + DAY, last).due == due


def test_add_months_clamps_to_the_end_of_the_month():
    assert reviews.add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert reviews.add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert reviews.add_months(D(2024, 1, 31), 12) == D(2025, 1, 31)


@pytest.mark.parametrize("trigger", ["address_change", "two_failed_visits", "new_intelligence", "breach",
                                     "arrest", "missing_child_link"])
def test_a_trigger_brings_the_review_forward_to_within_14_days(trigger):
    last = (D(2024, 3, 15), "low")
    t = [(D(2024, 6, 1), trigger)]
    assert overdue(D(2024, 6, 15), last, t) is None
    r = overdue(D(2024, 6, 16), last, t)
    assert r.due == D(2024, 6, 15) and "brought the review forward to 2024-06-15" in r.reasons[-1]


def test_a_trigger_before_the_last_assessment_is_spent_and_a_future_trigger_is_ignored():
    last = (D(2024, 3, 15), "low")
    assert overdue(D(2024, 6, 16), last, [(D(2024, 3, 15), "arrest")]) is None
    assert overdue(D(2024, 6, 16), last, [(D(2024, 6, 17), "arrest")]) is None


def test_a_trigger_never_pushes_the_review_later():
    last = (D(2024, 3, 15), "high")   # due 2024-09-15
    r = reviews.review_due(POL, managed_from=D(2020, 1, 1), last=last, triggers=[(D(2024, 9, 10), "arrest")],
                           as_of=D(2024, 9, 12))
    assert r.due == D(2024, 9, 15)


def test_an_assessment_awaiting_approval_is_named():
    r = overdue(D(2024, 3, 1), waiting=D(2024, 2, 20))
    assert "awaits supervisor approval" in r.reasons[-1]


@given(st.dates(D(2000, 1, 1), D(2030, 12, 31)), st.integers(0, 48))
def test_add_months_is_monotonic_and_lands_in_the_right_month(day, months):
    later = reviews.add_months(day, months)
    assert later >= day
    assert (later.year - day.year) * 12 + later.month - day.month == months


# Announced share
@pytest.mark.parametrize(("level", "limit"), [("very_high", 0.10), ("high", 0.10), ("medium", 0.25),
                                              ("low", 0.50)])
def test_the_announced_share_is_flagged_only_above_the_limit(level, limit):
    total = 100
    at = int(limit * total)
    assert announced.shares_above_policy(POL, {level: (at, total)}) == []
    flagged = announced.shares_above_policy(POL, {level: (at + 1, total)})
    assert [s.level for s in flagged] == [level]
    assert f"{at + 1} of 100 visits announced" in flagged[0].reason(365)


def test_no_visits_is_not_a_share():
    assert announced.shares_above_policy(POL, {"high": (0, 0)}) == []


# Notification
@pytest.mark.parametrize(("disposal", "under_18", "end"), [
    ("caution", False, D(2026, 5, 1)), ("caution", True, D(2025, 5, 1)),
    ("community_or_fine", False, D(2029, 5, 1)), ("community_or_fine", True, D(2026, 11, 1)),
    ("custody_6m_or_less", False, D(2031, 5, 1)), ("custody_6m_or_less", True, D(2027, 11, 1)),
    ("custody_under_30m", False, D(2034, 5, 1)), ("custody_under_30m", True, D(2029, 5, 1)),
])
def test_notification_periods_halved_for_under_18s(disposal, under_18, end):
    p = notification.notification_period(disposal=disposal, start=D(2024, 5, 1), under_18=under_18)
    assert p.end == end


@pytest.mark.parametrize(("under_18", "review"), [(False, D(2039, 5, 1)), (True, D(2032, 5, 1))])
def test_indefinite_notification_is_reviewable_after_15_or_8_years(under_18, review):
    p = notification.notification_period(disposal="custody_30m_or_more", start=D(2024, 5, 1), under_18=under_18)
    assert p.end is None and p.review_from == review


def notif(as_of, last=LAST_PERIODIC, nfa=False, detained=False, end=None):
    return notification.notification_overdue(POL, as_of=as_of, start=D(2012, 5, 1), end=end, last_periodic=last,
                                             no_fixed_abode=nfa, detained=detained)


def test_periodic_notification_every_12_months():
    assert notif(D(2025, 2, 1)) is None
    since, reason = notif(D(2025, 2, 2))
    assert since == D(2025, 2, 2) and "by 2025-02-01" in reason


def test_weekly_notification_with_no_fixed_abode():
    assert notif(D(2024, 2, 8), nfa=True) is None
    assert notif(D(2024, 2, 9), nfa=True)[0] == D(2024, 2, 9)


def test_no_periodic_notification_while_detained_or_after_the_period_ends():
    assert notif(D(2025, 6, 1), detained=True) is None
    assert notif(D(2025, 6, 1), end=D(2025, 5, 31)) is None


def test_notification_ending_from_60_days_before_the_end():
    end = D(2024, 10, 14)
    assert notification.notification_ending(POL, as_of=end - dt.timedelta(days=61), end=end) is None
    assert notification.notification_ending(POL, as_of=end - dt.timedelta(days=60), end=end)[0] == D(2024, 8, 15)
    assert notification.notification_ending(POL, as_of=end, end=end) is not None
    assert notification.notification_ending(POL, as_of=end + DAY, end=end) is None
    assert notification.notification_ending(POL, as_of=end, end=None) is None


# Suspects
def test_suspect_triage_due_within_14_days():
    rec = D(2024, 8, 1)
    assert suspects.triage_overdue(POL, as_of=D(2024, 8, 15), recorded=rec, first_assessment=None) is None
    assert suspects.triage_overdue(POL, as_of=D(2024, 8, 16), recorded=rec, first_assessment=None)[0] == D(2024, 8, 16)
    assert suspects.triage_overdue(POL, as_of=D(2024, 8, 16), recorded=rec, first_assessment=D(2024, 8, 16)) is None
    assert suspects.triage_overdue(POL, as_of=D(2024, 8, 16), recorded=rec,
                                   first_assessment=D(2024, 8, 17)) is not None


def test_safeguarding_referral_due_within_24_hours_of_children_being_noted():
    args = dict(children=True, noted=D(2024, 8, 1))
    assert suspects.safeguarding_overdue(POL, as_of=D(2024, 8, 2), referral=None, **args) is None
    assert suspects.safeguarding_overdue(POL, as_of=D(2024, 8, 3), referral=None, **args)[0] == D(2024, 8, 3)
    assert suspects.safeguarding_overdue(POL, as_of=D(2024, 8, 3), referral=D(2024, 8, 3), **args) is None
    assert suspects.safeguarding_overdue(POL, as_of=D(2024, 8, 3), referral=None, children=False,
                                         noted=D(2024, 8, 1)) is None


def test_investigation_stale_after_12_months_with_no_review_in_90_days():
    opened = D(2023, 8, 15)
    assert suspects.investigation_stale(POL, as_of=D(2024, 8, 15), opened=opened, last_review=None) is None
    assert suspects.investigation_stale(POL, as_of=D(2024, 8, 16), opened=opened, last_review=None)[0] == \
        D(2024, 8, 16)
    review = D(2024, 6, 1)  # 90 days later is 2024-08-30
    assert suspects.investigation_stale(POL, as_of=D(2024, 8, 29), opened=opened, last_review=review) is None
    since, _ = suspects.investigation_stale(POL, as_of=D(2024, 8, 30), opened=opened, last_review=review)
    assert since == D(2024, 8, 30)
