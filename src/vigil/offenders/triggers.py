"""Review triggers: events that bring a subject's risk review forward (domain-rules §1).

A trigger is dated by when it happened in the world (the day a child was found), never by when Vigil noticed it
(docs/adr/0015-event-time.md). Other modules call ``record_trigger`` for one event, or ``sync_triggers`` to bring
a whole source's triggers into line with the evidence (missing children: ``missing_child_link``, one per episode and
subject): a trigger whose evidence has gone is withdrawn, one whose date was corrected moves with it. Both are
idempotent for the same (subject, trigger, source), so a module may call them on every run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
from vigil.core.rows import LISTED, plain_rows
from vigil.offenders.models import ReviewTrigger, Subject, Trigger

TRIGGERS = tuple(Trigger.values)


def record_trigger(*, subject: Subject, trigger: str, on: dt.date, reason: str, source: str,
                   actor=None) -> ReviewTrigger:
    """Record that ``trigger`` happened on ``on``: the review is then due within 14 days of it (policy
    ``assessments.trigger_review_days``) unless an assessment approved after it already covers it."""
    if trigger not in TRIGGERS:
        raise InputError(f"{trigger!r} is not a review trigger (one of {', '.join(TRIGGERS)})")
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise InputError("a trigger needs the date it happened")
    if not (reason or "").strip():
        raise InputError("a trigger needs a reason a person can check")
    if not (source or "").strip():
        raise InputError("a trigger needs its source")
    source = source.strip()[:200]
    existing = ReviewTrigger.objects.filter(subject=subject, trigger=trigger, source=source).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            t = ReviewTrigger.objects.create(subject=subject, trigger=trigger, on=on, reason=reason.strip(),
                                             source=source, recorded_at=clock.now())
            access_log.record(actor=actor or f"system:{source}", operation="alteration", record_type="subject",
                              record_ids=subject.ref, justification="statutory public-protection duty: risk review",
                              detail=f"review trigger {trigger} on {on.isoformat()} recorded")
    except IntegrityError:  # a concurrent caller recorded the same trigger first
        return ReviewTrigger.objects.get(subject=subject, trigger=trigger, source=source)
    return t


def sync_triggers(*, trigger: str, wanted: Mapping[tuple[int, str], tuple[dt.date, str]], sources: Iterable[str],
                  actor: str) -> dict[str, int]:
    """Bring the ``trigger`` triggers of ``sources`` into line with ``wanted`` ({(subject pk, source): (event date,
    reason)}): create those missing, move those whose event date was corrected, withdraw those no longer wanted.
    Set-based (a few queries whatever the number); each change is in the access log."""
    sources = set(sources) | {source for _, source in wanted}
    if not sources:
        return {"recorded": 0, "moved": 0, "withdrawn": 0}
    # Read as plain rows; a daily sweep names every returned child's episode (thousands of sources), so then the
    # trigger's rows are read whole and matched here rather than through an IN list of every source.
    qs = ReviewTrigger.objects.filter(trigger=trigger)
    if len(sources) <= LISTED:
        qs = qs.filter(source__in=sources)
    existing = {(sid, source): ReviewTrigger(pk=pk, subject_id=sid, source=source, on=on)
                for pk, sid, source, on in plain_rows(qs.values_list("pk", "subject_id", "source", "on"), (3,))
                if source in sources}
    new, moved = [], []
    for key, (on, reason) in wanted.items():
        t = existing.pop(key, None)
        if t is None:
            new.append(ReviewTrigger(subject_id=key[0], trigger=trigger, on=on, reason=reason.strip(),
                                     source=key[1][:200], recorded_at=clock.now()))
        elif t.on != on:
            t.on, t.reason = on, reason.strip()
            moved.append(t)
    gone = list(existing.values())
    if not (new or moved or gone):
        return {"recorded": 0, "moved": 0, "withdrawn": 0}
    ReviewTrigger.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    ReviewTrigger.objects.bulk_update(moved, ["on", "reason"], batch_size=2000)
    if gone:
        ReviewTrigger.objects.filter(pk__in=[t.pk for t in gone]).delete()
    refs = dict(Subject.objects.filter(pk__in={k[0] for k in wanted} | {t.subject_id for t in gone})
                .values_list("pk", "ref"))
    for what, items in (("recorded", [(t.subject_id, t.source, t.on) for t in new]),
                        ("moved to the day it happened", [(t.subject_id, t.source, t.on) for t in moved]),
                        ("withdrawn: its evidence no longer holds", [(t.subject_id, t.source, t.on) for t in gone])):
        if items:
            access_log.record(actor=actor, operation="alteration", record_type="subject",
                              record_ids=sorted({refs.get(sid, str(sid)) for sid, _, _ in items}),
                              justification="statutory public-protection duty: risk review",
                              detail=f"{len(items)} review trigger(s) {trigger} {what} ("
                                     + ", ".join(f"{src} on {on.isoformat()}" for _, src, on in items[:20])
                                     + (" …" if len(items) > 20 else "") + ")")
    return {"recorded": len(new), "moved": len(moved), "withdrawn": len(gone)}
