"""The sweep: run every rule set for an as-of date, then bring the alert table into line with the findings.

Idempotent: the same date twice gives the same alerts. An alert whose cause has gone is closed; one found again
is updated in place (its ``since`` and ``opened_as_of`` are kept).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json

from django.conf import settings
from django.db import connection, transaction

from vigil.core import access_log, policy, rows
from vigil.sweep.models import SEVERITY_RANK, Alert
from vigil.sweep.registry import Finding, SweepContext, rule_sets


def evaluate(as_of: dt.date, pol=None, progress=None, read_ahead: bool = False) -> tuple[list[Finding], set[str]]:
    """Every rule set's findings as of ``as_of``. ``read_ahead``: rule sets may read committed facts ahead on other
    connections while earlier ones run (only when nothing uncommitted could be missed: ``run_sweep`` decides)."""
    ctx = SweepContext(as_of=as_of, policy=pol or policy.current(), read_ahead=read_ahead)
    findings: dict[tuple, Finding] = {}
    codes: set[str] = set()
    sets = rule_sets()
    for rs in sets:
        if rs.prepare is not None:
            rs.prepare(ctx)
    for rs in sets:
        codes.update(rs.codes)
        for f in rs.fn(ctx):
            if f.code not in rs.codes:
                raise ValueError(f"rule set {rs.name!r} found {f.code!r}, which it does not own in the catalogue")
            findings[f.key()] = f  # a later finding for the same cause wins
        if progress:
            progress(rs.name)
    return list(findings.values()), codes


@transaction.atomic
def reconcile(as_of: dt.date, findings: list[Finding], codes: set[str], *,
              entities: tuple[str, set[str]] | None = None, cleared_by: str = "") -> dict[str, int]:
    """Bring the open alerts of ``codes`` into line with ``findings``. ``entities`` ((type, ids)) limits it to some
    records, re-judged after a write; ``cleared_by`` says what closed an alert (else the sweep of the day).
    Set-based: the open alerts are read as plain rows (a national sweep holds 20,000), the new ones written in
    one go, and each kind of change is one statement per chunk of ids."""
    qs = Alert.objects.filter(status="open", code__in=codes)
    if entities is not None:
        qs = qs.filter(entity_type=entities[0], entity_id__in=list(entities[1]))
    open_alerts = {(code, etype, eid): (pk, (severity, since, owner, _json(reasons), team))
                   for pk, code, etype, eid, severity, since, owner, reasons, team in rows.plain_rows(
                       qs.values_list("pk", "code", "entity_type", "entity_id", "severity", "since", "owner",
                                      "reasons", "team_id"), dates=(5,))}
    to_create, to_update, seen = [], [], []
    for f in findings:
        held = open_alerts.pop(f.key(), None)
        if held is None:
            to_create.append({"code": f.code, "severity": f.severity, "entity_type": f.entity_type,
                              "entity_id": f.entity_id, "since": f.since, "owner": f.owner or "",
                              "reasons": list(f.reasons), "team_id": f.team_id, "status": "open",
                              "opened_as_of": as_of, "last_seen_as_of": as_of})
            continue
        pk, before = held
        now = (f.severity, f.since, f.owner or "", list(f.reasons), f.team_id)
        if before == now:
            seen.append(pk)  # unchanged: only last_seen_as_of moves (one UPDATE per chunk, not a CASE each)
            continue
        to_update.append(Alert(pk=pk, severity=now[0], since=now[1], owner=now[2], reasons=now[3], team_id=now[4],
                               last_seen_as_of=as_of))
    rows.insert(Alert, to_create)
    Alert.objects.bulk_update(to_update, ["severity", "since", "owner", "reasons", "team", "last_seen_as_of"],
                              batch_size=2000)
    for chunk in rows.chunks(seen):
        Alert.objects.filter(pk__in=chunk).update(last_seen_as_of=as_of)
    stale = [pk for pk, _ in open_alerts.values()]
    for chunk in rows.chunks(stale):
        Alert.objects.filter(pk__in=chunk).update(
            status="closed", closed_as_of=as_of,
            closed_reason=(cleared_by or f"no longer found by the sweep of {as_of.isoformat()}")[:300])
    return {"opened": len(to_create), "updated": len(to_update) + len(seen), "closed": len(stale)}


def _json(value):
    """A JSON column read as plain SQL: text on SQLite (and from psycopg's text loader), as it is otherwise."""
    return json.loads(value) if isinstance(value, str) else value


_SWEEP_LOCK_KEY = 0x5649_4732  # "VIG2": one sweep at a time on PostgreSQL


@contextlib.contextmanager
def _one_sweep_at_a_time():
    """A second sweep waits for the first instead of failing. PostgreSQL: an advisory lock held by the sweep's
    transaction. SQLite (one machine by nature): a lock file beside the data, held while the sweep runs."""
    if connection.vendor != "sqlite":
        yield
        return
    path = settings.VAR_DIR / "sweep.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_sweep(as_of: dt.date, *, actor="system:sweep", progress=None) -> tuple[list[Finding], dict[str, int]]:
    """Evaluate and reconcile in one transaction: a sweep killed halfway leaves nothing of itself (no escalation
    without its alert), and concurrent sweeps run one after the other. Run outside any transaction (the daily
    sweep, ``vigil sweep``), it reads the facts no rule writes ahead (``core.rows.read_ahead``)."""
    ahead = rows.read_ahead_allowed()  # before the sweep's own transaction: is anything uncommitted already?
    with _one_sweep_at_a_time(), rows.cycles_collected_after(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_SWEEP_LOCK_KEY])
        findings, codes = evaluate(as_of, progress=progress, read_ahead=ahead)
        counts = reconcile(as_of, findings, codes)
        access_log.record(actor=actor, operation="consultation", record_type="sweep", record_ids=as_of.isoformat(),
                          justification="daily rule sweep (statutory public-protection duties)",
                          detail=f"{len(findings)} alert(s) open; {counts}")
        access_log.checkpoint_on_commit()  # every sweep anchors the log's head outside the database
    return sort_findings(findings), counts


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.code, f.entity_type, f.entity_id))


def open_alerts(owner: str | None = None) -> list[tuple[Finding, dt.date]]:
    """The open alerts as they stand, without sweeping: each as a finding with the as-of date it was last seen."""
    qs = Alert.objects.filter(status="open")
    if owner:
        qs = qs.filter(owner=owner)
    rows = [(Finding(a.code, a.severity, a.entity_type, a.entity_id, a.since, tuple(a.reasons), a.owner or None,
                     a.team_id), a.last_seen_as_of) for a in qs]
    order = {f.key(): i for i, f in enumerate(sort_findings([f for f, _ in rows]))}
    return sorted(rows, key=lambda r: order[r[0].key()])


def finding_json(f: Finding, as_of: dt.date) -> dict:
    return {"code": f.code, "severity": f.severity, "entity": {"type": f.entity_type, "id": f.entity_id},
            "as_of": as_of.isoformat(), "since": f.since.isoformat(), "owner": f.owner, "reasons": list(f.reasons)}


def finding_line(f: Finding) -> str:
    """One alert as a line for people (the sweep's and ``vigil alerts``' text output)."""
    owner = f" → {f.owner}" if f.owner else ""
    return f"[{f.severity.upper():8}] {f.code} {f.entity_type} {f.entity_id}{owner}: {'; '.join(f.reasons)}"
