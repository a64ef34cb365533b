"""Each pair of records awaiting review is work for a named team: a task in its queue ("Review the possible
match"), which anyone in the team claims, and which closes by itself when the pair is decided, linked
automatically or withdrawn by a later run (``vigil.work``).

The team is the one holding either record that reviews links for a living (missing persons or exploitation), else
the team holding the first record, else the second's, else the force's first missing-persons team: a pair is never
left without someone to review it. Set-based: a run queuing thousands of pairs hands them over in a few queries.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from vigil.accounts.models import Team
from vigil.core import clock, policy
from vigil.core.rows import chunks
from vigil.people.models import Person
from vigil.work.models import Task, TaskStatus
from vigil.work.services import hand_over_all, settle_all

KIND = "linkage_review"
REVIEWING_TEAMS = ("missing_persons", "exploitation")


def _source(match) -> str:
    """One task each time the pair enters the queue (a pair withdrawn and queued again is new work)."""
    return f"linkage-review:{match.pk}:{sum(1 for h in match.history if h.get('what') == 'queued')}"


def _records(pks: set[int]) -> dict[int, tuple[str, int | None, str | None]]:
    """person pk → (reference, holding team, the team's kind)."""
    ids, out = sorted(pks), {}
    for chunk in chunks(ids):
        for pk, ref, team, kind in Person.objects.filter(pk__in=chunk).order_by().values_list(
                "pk", "ref", "team_id", "team__kind"):
            out[pk] = (ref, team, kind)
    return out


def _team(left, right, fallback: int | None) -> int | None:
    for _, team, kind in (left, right):
        if team and kind in REVIEWING_TEAMS:
            return team
    return left[1] or right[1] or fallback


def hand_over(matches: Iterable, *, actor) -> int:
    """A review task for each queued pair that has none yet; returns how many were handed over."""
    queued = [m for m in matches if m.status == "queued"]
    if not queued:
        return 0
    records = _records({m.left_id for m in queued} | {m.right_id for m in queued})
    fallback = Team.objects.filter(kind__in=REVIEWING_TEAMS).order_by("kind", "pk").values_list("pk", flat=True)
    fallback = fallback.first()
    due = clock.now() + dt.timedelta(days=policy.current()["linkage.review_days"])
    tasks = []
    for m in queued:
        left, right = records[m.left_id], records[m.right_id]
        team = _team(left, right, fallback)
        if team is None:
            continue
        tasks.append(Task(
            source=_source(m), kind=KIND, title="Review a possible match between two person records",
            record_type="match", record_ref=str(m.pk), severity="medium", team_id=team, due=due,
            reasons=[f"Person records {left[0]} and {right[0]} may be the same person: match probability "
                     f"{m.probability:.2f}, between the review and auto-link thresholds",
                     "Accept or reject the pair on its evidence; the task closes when you decide"]))
    return len(hand_over_all(tasks, actor=actor))


def clear(match_pks: Iterable[int], *, outcome: str, actor) -> int:
    """The pairs are no longer awaiting review: their open review tasks close, saying why."""
    refs = [str(pk) for pk in match_pks]
    sources = []
    for chunk in chunks(refs):
        sources += Task.objects.filter(kind=KIND, record_type="match", record_ref__in=chunk,
                                       status=TaskStatus.OPEN).values_list("source", flat=True)
    return settle_all(sources=sources, outcome=outcome, actor=actor) if sources else 0
