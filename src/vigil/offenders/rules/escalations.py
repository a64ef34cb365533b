"""Who owns an escalation, by when they must decide, and what happens when they do not."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from vigil.accounts.models import RANK_ORDER, next_rank_up, rank_at_least

HIGH_LEVELS = ("high", "very_high")


@dataclass(frozen=True)
class Candidate:
    """An officer who could own an escalation."""

    pk: int
    ref: str
    rank: str
    team_id: int
    borough_id: int | None


def deadline_days(pol: Mapping, kind: str, risk_level: str) -> int:
    """Days from opening to the decision deadline (domain-rules §1; CHILD_LINKED_TO_OFFENDER: docs/adr/0102)."""
    high = risk_level in HIGH_LEVELS
    if kind == "VISIT_OVERDUE":
        return pol["escalations.visit_overdue_deadline_days"]
    if kind == "CHILD_LINKED_TO_OFFENDER":
        return pol["escalations.child_link_deadline_days"]
    if kind == "WHEREABOUTS_UNKNOWN" and high:
        return pol["escalations.whereabouts_deadline_days_high"]
    return pol["escalations.deadline_days.high" if high else "escalations.deadline_days.other"]


def owner_rank(pol: Mapping, kind: str) -> str:
    return pol[f"escalations.owner_rank.{kind}"]


class Candidates:
    """The officers who could own an escalation, found nearest first: the team, then the borough, then the force.
    A sweep that opens a thousand escalations looks through one team's officers for each, not the force's."""

    def __init__(self, officers: Iterable[Candidate]):
        self.all = list(officers)
        self.by_team: dict[int, list[Candidate]] = defaultdict(list)
        self.by_borough: dict[int, list[Candidate]] = defaultdict(list)
        for c in self.all:
            self.by_team[c.team_id].append(c)
            if c.borough_id is not None:
                self.by_borough[c.borough_id].append(c)

    def __iter__(self):
        return iter(self.all)

    def nearest_first(self, team_id: int, borough_id: int | None) -> Iterator[list[Candidate]]:
        yield self.by_team.get(team_id, [])
        if borough_id is not None:
            yield self.by_borough.get(borough_id, [])
        yield self.all


def choose_owner(candidates: Candidates | Iterable[Candidate], *, min_rank: str, team_id: int,
                 borough_id: int | None, load: Mapping[int, int] | None = None) -> Candidate | None:
    """The owner: an officer of at least ``min_rank``, from the subject's team, else its borough, else the force;
    within that, the lowest adequate rank, then the fewest open escalations, then the id (deterministic)."""
    load = load or {}
    pool = candidates if isinstance(candidates, Candidates) else Candidates(candidates)
    for near in pool.nearest_first(team_id, borough_id):
        fit = [c for c in near if rank_at_least(c.rank, min_rank)]
        if fit:
            return min(fit, key=lambda c: (RANK_ORDER.index(c.rank), load.get(c.pk, 0), c.ref))
    return None


def escalate_rank(current_rank: str, min_rank: str) -> str | None:
    """The rank an escalation goes to when its deadline is missed: one above the current owner's."""
    base = current_rank if rank_at_least(current_rank, min_rank) else min_rank
    return next_rank_up(base)


@dataclass(frozen=True)
class DeadlineState:
    deadline: dt.date
    missed: int          # deadlines missed so far (each one escalates a rank)
    overdue_since: dt.date | None


def deadline_state(*, opened_on: dt.date, period_days: int, decisions: Iterable[tuple[dt.date, dt.date | None]],
                   as_of: dt.date) -> DeadlineState:
    """Where an escalation stands on ``as_of``.

    A decision is due by ``opened_on + period_days``. A decision recorded on or before its deadline sets the next
    deadline to its next review date. A deadline passed without a decision is missed: the escalation goes up a
    rank and the next rank has a fresh ``period_days`` from the missed deadline (a decision within it counts).
    Decisions dated after ``as_of`` are ignored.
    """
    period_days = max(1, period_days)
    deadline = opened_on + dt.timedelta(days=period_days)
    missed = 0
    overdue_since = None
    pending = sorted(((d, r) for d, r in decisions if d <= as_of), key=lambda x: x[0])
    i = 0
    while True:
        decided = pending[i] if i < len(pending) else None
        if decided is not None and decided[0] <= deadline:
            i += 1
            deadline = decided[1] or (decided[0] + dt.timedelta(days=period_days))
            overdue_since = None
            continue
        if deadline >= as_of:
            return DeadlineState(deadline, missed, overdue_since)
        if overdue_since is None:
            overdue_since = deadline + dt.timedelta(days=1)
        missed += 1
        deadline = deadline + dt.timedelta(days=period_days)
