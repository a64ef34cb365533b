"""The s.62 access log: every consultation, change, disclosure and combination of personal data.

One function writes it (``record``); one reads it back for checking (``verify``). Entries are chained: each
entry's hash is an HMAC, under a key held outside the database, of the previous hash and the entry's fields, so
an edited, inserted or deleted row is found by ``vigil audit verify``, and without the key nobody can recompute
the chain. The chain's head is checkpointed outside the database (``log_anchor``), so cutting the newest entries
off, or replacing the whole log, is found too. The log never holds the personal data itself, only which record,
who, when and why.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from vigil.core import clock, log_anchor
from vigil.core.models import AccessLogEntry, Operation
from vigil.core.rows import insert as insert_rows

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x5649_4731  # "VIG1": serialises appends on PostgreSQL
_local_lock = threading.Lock()  # serialises appends inside one process (SQLite)

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("vigil_request_id", default="")
_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("vigil_access_log_pending", default=None)


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _fields(e) -> dict:
    at = e["at"] if isinstance(e, dict) else e.at
    get = (lambda k: e.get(k, "")) if isinstance(e, dict) else (lambda k: getattr(e, k))
    fields = {
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
    if get("key_id"):  # entries from before keyed hashing have none, and were hashed without it
        fields["key_id"] = get("key_id")
    return fields


def entry_hash(prev_hash: str, fields: dict, key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key``; plain SHA-256 only for the unkeyed entries written before keys existed."""
    message = prev_hash + _canonical(fields)
    if key is None:
        return hashlib.sha256(message.encode("utf-8")).hexdigest()
    return log_anchor.sign(key, message)


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
    pending = _pending.get()
    if pending is not None and not connection.in_atomic_block:
        pending.append((base, ids))  # appended with the request's others when it ends, before anything is sent
    else:
        _append([(base, ids)])
    return len(ids)


def _append(items: list[tuple[dict, list]]) -> None:
    """Chain and write entries: one lock and one statement for all of them."""
    ring = log_anchor.keyring()
    key = ring.keys[ring.current]
    with _local_lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AccessLogEntry.objects.order_by("-id").values("entry_hash", "key_id").first()
        prev = last["entry_hash"] if last else GENESIS
        rows = []
        if last and last["key_id"] != ring.current:  # a change of signing key is itself in the chain
            base = items[0][0]
            rotation = dict(base, operation="alteration", outcome="allowed", actor="system:vigil", actor_officer="",
                            record_type="access_log", record_id="signing-key", recipients=[],
                            justification="integrity of the s.62 access log",
                            detail=f"signing key changed from {last['key_id'] or 'none (unkeyed entries)'} "
                                   f"to {ring.current}", key_id=ring.current)
            h = entry_hash(prev, _fields(rotation), key)
            rows.append(dict(rotation, prev_hash=prev, entry_hash=h))
            prev = h
        for base, ids in items:
            for rid in ids:
                fields = dict(base, record_id=str(rid)[:128], key_id=ring.current)
                h = entry_hash(prev, _fields(fields), key)
                rows.append(dict(fields, prev_hash=prev, entry_hash=h))
                prev = h
        insert_rows(AccessLogEntry, rows)
        if log_anchor.checkpoint_due():
            checkpoint_on_commit()


@contextlib.contextmanager
def one_append_per_request():
    """While a request runs, what it consults outside any transaction is kept and appended in one go when the view
    has answered, before the answer is sent (RequestIdMiddleware): one lock and one commit per page instead of one
    per panel, which under load on PostgreSQL queued every page behind every other. What is recorded inside a
    transaction (a change and its entry) is appended there and then, so the two commit together. If the append
    fails, the answer is an error and nothing consulted is shown."""
    token = _pending.set([])
    try:
        yield
    finally:
        items = _pending.get()
        _pending.reset(token)
        if items:
            _append(items)


def checkpoint() -> log_anchor.Checkpoint | None:
    """Write the chain's committed head to the witness (``vigil audit checkpoint``, every sweep, every few
    minutes while the log is written). None when the log is empty."""
    last = AccessLogEntry.objects.order_by("-id").values("id", "entry_hash").first()
    if last is None:
        return None
    return log_anchor.write_checkpoint(last["id"], last["entry_hash"],
                                       clock.now().astimezone(clock.dt.UTC).isoformat(timespec="seconds"))


def checkpoint_on_commit() -> None:
    """Checkpoint once the current transaction commits (a witness that cannot be written is logged as an
    error and never fails the work that committed; ``vigil audit verify`` then reports the gap)."""
    transaction.on_commit(_checkpoint_quietly)


def _checkpoint_quietly() -> None:
    try:
        checkpoint()
    except Exception:  # a witness that cannot be written must not fail the user's request; verify will say so
        import logging
        logging.getLogger("vigil").exception("access-log checkpoint could not be written")


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    problem: str = ""
    checkpoint: log_anchor.Checkpoint | None = None  # the newest checkpoint the log was checked against
    warning: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None and not self.problem


_COLS = ["id", "prev_hash", "entry_hash", "at", "operation", "outcome", "actor", "actor_officer", "record_type",
         "record_id", "justification", "recipients", "detail", "request_id", "key_id"]


def verify(progress=None, since: int | None = None) -> VerifyResult:
    """Walk the chain in order and check it against the newest checkpoint.

    Reports the first entry whose link, key or content does not match; a checkpoint whose entry is gone or
    changed (the newest entries, or all of them, deleted; the log replaced); or a forged checkpoint. ``since``
    starts from checkpoint number ``since`` instead of the first entry (a quicker, regular check).
    """
    ring = log_anchor.keyring()
    marks = log_anchor.checkpoints(ring)
    forged = next((c for c in marks if not c.genuine), None)
    if forged is not None:
        return VerifyResult(0, problem=f"witness line {forged.number} is not a genuine checkpoint "
                                       "(its signature does not match any key held)")
    latest = marks[-1] if marks else None
    prev, keyed, start_after, checked = GENESIS, False, 0, 0
    qs = AccessLogEntry.objects.order_by("id")
    if since is not None:
        base = next((c for c in marks if c.number == since), None)
        if base is None:
            return VerifyResult(0, problem=f"there is no checkpoint {since} in the witness")
        row = AccessLogEntry.objects.filter(pk=base.last_id).values("entry_hash", "key_id").first()
        if row is None or row["entry_hash"] != base.head:
            return VerifyResult(0, base.last_id, f"the entry that {base.describe()} recorded is "
                                f"{'gone' if row is None else 'changed'} (entries were deleted or rewritten)",
                                latest)
        prev, keyed, start_after = base.head, bool(row["key_id"]), base.last_id
        qs = qs.filter(id__gt=start_after)
    seen_at_mark = None
    last_id = start_after
    for row in qs.values(*_COLS).iterator(chunk_size=5000):
        if row["prev_hash"] != prev:
            return VerifyResult(checked, row["id"], "its link to the entry before does not match "
                                "(an entry before it was deleted or altered)", latest)
        if row["key_id"]:
            key = ring.key(row["key_id"])
            if key is None:
                return VerifyResult(checked, row["id"], f"it is signed with key {row['key_id']!r}, which this "
                                    "installation does not hold (a forged entry, or a key file that lost a key)",
                                    latest)
            keyed = True
        elif keyed:
            return VerifyResult(checked, row["id"], "it is unsigned, after signed entries (a forged entry)", latest)
        else:
            key = None
        if not hmac.compare_digest(entry_hash(prev, _fields(row), key), row["entry_hash"]):
            return VerifyResult(checked, row["id"], "its content does not match its hash (the entry was altered, "
                                "or written without the key)", latest)
        if latest is not None and row["id"] == latest.last_id:
            seen_at_mark = row["entry_hash"]
        prev = row["entry_hash"]
        last_id = row["id"]
        checked += 1
        if progress and checked % 5000 == 0:
            progress(checked)
    if latest is None:
        return VerifyResult(checked, warning="no checkpoint in the witness yet: the chain is intact, but a cut "
                            "at its end could not be seen (run 'vigil audit checkpoint')")
    if latest.last_id > start_after and seen_at_mark != latest.head:
        if last_id < latest.last_id:
            problem = (f"the log ends at entry {last_id or 'none'} but {latest.describe()} recorded a later one: "
                       "the newest entries were deleted")
        else:
            problem = (f"entry {latest.last_id}, which {latest.describe()} recorded, is missing or changed: "
                       "entries were deleted or the log was replaced")
        return VerifyResult(checked, latest.last_id, problem, latest)
    return VerifyResult(checked, checkpoint=latest)


def consulted(actor, record_type: str, refs: Iterable[str] | str, justification: str, detail: str = "") -> int:
    """Log that a page, panel, list, export or API response showed these records: one call per page (and record
    type) with the references it shows, blanks and repeats dropped. Returns how many entries were written.

    ``justification`` must be true of every record listed: "own or team work" only for a list restricted to the
    actor's work; otherwise the purpose of the role that reads it (e.g. "assurance (inspector)")."""
    ids = [refs] if isinstance(refs, str) else [str(r) for r in dict.fromkeys(refs) if r]
    if not ids:
        return 0
    return record(actor=actor, operation="consultation", record_type=record_type, record_ids=ids,
                  justification=justification, detail=detail)
