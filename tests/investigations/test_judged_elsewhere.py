"""The daily sweep, run on its own on PostgreSQL, judges the allocations in another process while the
missing-children rules run (``core.rows.judge_elsewhere``); on SQLite, and inside a caller's transaction, it judges
them here. Judged there or here, the same alerts. A policy change that re-weighs the workload units keeps the
judgement here, in the sweep's transaction, where the new units show."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from tests import factories
from tests.investigations import factories as inv
from vigil.core import rows
from vigil.core.policy import set_policy
from vigil.investigations import sweep as inv_sweep
from vigil.investigations.models import Allocation
from vigil.sweep.catalogue import codes
from vigil.sweep.engine import evaluate, run_sweep

OURS = set(codes("investigations"))


@pytest.fixture
def started(monkeypatch):
    """How many judgements were started in another process."""
    seen: list[int] = []
    real = inv_sweep.judge_elsewhere

    def counted(*args):
        seen.append(1)
        return real(*args)

    monkeypatch.setattr(inv_sweep, "judge_elsewhere", counted)
    return seen


def _world(cid, as_of):
    team = cid["teams"]["cid"]
    factories.officer(team, roles=["supervisor"], rank="DS", ref="O-DS")
    factories.officer(team, roles=["senior_officer"], rank="DI", ref="O-DI")
    below = inv.crime(team, "86", flags=["child_victim"], reported=dt.date(2024, 8, 1), ref="CR-I")
    inv.allocate(below, cid["student"], dt.date(2024, 8, 2))
    inv.crime(team, "49", reported=dt.date(2024, 8, 1), ref="CR-WAIT")  # nobody allocated for two weeks
    for n in range(30):  # more open crimes than anyone may hold
        inv.allocate(inv.crime(team, "49", reported=dt.date(2024, 7, 1), ref=f"CR-L{n:02d}"), cid["pip2"],
                     dt.date(2024, 7, 2))


def _ours(found):
    return {f for f in found if f.code in OURS}


def _here(as_of):
    with transaction.atomic():  # inside a transaction: judged here
        found, _ = evaluate(as_of)
        transaction.set_rollback(True)
    return _ours(found)


@pytest.mark.django_db(transaction=True)
def test_judged_elsewhere_where_a_core_is_free_and_the_same_alerts_as_judged_here(org, cid, as_of, started):
    _world(cid, as_of)
    found, _ = run_sweep(as_of)
    judged = _ours(found)
    if rows.read_ahead_allowed() and rows.elsewhere_helps():  # PostgreSQL
        assert started == [1], "the allocations were not judged in another process"
    else:  # SQLite: its second core reads the offenders' facts ahead
        assert started == []
    assert {(f.code, f.entity_id) for f in judged} >= {("CRIME_BELOW_REQUIRED_LEVEL", "CR-I"),
                                                        ("CRIME_UNALLOCATED", "CR-WAIT"),
                                                        ("OFFICER_OVERLOADED", "O-P2")}
    started.clear()
    assert _here(as_of) == judged and started == []


@pytest.mark.django_db(transaction=True)
def test_units_re_weighed_by_a_policy_change_are_judged_in_the_sweeps_transaction(org, cid, as_of, started):
    _world(cid, as_of)
    before = set(Allocation.objects.values_list("units", flat=True))
    set_policy(changes={"allocation.units_by_level": {"1": 3, "2": 5, "3": 8}}, changed_by=None,
               reason="workload units revised")
    found, _ = run_sweep(as_of)
    assert started == []  # re-weighed in this transaction: another process could not see the new units
    assert set(Allocation.objects.values_list("units", flat=True)) != before
    [overloaded] = [f for f in found if f.code == "OFFICER_OVERLOADED" and f.entity_id == "O-P2"]
    assert any("units" in r for r in overloaded.reasons)
    assert _here(as_of) == _ours(found)
