"""Professional-standards writes: open and close officer cases. A restriction follows from the case by rule; it
is never set or lifted by hand."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from vigil.accounts.models import Officer
from vigil.core import access_log
from vigil.core.errors import InputError
from vigil.standards.models import CaseCategory, CaseOutcome, OfficerCase

MIN_REASON = 15


def _rejudge(officer: Officer) -> None:
    """Cleared at once: a case that starts or ends a restriction re-judges the crimes the officer holds (a
    restricted officer allocated a covered crime) in the same transaction, through the sweep's rejudger for crimes.
    The alert names no case: "cleared by professional standards (a restriction changed)" is all it says of why."""
    from vigil.core import clock
    from vigil.investigations.models import Allocation
    from vigil.sweep.registry import rejudge

    held = Allocation.objects.filter(officer=officer, end__isnull=True).values_list("crime__ref", flat=True)
    rejudge("crime", held, clock.today(), cleared_by="cleared by professional standards (a restriction changed)")


def _next_ref() -> str:
    last = OfficerCase.objects.select_for_update().order_by("-pk").values_list("pk", flat=True).first() or 0
    ref = f"PS{last + 1:06d}"
    while OfficerCase.objects.filter(ref=ref).exists():
        last += 1
        ref = f"PS{last + 1:06d}"
    return ref


@transaction.atomic
def open_case(*, actor, officer_ref: str, category: str, opened: dt.date, summary: str = "",
              ref: str | None = None) -> OfficerCase:
    officer = Officer.objects.filter(ref=officer_ref).first()
    if officer is None:
        raise InputError(f"there is no officer {officer_ref!r}")
    if category not in CaseCategory.values:
        raise InputError(f"{category!r} is not a case category")
    if getattr(actor, "officer", None) is not None and actor.officer.pk == officer.pk:
        raise InputError("nobody opens a case about themselves")
    if ref is None:
        ref = _next_ref()
    elif OfficerCase.objects.filter(ref=ref).exists():
        raise InputError(f"a case {ref!r} already exists")
    case = OfficerCase.objects.create(ref=ref, officer=officer, category=category, opened=opened,
                                      summary=summary.strip(), recorded_by=actor)
    access_log.record(actor=actor, operation="collection", record_type="officer_case", record_ids=case.ref,
                      justification="professional-standards case opened",
                      detail=f"officer {officer.ref}, category {category}, opened {opened}")
    _rejudge(officer)
    return case


@transaction.atomic
def close_case(*, actor, case: OfficerCase, closed: dt.date, outcome: str, reason: str) -> OfficerCase:
    """Close a case with its outcome and why; the officer's restriction ends the day after."""
    case = OfficerCase.objects.select_for_update().get(pk=case.pk)
    if case.closed is not None:
        raise InputError(f"{case.ref} was already closed on {case.closed:%d %B %Y}")
    if closed < case.opened:
        raise InputError(f"a case opened on {case.opened:%d %B %Y} cannot close before then", field="closed")
    if outcome not in CaseOutcome.values:
        raise InputError(f"outcome: {outcome!r} is not an outcome of a conduct case", field="outcome")
    if len((reason or "").strip()) < MIN_REASON:
        raise InputError(f"reason: say why the case closes (at least {MIN_REASON} characters)", field="reason")
    case.closed, case.close_outcome, case.close_reason = closed, outcome, reason.strip()
    case.closed_by = actor if not isinstance(actor, str) else None
    case.save(update_fields=["closed", "close_outcome", "close_reason", "closed_by"])
    access_log.record(actor=actor, operation="alteration", record_type="officer_case", record_ids=case.ref,
                      justification="professional-standards case closed", detail=f"closed {closed}: {outcome}")
    _rejudge(case.officer)
    return case


@transaction.atomic
def reopen_case(*, actor, case: OfficerCase, on: dt.date, reason: str) -> OfficerCase:
    """Reopen a closed case, from ``on``, with why: a new case that names the closed one (ADR 0025). The closed
    case keeps its dates and outcome, so the days between stay without a restriction, as they were."""
    case = OfficerCase.objects.select_for_update().select_related("officer").get(pk=case.pk)
    if case.closed is None:
        raise InputError(f"{case.ref} is open: there is nothing to reopen")
    later = OfficerCase.objects.filter(reopens=case).values_list("ref", flat=True).first()
    if later:
        raise InputError(f"{case.ref} was reopened already, as {later}")
    if getattr(actor, "officer", None) is not None and actor.officer.pk == case.officer_id:
        raise InputError("nobody reopens a case about themselves")
    if on <= case.closed:
        raise InputError(f"a case closed on {case.closed:%d %B %Y} reopens on a later day", field="on")
    if len((reason or "").strip()) < MIN_REASON:
        raise InputError(f"reason: say why the case reopens (at least {MIN_REASON} characters)", field="reason")
    new = OfficerCase.objects.create(ref=_next_ref(), officer=case.officer, category=case.category, opened=on,
                                     summary=case.summary, recorded_by=actor, reopens=case,
                                     reopen_reason=reason.strip())
    access_log.record(actor=actor, operation="collection", record_type="officer_case", record_ids=new.ref,
                      justification="professional-standards case reopened",
                      detail=f"reopens {case.ref} from {on}")
    _rejudge(case.officer)
    return new
