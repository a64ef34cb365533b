"""Escalation owners, deadlines and missed deadlines (pure)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.accounts.models import RANK_ORDER
from vigil.core.policy import defaults
from vigil.offenders.rules import escalations as r

D = dt.date
POL = defaults()


@pytest.mark.parametrize(("kind", "level", "days"), [
    ("S96B_WARRANT_CONSIDERATION", "very_high", 7), ("S96B_WARRANT_CONSIDERATION", "high", 7),
    ("S96B_WARRANT_CONSIDERATION", "medium", 14), ("S96B_WARRANT_CONSIDERATION", "low", 14),
    ("WHEREABOUTS_UNKNOWN", "very_high", 1), ("WHEREABOUTS_UNKNOWN", "high", 1),
    ("WHEREABOUTS_UNKNOWN", "medium", 14), ("VISIT_OVERDUE", "low", 7), ("VISIT_OVERDUE", "very_high", 7),
    ("CHILD_LINKED_TO_OFFENDER", "low", 1), ("CHILD_LINKED_TO_OFFENDER", "high", 1),
])
def test_deadlines(kind, level, days):
    assert r.deadline_days(POL, kind, level) == days


C = [r.Candidate(1, "O1", "DS", 10, 1), r.Candidate(2, "O2", "DI", 10, 1), r.Candidate(3, "O3", "DI", 20, 1),
     r.Candidate(4, "O4", "DCI", 30, 2), r.Candidate(5, "O5", "Supt", 10, 1), r.Candidate(6, "O6", "staff", 10, 1)]


def test_choose_owner_prefers_the_team_then_the_lowest_adequate_rank():
    assert r.choose_owner(C, min_rank="DI", team_id=10, borough_id=1).ref == "O2"
    assert r.choose_owner(C, min_rank="DS", team_id=10, borough_id=1).ref == "O1"
    assert r.choose_owner(C, min_rank="Supt", team_id=20, borough_id=1).ref == "O5"   # borough
    assert r.choose_owner(C, min_rank="DI", team_id=40, borough_id=2).ref == "O4"     # borough 2
    assert r.choose_owner(C, min_rank="DI", team_id=40, borough_id=9).ref == "O2"     # force: lowest rank, id
    assert r.choose_owner(C, min_rank="ChSupt", team_id=10, borough_id=1) is None


def test_choose_owner_spreads_the_load():
    two = [r.Candidate(1, "O1", "DI", 10, 1), r.Candidate(2, "O2", "DI", 10, 1)]
    assert r.choose_owner(two, min_rank="DI", team_id=10, borough_id=1, load={1: 3, 2: 1}).ref == "O2"


def test_escalate_rank_goes_one_rank_up():
    assert r.escalate_rank("DI", "DI") == "DCI"
    assert r.escalate_rank("DS", "DS") == "DI"
    assert r.escalate_rank("ChSupt", "DI") is None


def state(as_of, decisions=()):
    return r.deadline_state(opened_on=D(2024, 8, 1), period_days=7, decisions=decisions, as_of=as_of)


def test_deadline_boundaries_with_no_decision():
    assert state(D(2024, 8, 8)) == r.DeadlineState(D(2024, 8, 8), 0, None)
    s = state(D(2024, 8, 9))
    assert s.missed == 1 and s.overdue_since == D(2024, 8, 9) and s.deadline == D(2024, 8, 15)
    s = state(D(2024, 8, 16))
    assert s.missed == 2 and s.overdue_since == D(2024, 8, 9)


def test_a_decision_in_time_sets_the_next_review_as_the_deadline():
    s = state(D(2024, 8, 20), [(D(2024, 8, 8), D(2024, 9, 1))])
    assert s == r.DeadlineState(D(2024, 9, 1), 0, None)
    s = state(D(2024, 9, 2), [(D(2024, 8, 8), D(2024, 9, 1))])
    assert s.missed == 1 and s.overdue_since == D(2024, 9, 2)


def test_a_decision_after_a_missed_deadline_stops_the_overdue_but_the_miss_stands():
    s = state(D(2024, 8, 20), [(D(2024, 8, 12), D(2024, 10, 1))])
    assert s == r.DeadlineState(D(2024, 10, 1), 1, None)


def test_decisions_after_the_as_of_date_are_ignored():
    assert state(D(2024, 8, 10), [(D(2024, 8, 12), D(2024, 10, 1))]).overdue_since == D(2024, 8, 9)


@given(officers=st.lists(st.tuples(st.sampled_from(["PC", "DS", "DI", "DCI", "Supt", "staff"]), st.integers(1, 4),
                                   st.one_of(st.none(), st.integers(1, 2)), st.integers(0, 3)), max_size=25),
       team=st.integers(1, 5), borough=st.one_of(st.none(), st.integers(1, 3)),
       min_rank=st.sampled_from(["DS", "DI", "Supt"]))
def test_choose_owner_nearest_first_is_the_same_owner_as_weighing_every_officer(officers, team, borough, min_rank):
    """The index by team and borough finds the owner that weighing the whole force by (nearness, rank, load, id)
    finds: the sweep's shortcut changes nobody."""
    cands = [r.Candidate(i, f"O{i:03}", rank, t, b) for i, (rank, t, b, _) in enumerate(officers)]
    load = {i: n for i, (_, _, _, n) in enumerate(officers)}
    fit = [c for c in cands if c.rank != "staff" and RANK_ORDER.index(c.rank) >= RANK_ORDER.index(min_rank)]

    def nearness(c):
        return 0 if c.team_id == team else 1 if borough is not None and c.borough_id == borough else 2

    expected = min(fit, key=lambda c: (nearness(c), RANK_ORDER.index(c.rank), load[c.pk], c.ref)) if fit else None
    got = r.choose_owner(r.Candidates(cands), min_rank=min_rank, team_id=team, borough_id=borough, load=load)
    assert got == expected
