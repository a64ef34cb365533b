"""Facts for the rules, read set-based: a handful of queries whatever the number of episodes.

Shared by the sweep, the coordinator's board and the offender-link check, so each reads the records the same way.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from vigil.core.rows import chunks, plain_rows
from vigil.missing.models import MissingEpisode, Screening, StrategyMeeting
from vigil.missing.rules import EpisodeFact, ScreeningFact
from vigil.people.models import Person


def identity_key(person_ref: str, identity_ref: str | None) -> str:
    """The resolved identity of a record: its identity, or (unlinked) the same fallback export writes."""
    return identity_ref or f"I-{person_ref}"


EPISODE_COLUMNS = ("pk", "ref", "child__ref", "child__identity__ref", "reported_at", "returned_at", "last_seen_at",
                   "prevention_interview_at", "return_interview_at", "found_key", "risk_grade", "graded_at", "team_id",
                   "coordinator__ref")
EPISODE_TIMES = tuple(i for i, c in enumerate(EPISODE_COLUMNS) if c.endswith("_at"))


def episode_facts(episodes: QuerySet | None = None, *, until: dt.datetime | None = None) -> list[EpisodeFact]:
    """EpisodeFacts for the given episodes (all by default) reported by ``until``."""
    qs = MissingEpisode.objects.all() if episodes is None else episodes
    if until is not None:
        qs = qs.filter(reported_at__lte=until)
    rows = plain_rows(qs.values_list(*EPISODE_COLUMNS).order_by("pk"), datetimes=EPISODE_TIMES)
    if not rows:
        return []
    whole = episodes is None
    screenings: dict[int, list[ScreeningFact]] = defaultdict(list)
    found_with: dict[int, list[str]] = defaultdict(list)
    through = MissingEpisode.found_with.through
    parts = [None] if whole else list(chunks([r[0] for r in rows]))
    for part in parts:
        sq = Screening.objects.all() if part is None else Screening.objects.filter(episode_id__in=part)
        for episode, stage, at, indicators, referral_at in plain_rows(sq.values_list(
                "episode_id", "stage", "at", "indicators", "referral_at").order_by("at", "pk"), datetimes=(2, 4)):
            screenings[episode].append(ScreeningFact(stage, at, _indicators(indicators), referral_at))
        fq = through.objects.all() if part is None else through.objects.filter(missingepisode_id__in=part)
        for episode, ref, identity in plain_rows(fq.values_list("missingepisode_id", "person__ref",
                                                                "person__identity__ref")):
            found_with[episode].append(identity_key(ref, identity))
    none: tuple = ()
    return [EpisodeFact(
        ref=ref, child=child, child_key=identity_key(child, identity), reported_at=reported_at,
        returned_at=returned_at, last_seen_at=last_seen_at, screenings=tuple(screenings.get(pk, none)),
        prevention_interview_at=prevention_at, return_interview_at=interview_at, found_key=found_key or "",
        found_with=tuple(sorted(set(found_with[pk]))) if pk in found_with else none, grade=grade or "",
        graded_at=graded_at, team_id=team_id, owner=owner,
    ) for (pk, ref, child, identity, reported_at, returned_at, last_seen_at, prevention_at, interview_at, found_key,
           grade, graded_at, team_id, owner) in rows]


def _indicators(stored) -> tuple[str, ...]:
    """A screening's indicators as a tuple: JSON as stored when read without the ORM, decoded once per distinct
    text (48,000 screenings at national scale share a few hundred)."""
    if isinstance(stored, str):
        return _decoded(stored)
    return tuple(stored or ())


@functools.lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text) or ())


def strategy_meetings_by_identity(until: dt.datetime | None = None,
                                  children: Iterable[int] | None = None) -> dict[str, list[dt.datetime]]:
    qs = StrategyMeeting.objects.all()
    if until is not None:
        qs = qs.filter(held_at__lte=until)
    if children is not None:
        qs = qs.filter(child_id__in=list(children))
    out: dict[str, list[dt.datetime]] = defaultdict(list)
    for m in qs.values("child__ref", "child__identity__ref", "held_at").iterator(chunk_size=20000):
        out[identity_key(m["child__ref"], m["child__identity__ref"])].append(m["held_at"])
    return out


def records_of_identity(person: Person) -> list[int]:
    """The primary keys of every record resolved to the same identity as ``person`` (itself when unlinked)."""
    if person.identity_id is None:
        return [person.pk]
    return list(Person.objects.filter(identity_id=person.identity_id).values_list("pk", flat=True))
