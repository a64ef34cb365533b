"""The visit planner: inside the due window, varied days and times including evenings, away from the recent
pattern; and the ``vigil plan`` command."""
from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections import Counter

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from tests.offenders.factories import assess, subject, visit
from vigil.core.policy import defaults
from vigil.offenders import planner
from vigil.offenders.models import VisitPlan

D = dt.date
POL = defaults()


@given(st.integers(0, 10_000), st.integers(0, 60), st.integers(0, 40))
def test_a_proposal_is_always_inside_the_window_and_inside_a_time_of_day(seed, start, length):
    lo = D(2024, 8, 16) + dt.timedelta(days=start)
    window = (lo, lo + dt.timedelta(days=length))
    p = planner.propose(rng=random.Random(seed), window=window, recent=[(D(2024, 5, 7), dt.time(10, 0))])
    assert window[0] <= p.date <= window[1]
    assert dt.time(7, 30) <= p.window_start < p.window_end <= dt.time(21, 30)


def test_the_recent_pattern_is_avoided_and_evenings_and_weekends_appear():
    recent = [(D(2024, 5, 7), dt.time(10, 0)), (D(2024, 2, 6), dt.time(10, 30)), (D(2023, 11, 7), dt.time(11, 0))]
    days, slots = Counter(), Counter()
    for seed in range(2000):
        p = planner.propose(rng=random.Random(seed), window=(D(2024, 8, 19), D(2024, 9, 15)), recent=recent)
        days[p.date.weekday()] += 1
        slots[planner.slot_of(p.window_start).name] += 1
    assert days[1] < 2000 / 7 / 2            # Tuesday, the pattern, far below its fair share
    assert all(days[d] > 150 for d in (0, 2, 3, 4, 5))
    assert slots["late morning"] < min(slots["evening"], slots["early evening"], slots["afternoon"]) / 2
    assert slots["evening"] + slots["early evening"] > 700


def test_full_days_are_skipped():
    window = (D(2024, 8, 19), D(2024, 8, 21))
    busy = {D(2024, 8, 19): 6, D(2024, 8, 20): 6}
    assert {planner.propose(rng=random.Random(s), window=window, recent=[], busy=busy).date for s in range(50)} == \
        {D(2024, 8, 21)}
    assert planner.propose(rng=random.Random(1), window=window, recent=[], busy={**busy, D(2024, 8, 21): 6}) is None


def test_the_due_window_and_an_overdue_visit_within_a_week():
    as_of = D(2024, 8, 15)
    assert planner.due_window(POL, as_of=as_of, due=D(2024, 10, 1), last_success=D(2024, 7, 2), interval=91) == \
        (D(2024, 8, 16), D(2024, 10, 1))
    assert planner.due_window(POL, as_of=as_of, due=D(2025, 6, 1), last_success=D(2024, 6, 1), interval=365) == \
        (D(2024, 11, 30), D(2025, 6, 1))
    assert planner.due_window(POL, as_of=as_of, due=D(2024, 8, 1), last_success=D(2024, 5, 1), interval=91) == \
        (D(2024, 8, 16), D(2024, 8, 22))


def test_the_same_secret_subject_and_day_give_the_same_plan_and_another_day_a_different_one():
    a = planner.propose(rng=planner.rng_for("k", "S1", "2024-08-15"), window=(D(2024, 8, 16), D(2024, 9, 30)),
                        recent=[])
    b = planner.propose(rng=planner.rng_for("k", "S1", "2024-08-15"), window=(D(2024, 8, 16), D(2024, 9, 30)),
                        recent=[])
    others = {planner.propose(rng=planner.rng_for("k", "S1", f"2024-08-{d}"), window=(D(2024, 8, 16),
                                                                                    D(2024, 9, 30)), recent=[])
              for d in range(10, 15)}
    assert a == b and len(others) > 1


def test_pattern_score():
    weekly = [(D(2024, 1, 2) + dt.timedelta(days=7 * i), dt.time(10, 0)) for i in range(6)]
    assert planner.pattern_score(weekly) == 1.0
    assert planner.pattern_score([]) == 0.0


@pytest.mark.django_db
def test_vigil_plan_prints_and_saves_an_officers_plan(org, monkeypatch):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S1", manager=om, managed_from=D(2020, 1, 1))
    assess(s, "high", D(2024, 1, 1), assessor=om)
    visit(s, D(2024, 6, 1))
    out = io.StringIO()
    call_command("vigil_plan", "--officer", om.ref, "--as-of", "2024-08-15", "--days", "20", "--json", "--save",
                 stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["subject"] for r in rows] == ["S1"]
    p = VisitPlan.objects.get()
    assert D(2024, 8, 16) <= p.date <= D(2024, 8, 31)   # due 2024-08-31 (1 June + 91 days)
    with pytest.raises(SystemExit) as exc:
        call_command("vigil_plan", "--officer", "O-NOBODY", stderr=io.StringIO())
    assert exc.value.code == 2
