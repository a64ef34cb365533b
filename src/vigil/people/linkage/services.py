"""Record linkage runs and reviews: each one atomic and logged as a *combination* of personal data (s.62).

- ``run_linkage`` scores every pair of records; at or above the auto-link threshold the pair is linked, between
  the thresholds it is queued for a person to review. Human decisions are never overturned by a run: an accepted,
  rejected or undone pair keeps its status and only gets fresh evidence. An automatic link the evidence no
  longer supports is withdrawn (or queued, if it is still uncertain).
- ``decide`` records a reviewer's accept or reject, or undoes a link, with a rationale kept in the pair's history.

After either, identities are recomputed and ``identities_changed`` is sent, so other modules (missing children:
a found-with adult who turns out to be a subject's alias) can act the same day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.dispatch import Signal

from vigil.core import access_log, clock, policy, rows
from vigil.core.errors import InputError
from vigil.core.scope import officer_of
from vigil.people.linkage import identities, records, reviews
from vigil.people.linkage.models import (
    HUMAN_DECIDED,
    LINKED,
    PURPOSE,
    ComparedRecord,
    LinkRun,
    MatchStatus,
    RecordMatch,
)
from vigil.people.models import Person

# Sent with person_pks (the records whose identity changed), as_of and actor, inside the deciding transaction.
identities_changed = Signal()



def _entry(*, at: dt.datetime, by: str, what: str, why: str = "") -> dict:
    """One line of a pair's history."""
    return {"at": at.isoformat(timespec="seconds"), "by": by, "what": what, **({"why": why} if why else {})}


def _note(match: RecordMatch, *, at: dt.datetime, by: str, what: str, why: str = "") -> None:
    match.history = [*match.history, _entry(at=at, by=by, what=what, why=why)]


def _classify(p: float, pol: Mapping) -> str:
    return MatchStatus.LINKED_AUTO if p >= pol["linkage.auto_link_probability"] else MatchStatus.QUEUED


@rows.cycles_collected_after()  # tens of thousands of short-lived rows, pairs and reasons: 0.2-0.5 s of FEBRL3
def run_linkage(*, actor="system:link", pol=None, train: bool | None = None, as_of: dt.date | None = None,
                progress=None, engine: str = "duckdb", incremental: bool = False) -> LinkRun:
    """Score every pair of person records and bring the matches and identities into line (``vigil link``).
    ``engine`` is where Splink runs the model (``engines.py``); the matches are the same on either.

    ``incremental``: only records new or changed since they were last compared are scored, against every record,
    with the parameters of the last run; no other pair is touched. Without an earlier run it compares everything.
    """
    pol = pol or policy.current()
    if pol["linkage.review_probability"] > pol["linkage.auto_link_probability"]:
        raise InputError("linkage thresholds: the review threshold is above the auto-link threshold")
    started = clock.now()
    who = actor if isinstance(actor, str) else access_log.actor_names(actor)[0]
    people = records.person_rows()
    digests = records.digests(people)
    fresh, saved = None, None
    if incremental:
        saved = LinkRun.objects.exclude(model={}).values_list("model", flat=True).first()
        if saved:
            known = dict(ComparedRecord.objects.values_list("person_id", "digest").iterator(chunk_size=50000))
            fresh = {pid for pid, d in digests.items() if known.get(int(pid)) != d}
        elif progress:
            progress("no earlier run to build on: comparing every record")
    if progress:
        progress(f"{len(people)} rows read" + (f"; {len(fresh)} records new or changed" if fresh is not None else ""))
    from vigil.people.linkage import (  # Splink and pandas load when linkage runs, not with every command
        engines,
        model,
    )

    if (fresh is not None and not fresh) or len(digests) < 2:  # nothing to compare: no engine is started
        scored = model.Scored.nothing((saved or {}).get("vigil_parameters", "prior"), len(people), len(digests),
                                      saved or {})
    else:
        with engines.backend(engine) as db_api:
            scored = model.score(records.table(people), pol, train=train, db_api=db_api, fresh=fresh, saved=saved)
    if progress:
        progress(f"{len(scored.pairs)} pairs scored at or above the review threshold")
    with transaction.atomic():
        run = LinkRun.objects.create(started_at=started, actor=who[:150], records=scored.people,
                                     parameters=scored.parameters, incremental=fresh is not None,
                                     model=scored.model, thresholds={
                                         "auto_link": pol["linkage.auto_link_probability"],
                                         "review": pol["linkage.review_probability"]})
        existing = {(m.left_id, m.right_id): m for m in RecordMatch.objects.filter(
            status__in=[*LINKED, MatchStatus.QUEUED, *HUMAN_DECIDED, MatchStatus.WITHDRAWN])}
        now = clock.now()
        created, updated, rescored, newly = [], [], [], []  # rescored: the same score again
        seen = set()
        pairs = scored.pairs
        firsts, seconds = [int(x) for x in pairs["first"]], [int(x) for x in pairs["second"]]
        evidences = scored.evidences([a < b for a, b in zip(firsts, seconds, strict=True)])
        probabilities = pairs["match_probability"].astype(float).tolist()
        weights = pairs["match_weight"].astype(float).tolist()
        for a, b, p, w, evidence in zip(firsts, seconds, probabilities, weights, evidences, strict=True):
            left, right = min(a, b), max(a, b)
            seen.add((left, right))
            m = existing.get((left, right))
            if m is None:  # a new pair: written as a row (thousands on a first run), read back below if queued
                status = _classify(p, pol)
                created.append({"left_id": left, "right_id": right, "probability": p, "match_weight": w,
                                "evidence": evidence, "status": status, "run_id": run.pk, "scored_at": now,
                                "history": [_entry(at=now, by=who, what=status,
                                                   why=f"scored p={p:.3f} in run #{run.pk}")]})
                continue
            same = (m.probability, m.match_weight, m.evidence) == (p, w, evidence)
            m.probability, m.match_weight, m.evidence, m.run, m.scored_at = p, w, evidence, run, now
            if m.status not in HUMAN_DECIDED:
                status = _classify(p, pol)
                if status != m.status:
                    _note(m, at=now, by=who, what=status, why=f"scored p={p:.3f} in run #{run.pk}")
                    m.status = status
                    newly.append(m)
                    same = False
            (rescored if same else updated).append(m)
        withdrawn = []
        for key, m in existing.items():
            if fresh is not None and str(key[0]) not in fresh and str(key[1]) not in fresh:
                continue  # not compared this time
            if key not in seen and m.status in (*LINKED, MatchStatus.QUEUED) and m.status != MatchStatus.ACCEPTED:
                _note(m, at=now, by=who, what=MatchStatus.WITHDRAWN,
                      why=f"scored below the review threshold in run #{run.pk}")
                m.status = MatchStatus.WITHDRAWN
                withdrawn.append(m)
        rows.insert(RecordMatch, created)
        queued = list(RecordMatch.objects.filter(run=run, status=MatchStatus.QUEUED))  # only new pairs have run yet
        RecordMatch.objects.bulk_update(updated + withdrawn, ["probability", "match_weight", "evidence", "run",
                                                              "scored_at", "status", "history"], batch_size=1000)
        same = [m.pk for m in rescored]  # only the run and the time move: one UPDATE per chunk, not a CASE each
        for chunk in rows.chunks(same):
            RecordMatch.objects.filter(pk__in=chunk).update(run=run, scored_at=now)
        _remember(digests, fresh)
        count, changed = identities.recompute()
        run.finished_at = clock.now()
        run.pairs_scored = len(scored.pairs)
        run.auto_linked = RecordMatch.objects.filter(status=MatchStatus.LINKED_AUTO).count()
        run.queued = RecordMatch.objects.filter(status=MatchStatus.QUEUED).count()
        run.withdrawn = len(withdrawn)
        run.identities = count
        run.seconds = round((run.finished_at - started).total_seconds(), 2)
        run.save()
        touched = ({m.left_id for m in newly + withdrawn} | {m.right_id for m in newly + withdrawn}
                   | {r["left_id"] for r in created} | {r["right_id"] for r in created})
        access_log.record(actor=actor, operation="combination", record_type="linkage_run", record_ids=str(run.pk),
                          justification=PURPOSE,
                          detail=f"{scored.people} records ({scored.parameters} parameters"
                                 + (f"; incremental: {len(fresh)} new or changed compared" if fresh is not None else "")
                                 + f"); {run.auto_linked} "
                                 f"linked automatically, {run.queued} awaiting review, {len(withdrawn)} withdrawn; "
                                 f"{count} identities")
        if touched:
            refs = _refs(touched)
            access_log.record(actor=actor, operation="combination", record_type="person", record_ids=refs,
                              justification=PURPOSE, detail=f"record linkage run #{run.pk}: linked or queued")
        _hand_over_reviews(run, queued + updated + rescored, withdrawn, actor)  # a new pair has no task to clear
        _announce(changed, as_of or clock.today(), actor)
    return run


def _remember(digests: dict[str, str], fresh: set[str] | None) -> None:
    """What each compared record looked like, for the next incremental run."""
    if fresh is None:
        ComparedRecord.objects.all().delete()
        rows.insert(ComparedRecord, [{"person_id": int(p), "digest": d} for p, d in digests.items()])
        return
    ids = [int(p) for p in fresh]
    for chunk in rows.chunks(ids):
        ComparedRecord.objects.filter(person_id__in=chunk).delete()
    rows.insert(ComparedRecord, [{"person_id": int(p), "digest": digests[p]} for p in fresh])


def _hand_over_reviews(run: LinkRun, scored: list[RecordMatch], withdrawn: list[RecordMatch], actor) -> None:
    """Pairs newly awaiting review become their team's tasks; pairs no longer awaiting it clear theirs."""
    reviews.hand_over([m for m in scored if m.status == MatchStatus.QUEUED], actor=actor)
    linked = [m.pk for m in scored if m.status == MatchStatus.LINKED_AUTO]
    if linked:
        reviews.clear(linked, outcome=f"cleared by linkage run #{run.pk}: the pair was linked automatically",
                      actor=actor)
    if withdrawn:
        reviews.clear([m.pk for m in withdrawn], actor=actor,
                      outcome=f"cleared by linkage run #{run.pk}: the pair now scores below the review threshold")


def _refs(pks: set[int]) -> list[str]:
    ids = sorted(pks)
    out = []
    for chunk in rows.chunks(ids):
        out.extend(Person.objects.filter(pk__in=chunk).values_list("ref", flat=True))
    return sorted(out)


def _announce(changed: set[int], as_of: dt.date, actor) -> None:
    if changed:  # inside the same transaction: a link and what it sets off commit together
        identities_changed.send(sender=RecordMatch, person_pks=set(changed), as_of=as_of, actor=actor)


ALLOWED = {
    "accept": (MatchStatus.QUEUED, MatchStatus.REJECTED, MatchStatus.UNDONE, MatchStatus.WITHDRAWN),
    "reject": (MatchStatus.QUEUED, MatchStatus.WITHDRAWN),
    "undo": LINKED,
}
RESULT = {"accept": MatchStatus.ACCEPTED, "reject": MatchStatus.REJECTED, "undo": MatchStatus.UNDONE}


def allowed_decisions(match: RecordMatch) -> tuple[str, ...]:
    return tuple(d for d, states in ALLOWED.items() if match.status in states)


@transaction.atomic
def decide(*, actor, match: RecordMatch, decision: str, rationale: str, at: dt.datetime,
           as_of: dt.date) -> RecordMatch:
    """A reviewer accepts or rejects a queued pair, or undoes a link; logged as a combination."""
    if decision not in ALLOWED:
        raise InputError(f"decision: {decision!r} is not one of accept, reject, undo")
    match = RecordMatch.objects.select_for_update().get(pk=match.pk)
    if match.status not in ALLOWED[decision]:
        raise InputError(f"this pair is '{match.get_status_display().lower()}': it cannot be {decision}ed now"
                         if decision != "undo" else "this pair is not linked: there is nothing to undo")
    rationale = (rationale or "").strip()
    if len(rationale) < 10:
        raise InputError("rationale: write at least 10 characters")
    who = access_log.actor_names(actor)[0]
    match.status = RESULT[decision]
    match.decided_by, match.decided_officer, match.decided_at, match.rationale = who, officer_of(actor), at, rationale
    _note(match, at=at, by=who, what=match.status, why=rationale)
    match.save()
    _, changed = identities.recompute()
    refs = list(Person.objects.filter(pk__in=[match.left_id, match.right_id]).values_list("ref", flat=True))
    access_log.record(actor=actor, operation="combination", record_type="person", record_ids=sorted(refs),
                      justification=PURPOSE, detail=f"match #{match.pk} {match.status} by a reviewer")
    by = match.decided_officer.titled if match.decided_officer else who
    reviews.clear([match.pk], actor=actor, outcome=f"the pair was {match.status} by {by}: {rationale}")
    _announce(changed | {match.left_id, match.right_id}, as_of, actor)
    return match
