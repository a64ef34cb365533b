"""Visit rules at every boundary: the day before due, the due day, the day after; paused days; critical."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.policy import defaults
from vigil.offenders.rules import visits as v

D = dt.date
POL = defaults()
DAY = dt.timedelta(days=1)


LAST, MANAGED = D(2024, 1, 1), D(2012, 5, 1)


def overdue(as_of, level="high", last=LAST, managed=MANAGED, spans=(), assessed=True):
    return v.overdue_visit(POL, as_of=as_of, level=level, assessed=assessed, managed_from=managed,
                           last_success=last, spans=v.merge_spans(spans))


@pytest.mark.parametrize(("level", "interval"), [("very_high", 30), ("high", 91), ("medium", 182), ("low", 365)])
def test_due_is_the_last_successful_visit_plus_the_interval(level, interval):
    last = D(2024, 1, 1)
    due = last + dt.timedelta(days=interval)
    assert overdue(due - DAY, level, last) is None
    assert overdue(due, level, last) is None                   # the due day itself is not overdue
    o = overdue(due + DAY, level, last)
    assert o is not None and o.due == due and o.since == due + DAY and not o.critical


@pytest.mark.parametrize(("level", "first"), [("very_high", 28), ("high", 28), ("medium", 28), ("low", 28)])
def test_never_visited_the_first_visit_is_due_within_the_smaller_of_interval_and_28_days(level, first):
    start = D(2024, 3, 1)
    due = start + dt.timedelta(days=first)
    assert overdue(due, level, None, start) is None
    o = overdue(due + DAY, level, None, start)
    assert o.due == due
    assert "never successfully visited" in o.reasons[0]


def test_a_smaller_interval_than_28_days_wins_for_the_first_visit():
    pol = POL.with_overrides(visits__interval_days__very_high=21)
    due = v.due_date(pol, level="very_high", managed_from=D(2024, 3, 1), last_success=None, spans=())
    assert due == D(2024, 3, 22)


@pytest.mark.parametrize(("level", "limit"), [("very_high", 60), ("medium", 364), ("low", 730)])
def test_critical_after_twice_the_interval(level, limit):
    last = D(2020, 1, 1)
    at = last + dt.timedelta(days=limit)
    assert not overdue(at, level, last).critical
    o = overdue(at + DAY, level, last)
    assert o.critical and o.critical_since == at + DAY


def test_high_risk_is_critical_after_365_days_whatever_the_interval():
    pol_long = POL.with_overrides(visits__interval_days__high=300)  # twice is 600: the 365-day rule bites first
    last = D(2020, 1, 1)
    at = last + dt.timedelta(days=365)
    o = v.overdue_visit(pol_long, as_of=at, level="high", assessed=True, managed_from=D(2010, 1, 1),
                        last_success=last, spans=())
    assert o is not None and not o.critical
    o = v.overdue_visit(pol_long, as_of=at + DAY, level="high", assessed=True, managed_from=D(2010, 1, 1),
                        last_success=last, spans=())
    assert o.critical and "365" in o.reasons[-1]
    # medium with the same long interval is not critical at 366 days
    o = v.overdue_visit(POL.with_overrides(visits__interval_days__medium=300), as_of=at + DAY, level="medium",
                        assessed=True, managed_from=D(2010, 1, 1), last_success=last, spans=())
    assert not o.critical


def test_paused_days_push_the_due_date_back():
    last = D(2024, 1, 1)
    spans = [(D(2024, 2, 1), D(2024, 2, 10))]  # ten days in custody
    due = D(2024, 1, 1) + dt.timedelta(days=91 + 10)
    assert overdue(due, "high", last, spans=spans) is None
    o = overdue(due + DAY, "high", last, spans=spans)
    assert o.due == due and "10 days in custody, hospital or abroad not counted" in o.reasons


def test_a_pause_that_starts_before_the_last_visit_counts_only_its_days_after():
    last = D(2024, 1, 10)
    spans = [(D(2024, 1, 1), D(2024, 1, 20))]  # 10 paused days after the visit (11th–20th)
    assert v.due_date(POL, level="high", managed_from=D(2012, 1, 1), last_success=last,
                      spans=v.merge_spans(spans)) == last + dt.timedelta(days=101)


def test_a_pause_with_no_end_means_no_due_date():
    assert v.add_counted_days(D(2024, 1, 1), 91, ((D(2024, 2, 1), None),)) is None


def test_an_unassessed_subject_says_so():
    o = overdue(D(2025, 1, 1), "high", D(2024, 1, 1), assessed=False)
    assert any("no approved risk assessment" in r for r in o.reasons)


def naive_due(base, n, spans):
    day, counted = base, 0
    while counted < n:
        day += DAY
        if not any(s <= day and (e is None or day <= e) for s, e in spans):
            counted += 1
        if day > base + dt.timedelta(days=20000):
            return None
    return day


span = st.tuples(st.integers(-50, 400), st.integers(0, 120)).map(
    lambda t: (D(2024, 1, 1) + dt.timedelta(days=t[0]), D(2024, 1, 1) + dt.timedelta(days=t[0] + t[1])))


@given(st.lists(span, max_size=5), st.integers(1, 400))
def test_add_counted_days_agrees_with_counting_day_by_day(spans, n):
    merged = v.merge_spans(spans)
    base = D(2024, 1, 1)
    assert v.add_counted_days(base, n, merged) == naive_due(base, n, spans)


@given(st.lists(span, max_size=5), st.integers(0, 600))
def test_counted_days_is_calendar_days_less_paused_days(spans, n):
    merged = v.merge_spans(spans)
    base, until = D(2024, 1, 1), D(2024, 1, 1) + dt.timedelta(days=n)
    naive = sum(1 for k in range(1, n + 1)
                if not any(s <= base + dt.timedelta(days=k) <= e for s, e in spans))
    assert v.counted_days(merged, base, until) == naive


def test_mode_on_reads_the_period_covering_the_day_and_defaults_to_active():
    periods = [("custody", D(2013, 1, 10), D(2013, 9, 30)), ("reactive", D(2020, 1, 1), None)]
    assert v.mode_on(periods, D(2013, 1, 9)) == "active"
    assert v.mode_on(periods, D(2013, 1, 10)) == "custody"
    assert v.mode_on(periods, D(2013, 9, 30)) == "custody"
    assert v.mode_on(periods, D(2013, 10, 1)) == "active"
    assert v.mode_on(periods, D(2024, 8, 15)) == "reactive"


SEED = [(D(2019, 10, 28), "no_reply"), (D(2019, 11, 4), "refused_entry")]


def test_the_seed_case_two_failed_attempts_since_2017():
    c = v.failed_access(POL, as_of=D(2024, 8, 15), attempts=SEED, last_success=D(2017, 3, 2),
                        managed_from=D(2012, 5, 1))
    assert c.since == D(2019, 11, 4)
    assert c.reasons == ("2 failed home attempts since the last successful visit on 2017-03-02 "
                         "(no_reply 2019-10-28, refused_entry 2019-11-04)",)


def test_failed_access_boundaries_one_attempt_is_not_enough_and_the_second_counts_from_its_day():
    args = dict(attempts=SEED, last_success=D(2017, 3, 2), managed_from=D(2012, 5, 1))
    assert v.failed_access(POL, as_of=D(2019, 11, 3), **args) is None
    assert v.failed_access(POL, as_of=D(2019, 11, 4), **args) is not None


def test_attempts_before_the_last_success_or_a_resolution_do_not_count():
    assert v.failed_access(POL, as_of=D(2024, 1, 1), attempts=SEED, last_success=D(2019, 11, 4),
                           managed_from=D(2012, 5, 1)) is None
    assert v.failed_access(POL, as_of=D(2024, 1, 1), attempts=SEED, last_success=D(2017, 3, 2),
                           managed_from=D(2012, 5, 1), resolved_on=D(2019, 11, 1)) is None
    c = v.failed_access(POL, as_of=D(2024, 1, 1), attempts=[*SEED, (D(2020, 1, 6), "no_reply")],
                        last_success=D(2017, 3, 2), managed_from=D(2012, 5, 1), resolved_on=D(2019, 11, 1))
    assert c.since == D(2020, 1, 6) and "since the last escalation was resolved on 2019-11-01" in c.reasons[0]


def test_seen_elsewhere_and_whereabouts_outcomes_are_not_failed_access():
    attempts = [(D(2024, 1, 2), "seen_elsewhere"), (D(2024, 1, 3), "not_at_address")]
    assert v.failed_access(POL, as_of=D(2024, 8, 1), attempts=attempts, last_success=None,
                           managed_from=D(2023, 1, 1)) is None


def test_whereabouts_unknown_from_a_visit_or_a_notification_breach():
    attempts = [(D(2024, 1, 3), "not_at_address")]
    c = v.whereabouts_unknown(POL, as_of=D(2024, 1, 3), attempts=attempts, last_success=D(2023, 12, 1),
                              managed_from=D(2020, 1, 1))
    assert c.since == D(2024, 1, 3) and "not_at_address on 2024-01-03" in c.reasons[0]
    assert v.whereabouts_unknown(POL, as_of=D(2024, 1, 2), attempts=attempts, last_success=D(2023, 12, 1),
                                 managed_from=D(2020, 1, 1)) is None
    c = v.whereabouts_unknown(POL, as_of=D(2024, 3, 1), attempts=[], last_success=D(2023, 12, 1),
                              managed_from=D(2020, 1, 1), notification_overdue=(D(2024, 2, 2), "late"))
    assert c.since == D(2024, 2, 2) and c.reasons == ("notification breach: late",)


def test_a_home_visit_after_a_notification_breach_makes_the_whereabouts_known():
    args = dict(as_of=D(2024, 3, 1), attempts=[], managed_from=D(2020, 1, 1),
                notification_overdue=(D(2024, 2, 2), "late"))
    assert v.whereabouts_unknown(POL, last_success=D(2024, 2, 1), **args) is not None
    assert v.whereabouts_unknown(POL, last_success=D(2024, 2, 2), **args) is None
