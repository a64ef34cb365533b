"""The offender-management rule set of ``vigil sweep`` (domain-rules §1).

Set-based: a dozen aggregate queries read the facts for every subject (``SweepFacts.load``), the pure rules in
``vigil.offenders.rules`` judge each subject, and the escalations are brought into line in bulk (opened, escalated
up a rank for a missed deadline, closed by a successful visit or a pause). Nothing reads a fact dated after the
as-of date, so a past date gives the same alerts whenever it is swept. Running it twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Max, Min, Q, Window
from django.db.models.functions import RowNumber

from vigil.accounts.models import Officer, Team
from vigil.core import access_log
from vigil.offenders import facts as offender_facts
from vigil.offenders.escalations import opened_event, plan_escalation
from vigil.offenders.models import (
    Assessment,
    Escalation,
    EscalationDecision,
    EscalationEvent,
    InvestigationReview,
    ModePeriod,
    NotificationRecord,
    ReviewTrigger,
    Subject,
    Visit,
)
from vigil.offenders.rules import announced, notification, reviews, suspects, visits
from vigil.offenders.rules import escalations as esc_rules
from vigil.people.models import Address
from vigil.sweep.registry import Finding, SweepContext, rule_set

CODES = ("VISIT_OVERDUE", "S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN", "ESCALATION_DECISION_OVERDUE",
         "ANNOUNCED_VISITS_HIGH", "RISK_REVIEW_OVERDUE", "NOTIFICATION_OVERDUE", "NOTIFICATION_ENDING",
         "SUSPECT_RISK_NOT_ASSESSED", "SAFEGUARDING_NOT_DONE", "INVESTIGATION_STALE")
SWEEP = "sweep"
DAY = dt.timedelta(days=1)
HIGH = ("high", "very_high")
CLOSED_BY_VISIT = ("S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN", "VISIT_OVERDUE")
SUBJECT_FIELDS = ("pk", "ref", "kind", "team_id", "manager_id", "manager__ref", "managed_from", "mode",
                  "notification_start", "notification_end", "no_fixed_abode", "children_in_household",
                  "children_noted_on", "safeguarding_referral_on", "investigation_opened")


@dataclass
class Row:
    """One subject's facts as of the sweep date (plain values, for speed)."""

    pk: int
    ref: str
    kind: str
    team_id: int
    manager_id: int | None
    manager_ref: str | None
    managed_from: dt.date
    mode: str
    notification_start: dt.date | None
    notification_end: dt.date | None
    no_fixed_abode: bool
    children: bool
    children_noted: dt.date | None
    safeguarding_referral: dt.date | None
    investigation_opened: dt.date | None


SUBJECT_DATES = tuple(i for i, name in enumerate(SUBJECT_FIELDS) if name in (
    "managed_from", "notification_start", "notification_end", "children_noted_on", "safeguarding_referral_on",
    "investigation_opened"))


def _sql_dates(rows, columns=(1,)):
    """SQLite returns dates from raw SQL as text (PostgreSQL as dates): convert the given columns."""
    if connection.vendor != "sqlite":
        yield from rows
        return
    for row in rows:
        row = list(row)
        for c in columns:
            if isinstance(row[c], str):
                row[c] = dt.date.fromisoformat(row[c][:10])
        yield tuple(row)


def _fetch(qs, date_columns=()):
    """A values_list queryset run as plain SQL: Django's per-value converters cost seconds at 80,000 rows."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(_sql_dates(cur.fetchall(), date_columns))


@dataclass
class SweepFacts:
    as_of: dt.date
    subjects: list[Row]
    periods: dict[int, list[tuple[str, dt.date, dt.date | None]]]
    levels: dict[int, tuple[dt.date, str]]          # latest approved assessment: (date, level)
    first_assessed: dict[int, dt.date]              # earliest assessment of any status
    awaiting: dict[int, dt.date]                    # latest assessment not yet approved on as_of
    last_success: dict[int, dt.date]
    attempts: dict[int, list[tuple[dt.date, str]]]  # unsuccessful visits since the last success
    announced: dict[int, tuple[int, int]]           # subject → (announced, total) in the rolling window
    triggers: dict[int, list[tuple[dt.date, str]]]
    last_periodic: dict[int, dt.date]
    last_investigation_review: dict[int, dt.date]
    team_refs: dict[int, str]
    team_boroughs: dict[int, int | None]
    escalations: list[Escalation]                   # open now, or open on as_of
    decisions: dict[int, list[tuple[dt.date, dt.date | None]]]
    resolved: dict[tuple[int, str], dt.date]         # (subject, kind) → latest resolution on or before as_of
    officers: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk → (ref, rank)

    @classmethod
    def load(cls, as_of: dt.date, pol: Mapping, subjects=None) -> SweepFacts:
        """The facts for every subject managed on ``as_of`` (or for those of the ``subjects`` queryset)."""
        base = Subject.objects.all() if subjects is None else subjects
        rows = [Row(*r) for r in _fetch(base.filter(managed_from__lte=as_of).exclude(managed_until__lt=as_of)
                                        .order_by("pk").values_list(*SUBJECT_FIELDS), SUBJECT_DATES)]

        def of(qs, field="subject_id"):
            return qs if subjects is None else qs.filter(**{f"{field}__in": subjects.values("pk")})

        periods: dict[int, list] = defaultdict(list)
        for sid, mode, start, end in _fetch(of(ModePeriod.objects.filter(start__lte=as_of)).values_list(
                "subject_id", "mode", "start", "end").order_by("subject_id", "start"), (2, 3)):
            periods[sid].append((mode, start, end if end is None or end < as_of else None))
        latest = of(Assessment.objects.filter(approved_on__lte=as_of)).annotate(rn=Window(
            RowNumber(), partition_by=F("subject_id"), order_by=[F("approved_on").desc(), F("date").desc(),
                                                                  F("pk").desc()])).filter(rn=1)
        levels = {sid: (on, level) for sid, on, level in
                  _fetch(latest.values_list("subject_id", "date", "risk_level"), (1,))}
        dated = of(Assessment.objects.filter(date__lte=as_of)).values_list("subject_id").order_by()
        first = dict(_fetch(dated.filter(subject__kind="suspect").annotate(m=Min("date"))   # suspects' triage
                            .values_list("subject_id", "m"), (1,)))
        awaiting = dict(_fetch(dated.filter(Q(approved_on__isnull=True) | Q(approved_on__gt=as_of))
                               .annotate(m=Max("date")).values_list("subject_id", "m"), (1,)))
        for sid, on in list(awaiting.items()):
            if sid in levels and levels[sid][0] >= on:
                del awaiting[sid]
        last_success, attempts, shares = cls._visits(as_of, pol, subjects)
        triggers: dict[int, list] = defaultdict(list)
        for sid, on, trig in of(ReviewTrigger.objects.filter(on__lte=as_of)).values_list("subject_id", "on",
                                                                                         "trigger"):
            triggers[sid].append((on, trig))
        for sid, moved in cls._address_changes(as_of, subjects):
            triggers[sid].append((moved, "address_change"))
        last_periodic = dict(_fetch(of(NotificationRecord.objects.filter(kind="periodic", on__lte=as_of))
                                    .values_list("subject_id").order_by().annotate(m=Max("on"))
                                    .values_list("subject_id", "m"), (1,)))
        last_review = dict(_fetch(of(InvestigationReview.objects.filter(on__lte=as_of)).values_list("subject_id")
                                  .order_by().annotate(m=Max("on")).values_list("subject_id", "m"), (1,)))
        teams = list(Team.objects.values_list("pk", "ref", "borough_id"))
        escalations = list(of(Escalation.objects.filter(opened_on__lte=as_of).exclude(closed_on__lte=as_of)
                              | Escalation.objects.filter(closed_on__isnull=True)))
        decisions: dict[int, list] = defaultdict(list)
        resolved: dict[tuple[int, str], dt.date] = {}
        for eid, sid, kind, on, nxt, resolves in of(EscalationDecision.objects.filter(decided_on__lte=as_of),
                                                    "escalation__subject_id") \
                .values_list("escalation_id", "escalation__subject_id", "escalation__kind", "decided_on",
                             "next_review", "resolves"):
            decisions[eid].append((on, nxt))
            if resolves and on > resolved.get((sid, kind), dt.date.min):
                resolved[(sid, kind)] = on
        return cls(as_of, rows, dict(periods), levels, first, awaiting, last_success, attempts, shares,
                   dict(triggers), last_periodic, last_review, {pk: ref for pk, ref, _ in teams},
                   {pk: b for pk, _, b in teams}, escalations, dict(decisions), resolved)

    @staticmethod
    def _visits(as_of: dt.date, pol: Mapping, subjects=None):
        """Three aggregate queries over visits: the last successful home visit per subject; the unsuccessful
        attempts since it; the announced share over the rolling window."""
        table = Visit._meta.db_table
        watch = list(pol["visits.failed_outcomes"]) + list(pol["visits.whereabouts_outcomes"])
        marks = ", ".join(["%s"] * len(watch))
        only, only_v, only_params = "", "", []
        if subjects is not None:
            sub_sql, only_params = subjects.values("pk").query.sql_with_params()
            only, only_v, only_params = (f" AND subject_id IN ({sub_sql})", f" AND v.subject_id IN ({sub_sql})",
                                         list(only_params))
        # Table names come from the model and the rest are parameters: nothing here is user text.
        last_sql = (f"SELECT subject_id, MAX(date) AS last FROM {table} "  # noqa: S608
                    f"WHERE outcome = %s AND date <= %s{only} GROUP BY subject_id")
        last_params = ["seen_at_home", as_of, *only_params]
        with connection.cursor() as cur:
            cur.execute(last_sql, last_params)
            last_success = dict(_sql_dates(cur.fetchall()))
            cur.execute(
                f"SELECT v.subject_id, v.date, v.outcome FROM {table} v LEFT JOIN ({last_sql}) ls "  # noqa: S608
                f"ON ls.subject_id = v.subject_id WHERE v.date <= %s AND v.outcome IN ({marks}) "
                f"AND (ls.last IS NULL OR v.date > ls.last){only_v}",
                [*last_params, as_of, *watch, *only_params])
            attempts: dict[int, list] = defaultdict(list)
            for sid, on, outcome in _sql_dates(cur.fetchall()):
                attempts[sid].append((on, outcome))
            start = as_of - dt.timedelta(days=pol["visits.announced_window_days"])
            cur.execute(f"SELECT subject_id, SUM(CASE WHEN announced THEN 1 ELSE 0 END), COUNT(*) FROM {table} "  # noqa: S608
                        f"WHERE date > %s AND date <= %s{only} GROUP BY subject_id", [start, as_of, *only_params])
            shares = {sid: (int(a), int(n)) for sid, a, n in cur.fetchall()}
        return last_success, dict(attempts), shares

    @staticmethod
    def _address_changes(as_of: dt.date, subjects=None) -> Iterator[tuple[int, dt.date]]:
        """The latest home or notified address that began after management started: a change of address."""
        qs = Address.objects.filter(kind__in=("home", "notified"), valid_from__isnull=False,
                                    valid_from__lte=as_of, person__subjects__isnull=False)
        if subjects is not None:
            qs = qs.filter(person__subjects__in=subjects.values("pk"))
        rows = _fetch(qs.values_list("person__subjects__id", "person__subjects__managed_from")
                      .order_by().annotate(m=Max("valid_from"))
                      .values_list("person__subjects__id", "person__subjects__managed_from", "m"), (1, 2))
        latest: dict[int, dt.date] = {}
        for sid, start, moved in rows:
            if moved > start and moved > latest.get(sid, dt.date.min):
                latest[sid] = moved
        yield from latest.items()


@dataclass(frozen=True)
class Judgement:
    """What the rules found for one subject (before escalations and owners)."""

    findings: list[tuple[str, str, dt.date, tuple[str, ...]]]  # (code, severity, since, reasons)
    conditions: dict[str, visits.Condition]                   # escalation kind → condition


def judge(row: Row, f: SweepFacts, pol: Mapping, as_of: dt.date) -> Judgement:
    """Every §1 rule for one subject (pure: the facts in, the findings out)."""
    out: list = []
    conditions: dict[str, visits.Condition] = {}
    periods = f.periods.get(row.pk, ())
    mode = visits.mode_on(periods, as_of) if periods else "active"
    paused_now = mode in pol["visits.paused_modes"]
    spans = visits.merge_spans((s, e) for m, s, e in periods if m in pol["visits.paused_modes"]) if periods else ()
    last = f.levels.get(row.pk)
    level, assessed = (last[1], True) if last else (pol["visits.unassessed_level"], False)
    last_success = f.last_success.get(row.pk)
    attempts = f.attempts.get(row.pk, ())
    registered = row.kind == "registered_offender"
    triggers = list(f.triggers.get(row.pk, ()))
    breach = None
    if registered and row.notification_start:
        breach = notification.notification_overdue(
            pol, as_of=as_of, start=row.notification_start, end=row.notification_end,
            last_periodic=f.last_periodic.get(row.pk), no_fixed_abode=row.no_fixed_abode,
            detained=mode in ("custody", "hospital"))
        if breach:
            out.append(("NOTIFICATION_OVERDUE", "high", breach[0], (breach[1],)))
        ending = notification.notification_ending(pol, as_of=as_of, end=row.notification_end)
        if ending:
            out.append(("NOTIFICATION_ENDING", "low", ending[0], (ending[1],)))
    if not paused_now:
        if registered and mode != "reactive":
            ov = visits.overdue_visit(pol, as_of=as_of, level=level, assessed=assessed,
                                      managed_from=row.managed_from, last_success=last_success, spans=spans)
            if ov is not None:
                sev = "critical" if ov.critical else ("high" if level in HIGH else "medium")
                out.append(("VISIT_OVERDUE", sev, ov.since, ov.reasons))
                if ov.critical:
                    conditions["VISIT_OVERDUE"] = visits.Condition(ov.critical_since, ov.reasons)
        if attempts and registered:
            fa = visits.failed_access(pol, as_of=as_of, attempts=attempts, last_success=last_success,
                                      managed_from=row.managed_from,
                                      resolved_on=f.resolved.get((row.pk, "S96B_WARRANT_CONSIDERATION")))
            if fa is not None:
                conditions["S96B_WARRANT_CONSIDERATION"] = fa
                triggers.append((fa.since, "two_failed_visits"))
        if attempts or breach:
            wu = visits.whereabouts_unknown(pol, as_of=as_of, attempts=attempts, last_success=last_success,
                                            managed_from=row.managed_from,
                                            resolved_on=f.resolved.get((row.pk, "WHEREABOUTS_UNKNOWN")),
                                            notification_overdue=breach)
            if wu is not None:
                conditions["WHEREABOUTS_UNKNOWN"] = wu
    if registered or row.pk in f.levels:
        review = reviews.review_overdue(pol, managed_from=row.managed_from, last=last, triggers=triggers,
                                        as_of=as_of, awaiting_approval=f.awaiting.get(row.pk))
        if review is not None and (registered or last):
            out.append(("RISK_REVIEW_OVERDUE", "high" if level in HIGH else "medium", review.since, review.reasons))
    if not registered:
        triage = suspects.triage_overdue(pol, as_of=as_of, recorded=row.managed_from,
                                         first_assessment=f.first_assessed.get(row.pk))
        if triage:
            out.append(("SUSPECT_RISK_NOT_ASSESSED", "high", triage[0], (triage[1],)))
        safe = suspects.safeguarding_overdue(pol, as_of=as_of, children=row.children, noted=row.children_noted,
                                             referral=row.safeguarding_referral)
        if safe:
            out.append(("SAFEGUARDING_NOT_DONE", "critical", safe[0], (safe[1],)))
        stale = suspects.investigation_stale(pol, as_of=as_of, opened=row.investigation_opened,
                                             last_review=f.last_investigation_review.get(row.pk))
        if stale:
            out.append(("INVESTIGATION_STALE", "medium", stale[0], (stale[1],)))
    return Judgement(out, conditions)


class EscalationBook:
    """Brings escalations into line with the conditions found, in bulk, and says who owns each."""

    def __init__(self, f: SweepFacts, pol: Mapping, as_of: dt.date):
        self.f, self.pol, self.as_of = f, pol, as_of
        self.team_of = {r.pk: r.team_id for r in f.subjects}
        self.candidates = offender_facts.owner_candidates(as_of)
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

    def open_missing(self, wanted: dict[tuple[int, str], tuple[Row, visits.Condition, str]]) -> None:
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

    def close_resolved(self, rows: dict[int, Row], paused_from: dict[int, dt.date]) -> None:
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


def evaluate(ctx: SweepContext) -> list[Finding]:
    as_of, pol = ctx.as_of, dict(ctx.policy)  # a plain snapshot: the rules read it 500,000 times
    f = SweepFacts.load(as_of, pol)
    rows = {r.pk: r for r in f.subjects}
    judged: dict[int, Judgement] = {}
    levels: dict[int, str] = {}
    wanted: dict[tuple[int, str], tuple[Row, visits.Condition, str]] = {}
    paused_from: dict[int, dt.date] = {}
    paused_modes = pol["visits.paused_modes"]
    for row in f.subjects:
        j = judge(row, f, pol, as_of)
        judged[row.pk] = j
        last = f.levels.get(row.pk)
        level = last[1] if last else pol["visits.unassessed_level"]
        levels[row.pk] = level
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
        _log(book)
    yield from _findings(f, rows, judged, levels, book, overdue, pol, as_of)


def _log(book: EscalationBook) -> None:
    for what, refs in (("opened", book.opened), ("escalated up a rank", book.escalated), ("closed", book.closed)):
        if refs:
            access_log.record(actor="system:sweep", operation="alteration", record_type="escalation",
                              record_ids=refs, justification="daily rule sweep (statutory public-protection duties)",
                              detail=f"escalation {what} as of {book.as_of.isoformat()}")


def _findings(f, rows, judged, levels, book, overdue, pol, as_of) -> Iterator[Finding]:
    for sid, j in judged.items():
        row = rows[sid]
        manager = row.manager_ref
        for code, severity, since, reasons in j.findings:
            owner = manager
            if code == "VISIT_OVERDUE" and severity == "critical":
                owner = book.owner_ref(sid, "VISIT_OVERDUE") or manager
            yield Finding(code, severity, "subject", row.ref, since, reasons, owner, row.team_id)
        for kind in ("S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN"):
            cond = j.conditions.get(kind)
            if cond is None:
                continue
            sev = "critical" if kind == "S96B_WARRANT_CONSIDERATION" or levels[sid] in HIGH else "high"
            yield Finding(kind, sev, "subject", row.ref, cond.since, cond.reasons,
                          book.owner_ref(sid, kind) or manager, row.team_id)
    for sid, items in overdue.items():
        row = rows.get(sid)
        if row is None:
            continue
        items.sort(key=lambda x: x[1].overdue_since)
        reasons = tuple(
            f"{e.kind} opened on {e.opened_on.isoformat()}: no decision by its deadline; "
            f"escalated {e.level} rank{'s' if e.level != 1 else ''} up to {f.officers.get(e.owner_id, ('?',))[0]}"
            for e, _ in items)
        first = items[0][0]
        yield Finding("ESCALATION_DECISION_OVERDUE", "critical", "subject", row.ref, items[0][1].overdue_since,
                      reasons, f.officers.get(first.owner_id, (None,))[0], row.team_id)
    yield from _announced(f, levels, pol)


def _announced(f: SweepFacts, levels: dict[int, str], pol: Mapping) -> Iterator[Finding]:
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
    candidates = offender_facts.owner_candidates(f.as_of)
    window = pol["visits.announced_window_days"]
    for team_id, counts in by_team.items():
        flagged = announced.shares_above_policy(pol, {lvl: (c[0], c[1]) for lvl, c in counts.items()})
        if not flagged:
            continue
        owner = esc_rules.choose_owner(candidates, min_rank="DI", team_id=team_id,
                                       borough_id=f.team_boroughs.get(team_id))
        sev = "high" if any(s.level in HIGH for s in flagged) else "medium"
        yield Finding("ANNOUNCED_VISITS_HIGH", sev, "team", f.team_refs[team_id],
                      f.as_of - dt.timedelta(days=window - 1), tuple(s.reason(window) for s in flagged),
                      owner.ref if owner else None, team_id)


@rule_set("offenders", order=30, codes=CODES)
def offender_rules(ctx: SweepContext) -> Iterator[Finding]:
    return evaluate(ctx)
