"""Break-glass: a reason entered before a record outside one's own work opens; reviewed by professional
standards.

A break-glass opens one record to *read*. Changing a record outside one's own work needs a break-glass given
for a change (``purpose="change"``), whose reference the access log carries on every change it covers
(``scope.change_justification``). The reason is a code from a fixed list and a text that says something.
"""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from vigil.core import access_log, clock, scope
from vigil.core.errors import InputError
from vigil.core.models import BreakGlass

LIFETIME = dt.timedelta(hours=1)
_WORD = re.compile(r"[^\W\d_]{2,}")


def reason_problem(text: str) -> str | None:
    """Why a break-glass reason says nothing, or None. At least 15 characters, three words, and more than a
    repeated letter or two ('aaaaaaaaaaaaaaaa', 'asdf asdf asdf' say nothing)."""
    text = (text or "").strip()
    if len(text) < 15:
        return "explain the reason in at least 15 characters"
    words = _WORD.findall(text.lower())
    if len(words) < 3 or len(set("".join(words))) < 6 or len(set(words)) < 3:
        return "explain the reason in words: what happened, who asked, what you will do"
    return None


@transaction.atomic
def open_break_glass(*, user, record_type: str, record_id: str, reason_code: str, reason_text: str,
                     purpose: str = BreakGlass.Purpose.READ) -> BreakGlass:
    if reason_code not in BreakGlass.Reason.values:
        raise InputError(f"{reason_code!r} is not a break-glass reason")
    if purpose not in BreakGlass.Purpose.values:
        raise InputError(f"{purpose!r} is not a break-glass purpose (read or change)")
    problem = reason_problem(reason_text)
    if problem:
        raise InputError(problem)
    if not scope.record_exists(record_type, record_id):
        raise InputError(f"no such record: {record_type} {record_id}")
    now = clock.now()
    bg = BreakGlass.objects.create(user=user, record_type=record_type, record_id=record_id, reason_code=reason_code,
                                   reason_text=reason_text.strip(), purpose=purpose, at=now, expires_at=now + LIFETIME)
    to = "to change it" if purpose == BreakGlass.Purpose.CHANGE else "to read it"
    access_log.record(actor=user, operation="consultation", record_type=record_type, record_ids=record_id,
                      justification=bg.justification(),
                      detail=f"break-glass justification entered ({to}); flagged for professional-standards review")
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


def changes_made(break_glasses) -> dict[int, list]:
    """The changes each break-glass covered, from the access log (for professional standards' review)."""
    from django.db.models import Q

    from vigil.core.models import AccessLogEntry

    pks = [bg.pk for bg in break_glasses if bg.purpose == BreakGlass.Purpose.CHANGE]
    if not pks:
        return {}
    q = Q()
    for pk in pks:
        q |= Q(justification__startswith=f"break-glass #{pk} for a change ")
    out: dict[int, list] = {pk: [] for pk in pks}
    for e in AccessLogEntry.objects.filter(q).exclude(operation="consultation").order_by("id"):
        out[int(e.justification.split("#", 1)[1].split(" ", 1)[0])].append(e)
    return out
