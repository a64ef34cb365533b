"""Break-glass: a reason entered before a record outside one's own work opens; reviewed by professional
standards."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError
from vigil.core.models import BreakGlass

LIFETIME = dt.timedelta(hours=1)


@transaction.atomic
def open_break_glass(*, user, record_type: str, record_id: str, reason_code: str, reason_text: str) -> BreakGlass:
    if reason_code not in BreakGlass.Reason.values:
        raise InputError(f"{reason_code!r} is not a break-glass reason")
    if len((reason_text or "").strip()) < 15:
        raise InputError("explain the reason in at least 15 characters")
    now = clock.now()
    bg = BreakGlass.objects.create(user=user, record_type=record_type, record_id=record_id, reason_code=reason_code,
                                   reason_text=reason_text.strip(), at=now, expires_at=now + LIFETIME)
    access_log.record(actor=user, operation="consultation", record_type=record_type, record_ids=record_id,
                      justification=f"break-glass #{bg.pk} ({reason_code}): {bg.reason_text}",
                      detail="break-glass justification entered; flagged for professional-standards review")
    return bg


@transaction.atomic
def review_break_glass(*, reviewer, break_glass_id: int, outcome: str, note: str) -> BreakGlass:
    if outcome not in ("justified", "referred"):
        raise InputError("the outcome is 'justified' or 'referred'")
    bg = BreakGlass.objects.select_for_update().filter(pk=break_glass_id, reviewed_at=None).first()
    if bg is None:
        raise InputError("that break-glass has already been reviewed or does not exist")
    if bg.user_id == reviewer.pk:
        raise InputError("nobody reviews their own break-glass")
    bg.reviewed_by, bg.reviewed_at, bg.review_outcome, bg.review_note = reviewer, clock.now(), outcome, note.strip()
    bg.save()
    access_log.record(actor=reviewer, operation="consultation", record_type="break_glass", record_ids=str(bg.pk),
                      justification="professional-standards review of a break-glass", detail=f"outcome {outcome}")
    return bg
