"""Review triggers: events that bring a subject's risk review forward (domain-rules §1).

Other modules call ``record_trigger`` (missing children: ``missing_child_link``). It is idempotent for the
same (subject, trigger, source), so a module may call it on every run.
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
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
