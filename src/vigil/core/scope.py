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
from dataclasses import dataclass

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


def deny(model, action: str = "view"):
    """Register ``fn(officer) -> Q | None`` of records the officer must never reach, even by break-glass."""
    def register(fn: Grant) -> Grant:
        _denials[_key(model, action)].append(fn)
        return fn
    return register


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


@dataclass(frozen=True)
class Access:
    allowed: bool
    justification: str = ""
    needs_break_glass: bool = False
    refused_reason: str = ""


def access(user, obj, *, action: str = "view", record_type: str, record_id: str) -> Access:
    """May ``user`` open ``obj``? Own work → yes; denied → never; otherwise only with a live break-glass."""
    from vigil.core import clock
    from vigil.core.models import BreakGlass

    officer = officer_of(user)
    if officer is None:
        return Access(False, refused_reason="no officer record for this account")
    manager = type(obj)._default_manager
    if manager.filter(pk=obj.pk).denied_to(user, action).exists():
        return Access(False, refused_reason="a professional-standards restriction prevents access to this record")
    if manager.filter(pk=obj.pk).restrict(user, action).exists():
        return Access(True, justification="own or team work")
    bg = (BreakGlass.objects.filter(user=user, record_type=record_type, record_id=record_id,
                                    expires_at__gt=clock.now()).order_by("-at").first())
    if bg:
        return Access(True, justification=f"break-glass #{bg.pk} ({bg.reason_code}): {bg.reason_text}")
    return Access(False, needs_break_glass=True)
