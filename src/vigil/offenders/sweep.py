"""The offender-management rule set of ``vigil sweep`` (domain-rules §1): it loads facts and hands them over.

Set-based: a dozen aggregate queries read the facts for every subject (``offenders.facts.SubjectFacts``), the one
judgement of a subject (``offenders.rules.judgement.judge``) finds its concerns, and the escalations are brought into
line in bulk (opened, escalated up a rank for a missed deadline, closed by a successful visit or a pause). Nothing
reads a fact dated after the as-of date, so a past date gives the same alerts whenever it is swept. Running it twice
changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping

from django.db import transaction

from vigil.accounts.models import Officer, Team
from vigil.core import access_log, policy
from vigil.core.rows import read_ahead
from vigil.offenders import facts as offender_facts
from vigil.offenders.escalations import opened_event, plan_escalation
from vigil.offenders.facts import SubjectFacts, SubjectRow
from vigil.offenders.models import Escalation, EscalationEvent, Subject
from vigil.offenders.rules import announced, visits
from vigil.offenders.rules import escalations as esc_rules
from vigil.offenders.rules.judgement import ESCALATION_OWNER, Judgement, announced_severity, judge
from vigil.sweep.catalogue import default_severity
from vigil.sweep.registry import Finding, SweepContext, rejudger, rule_set

SWEEP = "sweep"
CLOSED_BY_VISIT = ("S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN", "VISIT_OVERDUE")


class EscalationBook:
    """Brings escalations into line with the conditions found, in bulk, and says who owns each."""

    def __init__(self, f: SubjectFacts, pol: Mapping, as_of: dt.date):
        self.f, self.pol, self.as_of = f, pol, as_of
        self.team_of = {r.pk: r.team_id for r in f.subjects}
        self.candidates = esc_rules.Candidates(offender_facts.owner_candidates(as_of))
        self.ranks = {c.pk: c.rank for c in self.candidates}
        self.load = offender_facts.open_escalation_load()
        self.by_key: dict[tuple[int, str], Escalation] = {}
        for e in f.escalations:
            key = (e.subject_id, e.kind)
            # prefer the one open on as_of; else the one open now (opened after as_of)
            if key not in self.by_key or (e.opened_on <= as_of and self.by_key[key].opened_on > as_of):
                self.by_key[key] = e
        self.opened: list[str] = []
        self.escalated: list[str] = []
        self.closed: list[str] = []

    def open_missing(self, wanted: dict[tuple[int, str], tuple[SubjectRow, visits.Condition, str]]) -> None:
        new = []
        for key, (row, cond, level) in wanted.items():
            if key in self.by_key:
                continue
            subject = Subject(pk=row.pk, ref=row.ref, team_id=row.team_id)
            subject.team = Team(pk=row.team_id, borough_id=self.f.team_boroughs.get(row.team_id))
            e = plan_escalation(subject=subject, kind=key[1], opened_on=self.as_of, since=cond.since,
                                reasons=list(cond.reasons), source=SWEEP, risk_level=level, pol=self.pol,
                                candidates=self.candidates, load=self.load)
            if e.owner_id:
                self.load[e.owner_id] = self.load.get(e.owner_id, 0) + 1
            new.append(e)
        if not new:
            return
        Escalation.objects.bulk_create(new, batch_size=2000)
        if any(e.pk is None for e in new):  # backends that do not return ids
            ids = {(e.subject_id, e.kind): e.pk for e in Escalation.objects.filter(
                closed_on__isnull=True, source=SWEEP, opened_on=self.as_of)}
            for e in new:
                e.pk = ids[(e.subject_id, e.kind)]
        EscalationEvent.objects.bulk_create([opened_event(e) for e in new], batch_size=2000)
        for e in new:
            self.by_key[(e.subject_id, e.kind)] = e
            self.opened.append(f"{e.subject.ref}:{e.kind}")

    def close_resolved(self, rows: dict[int, SubjectRow], paused_from: dict[int, dt.date]) -> None:
        """Close open escalations whose cause a successful visit or a recorded pause has removed."""
        to_close = []
        for e in self.by_key.values():
            if e.closed_on is not None or e.opened_on > self.as_of:
                continue
            success = self.f.last_success.get(e.subject_id)
            if e.kind in CLOSED_BY_VISIT and success is not None and success >= e.since:
                e.closed_on, e.close_reason = max(success, e.opened_on), f"successful home visit on {success}"
            elif e.kind != "CHILD_LINKED_TO_OFFENDER" and e.subject_id in paused_from:
                start = paused_from[e.subject_id]
                e.closed_on = max(start, e.opened_on)
                e.close_reason = f"subject recorded in {self._mode(e.subject_id)} from {start}"
            else:
                continue
            to_close.append(e)
        if not to_close:
            return
        Escalation.objects.bulk_update(to_close, ["closed_on", "close_reason"], batch_size=1000)
        EscalationEvent.objects.bulk_create([EscalationEvent(escalation=e, on=e.closed_on, what="closed",
                                                             detail=e.close_reason) for e in to_close])
        self.closed += [f"{rows[e.subject_id].ref if e.subject_id in rows else e.subject_id}:{e.kind}"
                        for e in to_close]

    def _mode(self, sid: int) -> str:
        return visits.mode_on(self.f.periods.get(sid, ()), self.as_of)

    def escalate_missed(self, levels: dict[int, str]) -> dict[int, list[tuple[Escalation, esc_rules.DeadlineState]]]:
        """Escalations open on as_of past their deadline with no decision: up a rank (once per missed deadline)."""
        overdue: dict[int, list] = defaultdict(list)
        changed = []
        for e in self.by_key.values():
            if e.opened_on > self.as_of or (e.closed_on is not None and e.closed_on <= self.as_of):
                continue
            period = esc_rules.deadline_days(self.pol, e.kind, levels.get(e.subject_id, "high"))
            state = esc_rules.deadline_state(opened_on=e.opened_on, period_days=period,
                                             decisions=self.f.decisions.get(e.pk, ()), as_of=self.as_of)
            if e.closed_on is None and (state.missed > e.level or state.deadline != e.deadline):
                team_id = self.team_of.get(e.subject_id) or Subject.objects.values_list(
                    "team_id", flat=True).get(pk=e.subject_id)
                while e.level < state.missed:
                    current = self.ranks.get(e.owner_id, esc_rules.owner_rank(self.pol, e.kind))
                    up = esc_rules.escalate_rank(current, esc_rules.owner_rank(self.pol, e.kind))
                    owner = esc_rules.choose_owner(self.candidates, min_rank=up, team_id=team_id,
                                                   borough_id=self.f.team_boroughs.get(team_id)) if up else None
                    e.level += 1
                    if owner is not None and owner.pk != e.owner_id:
                        e.owner_id = owner.pk
                        self.escalated.append(f"{e.subject_id}:{e.kind}")
                        e._events = [*getattr(e, "_events", []), EscalationEvent(
                            escalation=e, on=self.as_of, what="escalated", officer_id=e.owner_id,
                            detail=f"no decision by the deadline; escalated to {owner.rank} {owner.ref}")]
                e.deadline = state.deadline
                changed.append(e)
            if state.overdue_since is not None:
                overdue[e.subject_id].append((e, state))
        if changed:
            Escalation.objects.bulk_update(changed, ["level", "owner", "deadline"], batch_size=1000)
            EscalationEvent.objects.bulk_create([ev for e in changed for ev in getattr(e, "_events", [])])
        return overdue

    def owner_ref(self, sid: int, kind: str) -> str | None:
        e = self.by_key.get((sid, kind))
        if e is None or e.owner_id is None:
            return None
        return self.f.officers.get(e.owner_id, (None,))[0]


def evaluate(ctx: SweepContext) -> Iterator[Finding]:
    # a plain snapshot of the policy: the rules read it 500,000 times
    ahead = ctx.shared.pop(READ_AHEAD, None)
    yield from _evaluate(ctx.as_of, dict(ctx.policy), actor="system:sweep", why=SWEEP_WHY,
                         recorded=None if ahead is None else ahead.result)


READ_AHEAD = "offenders.recorded"


def _read_ahead(ctx: SweepContext) -> None:
    """The subjects' recorded facts (visits above all: 1.6 million at national scale) read ahead while the
    missing-children rules run (``core.rows.read_ahead``); the review triggers and escalations, which those rules
    may write, are read afterwards in the sweep's own transaction (``SubjectFacts.load``)."""
    if ctx.read_ahead:
        ctx.shared[READ_AHEAD] = read_ahead(SubjectFacts.recorded, ctx.as_of, dict(ctx.policy))


SWEEP_WHY = "daily rule sweep (statutory public-protection duties)"
WRITE_WHY = "a write changed the subject's facts: re-judged at once (statutory public-protection duties)"


def rejudge(subjects, as_of: dt.date, *, cleared_by: str) -> dict[str, int]:
    """Re-judge ``subjects`` (a queryset) after a write, inside the writer's transaction: their escalations and
    alerts are brought into line at once (what no longer holds closes, ``cleared_by`` saying why; what newly holds
    opens), so nobody waits for the nightly sweep, which then finds nothing left to change for them. The
    team-level announced-visits share is left to the sweep."""
    from vigil.sweep.catalogue import OFFENDERS, codes
    from vigil.sweep.engine import reconcile

    refs = set(subjects.values_list("ref", flat=True))
    if not refs:
        return {"opened": 0, "updated": 0, "closed": 0}
    findings = list(_evaluate(as_of, dict(policy.current()), subjects=subjects, teams=False,
                              actor="system:re-judgement", why=WRITE_WHY))
    return reconcile(as_of, findings, set(codes(OFFENDERS)) - {"ANNOUNCED_VISITS_HIGH"},
                     entities=("subject", refs), cleared_by=cleared_by)


@rejudger("subject")
def _rejudge_refs(refs, as_of: dt.date, *, cleared_by: str) -> dict[str, int]:
    return rejudge(Subject.objects.filter(ref__in=refs), as_of, cleared_by=cleared_by)


def _evaluate(as_of: dt.date, pol: dict, *, subjects=None, teams: bool = True, actor: str,
              why: str, recorded: Callable[[], dict] | None = None) -> Iterator[Finding]:
    f = SubjectFacts.load(as_of, pol, subjects=subjects, recorded=recorded)
    rows = {r.pk: r for r in f.subjects}
    judged: dict[int, Judgement] = {}
    levels: dict[int, str] = {}
    wanted: dict[tuple[int, str], tuple[SubjectRow, visits.Condition, str]] = {}
    paused_from: dict[int, dt.date] = {}
    paused_modes = pol["visits.paused_modes"]
    for row in f.subjects:
        j = judge(row, f, pol, as_of)
        judged[row.pk] = j
        level = levels[row.pk] = j.level
        for kind, cond in j.conditions.items():
            wanted[(row.pk, kind)] = (row, cond, level)
        periods = f.periods.get(row.pk)
        if periods:
            current = [p for p in periods if p[1] <= as_of and (p[2] is None or p[2] >= as_of)]
            if current and current[-1][0] in paused_modes:
                paused_from[row.pk] = current[-1][1]
    with transaction.atomic():
        book = EscalationBook(f, pol, as_of)
        book.close_resolved(rows, paused_from)
        book.open_missing(wanted)
        overdue = book.escalate_missed(levels)
        owner_ids = {e.owner_id for e in book.by_key.values() if e.owner_id}
        f.officers = {pk: (ref, rank) for pk, ref, rank in
                      Officer.objects.filter(pk__in=owner_ids).values_list("pk", "ref", "rank")} if owner_ids else {}
        _log(book, actor, why)
    yield from _findings(f, rows, judged, book, overdue)
    if teams:
        yield from _announced(f, levels, pol)


def _log(book: EscalationBook, actor: str, why: str) -> None:
    for what, refs in (("opened", book.opened), ("escalated up a rank", book.escalated), ("closed", book.closed)):
        if refs:
            access_log.record(actor=actor, operation="alteration", record_type="escalation",
                              record_ids=refs, justification=why,
                              detail=f"escalation {what} as of {book.as_of.isoformat()}")


def _findings(f, rows, judged, book, overdue) -> Iterator[Finding]:
    for sid, j in judged.items():
        row = rows[sid]
        for c in j.concerns:
            owner = (book.owner_ref(sid, c.code) if c.owner_rule == ESCALATION_OWNER else None) or row.manager_ref
            yield Finding(c.code, c.severity, "subject", row.ref, c.since, c.reasons, owner, row.team_id)
    for sid, items in overdue.items():
        row = rows.get(sid)
        if row is None:
            continue
        items.sort(key=lambda x: x[1].overdue_since)
        reasons = tuple(
            f"{e.kind} opened on {e.opened_on.isoformat()}: {e.level} deadline{'s' if e.level != 1 else ''} "
            f"missed without a decision; now with officer {f.officers.get(e.owner_id, ('?',))[0]}"
            for e, _ in items)
        first = items[0][0]
        yield Finding("ESCALATION_DECISION_OVERDUE", default_severity("ESCALATION_DECISION_OVERDUE"), "subject",
                      row.ref, items[0][1].overdue_since, reasons, f.officers.get(first.owner_id, (None,))[0],
                      row.team_id)


def _announced(f: SubjectFacts, levels: dict[int, str], pol: Mapping) -> Iterator[Finding]:
    by_team: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    team_of = {r.pk: r.team_id for r in f.subjects}
    for sid, (a, n) in f.announced.items():
        team = team_of.get(sid)
        if team is None:
            continue
        cell = by_team[team][levels.get(sid, pol["visits.unassessed_level"])]
        cell[0] += a
        cell[1] += n
    if not by_team:
        return
    candidates = esc_rules.Candidates(offender_facts.owner_candidates(f.as_of))
    window = pol["visits.announced_window_days"]
    for team_id, counts in by_team.items():
        flagged = announced.shares_above_policy(pol, {lvl: (c[0], c[1]) for lvl, c in counts.items()})
        if not flagged:
            continue
        owner = esc_rules.choose_owner(candidates, min_rank="DI", team_id=team_id,
                                       borough_id=f.team_boroughs.get(team_id))
        yield Finding("ANNOUNCED_VISITS_HIGH", announced_severity([s.level for s in flagged]), "team", f.team_refs[team_id],
                      f.as_of - dt.timedelta(days=window - 1), tuple(s.reason(window) for s in flagged),
                      owner.ref if owner else None, team_id)


@rule_set("offenders", order=30, prepare=_read_ahead)
def offender_rules(ctx: SweepContext) -> Iterator[Finding]:
    return evaluate(ctx)
