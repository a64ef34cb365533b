"""Deny by default: what an officer may see or change is the union of registered *grants*, less any *denials*.

This is NetBox's ``RestrictedQuerySet.restrict(user, action)`` pattern. Each module registers, for its own
models, which records fall within an officer's work (``@grant``), and professional standards registers what a
restricted officer must never see (``@deny``). A model with no grant shows nothing to anyone.

A record outside the grants can still be opened with a break-glass justification (see ``access``); a record
under a denial cannot, and the refused attempt is logged.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db import models
from django.db.models import Q

Grant = Callable[["object"], Q | None]  # officer -> Q (None: grants nothing)

_grants: dict[tuple[str, str], list[Grant]] = defaultdict(list)
_denials: dict[tuple[str, str], list[Grant]] = defaultdict(list)


def _key(model, action: str) -> tuple[str, str]:
    return (model._meta.label_lower if not isinstance(model, str) else model.lower(), action)


def grant(model, action: str = "view"):
    """Register ``fn(officer) -> Q`` of the records of ``model`` that are part of the officer's work."""
    def register(fn: Grant) -> Grant:
        _grants[_key(model, action)].append(fn)
        return fn
    return register


PS_RESTRICTION = "a professional-standards restriction prevents access to this record"


def deny(model, action: str = "view", reason: str = PS_RESTRICTION):
    """Register ``fn(officer) -> Q | None`` of records the officer must never reach, even by break-glass;
    ``reason`` is what a refusal says (and logs), so it names the restriction that applied."""
    def register(fn: Grant) -> Grant:
        _denials[_key(model, action)].append(fn)
        _reasons[fn] = reason
        return fn
    return register


_reasons: dict[Grant, str] = {}


def refusal(records, officer, action: str = "view") -> str:
    """Why a denial keeps ``records`` (a queryset, usually one record) from the officer; '' when none does."""
    for fn in _denials[_key(records.model, action)]:
        q = fn(officer)
        if q is not None and records.filter(q).exists():
            return _reasons.get(fn, PS_RESTRICTION)
    return ""


def officer_of(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "officer", None)


def grant_q(model, officer, action: str = "view") -> Q | None:
    q: Q | None = None
    for fn in _grants[_key(model, action)]:
        part = fn(officer)
        if part is not None:
            q = part if q is None else (q | part)
    return q


def denial_q(model, officer, action: str = "view") -> Q | None:
    q: Q | None = None
    for fn in _denials[_key(model, action)]:
        part = fn(officer)
        if part is not None:
            q = part if q is None else (q | part)
    return q


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the records within the user's work, less any denied to them."""
        officer = officer_of(user)
        if officer is None:
            return self.none()
        q = grant_q(self.model, officer, action)
        if q is None:
            return self.none()
        qs = self.filter(q)
        dq = denial_q(self.model, officer, action)
        return qs.exclude(dq) if dq is not None else qs

    def denied_to(self, user, action: str = "view"):
        """The records a denial keeps from this user (for refusing and logging, never for showing)."""
        officer = officer_of(user)
        if officer is None:
            return self.all()
        dq = denial_q(self.model, officer, action)
        return self.filter(dq) if dq is not None else self.none()


OWN_WORK = "own or team work"

# record type -> (model label, field holding the reference): what a break-glass may name (see ``record_model``).
_record_types: dict[str, tuple[str, str]] = {}


def record_type(name: str, model: str, ref_field: str = "ref") -> None:
    """Register a kind of record that can be opened (and broken glass for) by its reference."""
    _record_types[name] = (model, ref_field)


def record_exists(name: str, ref: str) -> bool:
    """Does a record of this registered type exist? ('search' names a query, not a record: always true.)"""
    from django.apps import apps

    if name == "search":
        return True
    if name not in _record_types:
        return False
    model, field = _record_types[name]
    return apps.get_model(model)._default_manager.filter(**{field: ref}).exists()


@dataclass(frozen=True)
class Access:
    allowed: bool
    justification: str = ""
    needs_break_glass: bool = False
    refused_reason: str = ""
    under: tuple[str, str] = ("", "")  # the (record type, reference) whose scope decided, e.g. an escalation's subject


def access(user, obj, *, action: str = "view", record_type: str, record_id: str) -> Access:
    """May ``user`` open ``obj``? Own work → yes; denied → never; otherwise only with a live break-glass."""
    from vigil.core import clock
    from vigil.core.models import BreakGlass

    officer = officer_of(user)
    if officer is None:
        return Access(False, refused_reason="no officer record for this account")
    manager = type(obj)._default_manager
    refused = refusal(manager.filter(pk=obj.pk), officer, action)
    if refused:
        return Access(False, refused_reason=refused)
    if manager.filter(pk=obj.pk).restrict(user, action).exists():
        return Access(True, justification=OWN_WORK)
    bg = (BreakGlass.objects.filter(user=user, record_type=record_type, record_id=record_id,
                                    expires_at__gt=clock.now()).order_by("-at").first())
    if bg:
        return Access(True, justification=bg.justification())
    return Access(False, needs_break_glass=True)


def open_record(actor, queryset, ref: str, *, record_type: str, purpose: str, lookup: str = "ref",
                under: Callable[[object], tuple[object, str, str]] | None = None,
                break_glass: bool = True) -> tuple[object | None, Access]:
    """The one way to open a record under scope: find it, decide (own work; denied, never; outside the work, only
    under a live break-glass) and log the consultation or the refused attempt. Every page and API that opens a
    record by its reference calls this; ``web/actions.opened`` and ``core/api.opened`` turn the answer into a
    response.

    ``under(record)`` names the record whose scope governs it, as (record, record type, reference): an escalation
    opens under its subject. ``break_glass=False``: outside the work is refused, never broken into (a
    professional-standards case)."""
    from vigil.core import access_log

    found = queryset.filter(**{lookup: ref}).first()
    if found is None:
        return None, Access(False, refused_reason=f"no such {record_type.replace('_', ' ')}")
    governing, gov_type, gov_ref = under(found) if under else (found, record_type, str(ref))
    decision = access(actor, governing, record_type=gov_type, record_id=gov_ref)
    decision = replace(decision, under=(gov_type, gov_ref))
    if decision.needs_break_glass and not break_glass:
        decision = Access(False, refused_reason="this record is not part of your work", under=(gov_type, gov_ref))
    if decision.allowed:
        access_log.record(actor=actor, operation="consultation", record_type=gov_type, record_ids=gov_ref,
                          justification=decision.justification, detail=purpose)
        found.shown_under = decision.justification  # what the page's other contents are shown under
    elif decision.refused_reason:
        access_log.record(actor=actor, operation="consultation", record_type=gov_type, record_ids=gov_ref,
                          justification="refused: " + decision.refused_reason, outcome="refused",
                          detail=f"attempt: {purpose}")
    return found, decision


def change_justification(actor, obj, *, record_type: str, record_id: str, own_work: str = OWN_WORK) -> str:
    """Why ``actor`` may change ``obj``, for the access log; raises AccessDenied when they may not.

    Break-glass opens a record to *read*. A change outside one's own work needs a break-glass given for a
    change, and the log names it; a restriction refuses a change as it refuses a read. A system actor (a
    command, the sweep) acts under the caller's stated purpose, ``own_work``.
    """
    from vigil.core import clock
    from vigil.core.errors import AccessDenied
    from vigil.core.models import BreakGlass

    if isinstance(actor, str):
        return own_work
    if officer_of(actor) is None:
        raise AccessDenied("no officer record for this account")
    manager = type(obj)._default_manager
    refused = refusal(manager.filter(pk=obj.pk), officer_of(actor))
    if refused:
        raise AccessDenied(refused)
    if manager.filter(pk=obj.pk).restrict(actor).exists():
        return own_work
    bg = (BreakGlass.objects.filter(user=actor, record_type=record_type, record_id=record_id,
                                    purpose=BreakGlass.Purpose.CHANGE, expires_at__gt=clock.now())
          .order_by("-at").first())
    if bg is None:
        raise AccessDenied("this record is outside your own work: a break-glass opens it to read only; to change "
                           "it, give a break-glass justification for a change first")
    return bg.justification()
