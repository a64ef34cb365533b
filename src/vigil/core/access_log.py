"""The s.62 access log: every consultation, change, disclosure and combination of personal data.

One function writes it (``record``); one reads it back for checking (``verify``). Entries are chained by hash,
so an edited or deleted row is found by ``vigil audit verify``. The log never holds the personal data itself,
only which record, who, when and why.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from vigil.core import clock
from vigil.core.models import AccessLogEntry, Operation

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x5649_4731  # "VIG1": serialises appends on PostgreSQL
_local_lock = threading.Lock()  # serialises appends inside one process (SQLite)

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("vigil_request_id", default="")


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _fields(e) -> dict:
    at = e["at"] if isinstance(e, dict) else e.at
    get = (lambda k: e[k]) if isinstance(e, dict) else (lambda k: getattr(e, k))
    return {
        "at": at.astimezone(clock.dt.UTC).isoformat(timespec="microseconds"),
        "operation": get("operation"),
        "outcome": get("outcome"),
        "actor": get("actor"),
        "actor_officer": get("actor_officer"),
        "record_type": get("record_type"),
        "record_id": get("record_id"),
        "justification": get("justification"),
        "recipients": list(get("recipients") or []),
        "detail": get("detail"),
        "request_id": get("request_id"),
    }


def entry_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + _canonical(fields)).encode("utf-8")).hexdigest()


def actor_names(actor) -> tuple[str, str]:
    """(actor, officer id) for a user, an officer or a 'system:...' string."""
    if actor is None:
        return "anonymous", ""
    if isinstance(actor, str):
        return actor, ""
    officer = getattr(actor, "officer", None)
    if hasattr(actor, "rank") and hasattr(actor, "ref"):  # an Officer
        return (actor.user.username if actor.user_id else f"officer:{actor.ref}"), actor.ref
    return actor.get_username(), (officer.ref if officer is not None else "")


def record(
    *,
    actor,
    operation: str,
    record_type: str,
    record_ids: Iterable[str] | str,
    justification: str,
    recipients: Iterable[str] = (),
    detail: str = "",
    outcome: str = "allowed",
) -> int:
    """Append one entry per record id. Returns how many were written.

    Runs inside the caller's transaction when there is one, so a change and its log entry commit together.
    """
    if operation not in Operation.values:
        raise ValueError(f"unknown s.62 operation {operation!r}")
    if not justification:
        raise ValueError("an access-log entry needs a justification")
    ids = [record_ids] if isinstance(record_ids, str) else list(record_ids)
    if not ids:
        return 0
    who, officer_ref = actor_names(actor)
    at = clock.now()
    base = {
        "at": at,
        "operation": operation,
        "outcome": outcome,
        "actor": who[:150],
        "actor_officer": officer_ref,
        "record_type": record_type,
        "justification": justification,
        "recipients": list(recipients),
        "detail": detail,
        "request_id": current_request_id.get(),
    }
    with _local_lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AccessLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        prev = last or GENESIS
        rows = []
        for rid in ids:
            fields = dict(base, record_id=str(rid)[:128])
            h = entry_hash(prev, _fields(fields))
            rows.append(AccessLogEntry(**fields, prev_hash=prev, entry_hash=h))
            prev = h
        AccessLogEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify(progress=None) -> VerifyResult:
    """Walk the chain in order; report the first entry whose link or content does not match."""
    prev = GENESIS
    checked = 0
    cols = ["id", "prev_hash", "entry_hash", "at", "operation", "outcome", "actor", "actor_officer",
            "record_type", "record_id", "justification", "recipients", "detail", "request_id"]
    for row in AccessLogEntry.objects.order_by("id").values(*cols).iterator(chunk_size=5000):
        if row["prev_hash"] != prev:
            return VerifyResult(checked, row["id"], "its link to the entry before does not match "
                                "(an entry before it was deleted or altered)")
        if entry_hash(prev, _fields(row)) != row["entry_hash"]:
            return VerifyResult(checked, row["id"], "its content does not match its hash (the entry was altered)")
        prev = row["entry_hash"]
        checked += 1
        if progress and checked % 5000 == 0:
            progress(checked)
    return VerifyResult(checked)
