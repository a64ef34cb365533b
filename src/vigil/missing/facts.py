"""Facts for the rules, read set-based: a handful of queries whatever the number of episodes.

Shared by the sweep, the coordinator's board and the offender-link check, so each reads the records the same way.
"""
from __future__ import annotations

import datetime as dt
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
    rows = [dict(zip(EPISODE_COLUMNS, r, strict=True)) for r in plain_rows(
        qs.values_list(*EPISODE_COLUMNS).order_by("pk"), datetimes=EPISODE_TIMES)]
    if not rows:
        return []
    pks = [r["pk"] for r in rows]
    whole = episodes is None
    screenings: dict[int, list[ScreeningFact]] = defaultdict(list)
    found_with: dict[int, list[str]] = defaultdict(list)
    through = MissingEpisode.found_with.through
    parts = [None] if whole else list(chunks(pks))
    for part in parts:
        sq = Screening.objects.all() if part is None else Screening.objects.filter(episode_id__in=part)
        for episode, stage, at, indicators, referral_at in plain_rows(sq.values_list(
                "episode_id", "stage", "at", "indicators", "referral_at").order_by("at", "pk"), datetimes=(2, 4)):
            if isinstance(indicators, str):  # JSON as stored, read without the ORM
                indicators = json.loads(indicators)
            screenings[episode].append(ScreeningFact(stage, at, tuple(indicators or ()), referral_at))
        fq = through.objects.all() if part is None else through.objects.filter(missingepisode_id__in=part)
        for episode, ref, identity in plain_rows(fq.values_list("missingepisode_id", "person__ref",
                                                                "person__identity__ref")):
            found_with[episode].append(identity_key(ref, identity))
    return [EpisodeFact(
        ref=r["ref"], child=r["child__ref"], child_key=identity_key(r["child__ref"], r["child__identity__ref"]),
        reported_at=r["reported_at"], returned_at=r["returned_at"], last_seen_at=r["last_seen_at"],
        screenings=tuple(screenings.get(r["pk"], ())), prevention_interview_at=r["prevention_interview_at"],
        return_interview_at=r["return_interview_at"], found_key=r["found_key"] or "",
        found_with=tuple(sorted(set(found_with.get(r["pk"], ())))), grade=r["risk_grade"] or "",
        graded_at=r["graded_at"], team_id=r["team_id"], owner=r["coordinator__ref"],
    ) for r in rows]


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
