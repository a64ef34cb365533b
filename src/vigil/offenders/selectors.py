"""Reads for pages and the API: restricted to the actor's work and written to the access log.

Lists log each subject shown; opening one subject goes through ``vigil.core.scope.access`` (own work,
a professional-standards denial, or a break-glass).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from vigil.accounts.models import Officer, Team
from vigil.core import access_log, policy
from vigil.core.scope import Access, officer_of, open_record
from vigil.offenders import status as subject_status
from vigil.offenders.models import (
    AnnouncementApproval,
    Assessment,
    Escalation,
    EscalationDecision,
    Subject,
    Visit,
    VisitPlan,
)
from vigil.offenders.rules import announced as announced_rules
from vigil.offenders.rules import visits as visit_rules
from vigil.offenders.rules.notification import notification_period
from vigil.offenders.rules.reviews import add_months
from vigil.web.shown import log_shown

OWN = "own or team work"


def _log_shown(actor, refs: list[str], detail: str) -> None:
    if refs:
        access_log.record(actor=actor, operation="consultation", record_type="subject", record_ids=refs,
                          justification=OWN, detail=detail)


def subjects_for(actor):
    return Subject.objects.restrict(actor)


def open_subject(*, actor, ref: str) -> tuple[Subject | None, Access]:
    """One subject, if the actor may open it; the consultation (or the refused attempt) is logged."""
    subject, decision = open_record(actor, Subject.objects.select_related("person", "team", "manager",
                                                                          "team__borough"),
                                    ref, record_type="subject", purpose="subject record opened")
    if decision.allowed:
        access_log.consulted(actor, "person", subject.person.ref, decision.justification,
                             f"the person record of subject {ref}, shown with it")
    return subject, decision


def escalation_for(*, actor, pk: int) -> tuple[Escalation | None, Access]:
    """One escalation, opened under the same rules as its subject (own work, denial, break-glass)."""
    e, decision = open_record(actor, Escalation.objects.select_related("subject", "owner", "subject__person"), pk,
                              lookup="pk", record_type="escalation", purpose="escalation opened",
                              under=lambda e: (e.subject, "subject", e.subject.ref))
    if decision.allowed:
        log_shown(actor, {}, texts=e.reasons, justification=decision.justification,
                  detail=f"named in the reasons of escalation {e.pk} (subject {e.subject.ref})")
    return e, decision


# The offender manager's day ---------------------------------------------------------------------------------
@dataclass
class Day:
    overdue: list = field(default_factory=list)
    due: list = field(default_factory=list)       # due within the look-ahead
    planned: list = field(default_factory=list)
    reviews: list = field(default_factory=list)   # risk reviews overdue or due soon
    total: int = 0


def my_day(*, actor, as_of: dt.date, ahead_days: int = 14) -> Day:
    """The officer's own caseload: visits overdue, due within ``ahead_days``, planned; reviews due."""
    officer = officer_of(actor)
    subjects = Subject.objects.restrict(actor).filter(manager=officer)
    rows = {s.pk: s for s in subjects.select_related("person")}
    st = subject_status.statuses(subjects, as_of)
    day = Day(total=len(rows))
    horizon = as_of + dt.timedelta(days=ahead_days)
    for pk, s in st.items():
        item = (rows[pk], s)
        if s.overdue:
            day.overdue.append(item)
        elif s.visit_due and s.visit_due <= horizon:
            day.due.append(item)
        if s.review_due <= horizon:
            day.reviews.append(item)
    day.overdue.sort(key=lambda i: (not i[1].critical, i[1].overdue.due))
    day.due.sort(key=lambda i: i[1].visit_due)
    day.reviews.sort(key=lambda i: i[1].review_due)
    day.planned = list(VisitPlan.objects.filter(officer=officer, date__gte=as_of, date__lte=horizon, cancelled=False)
                       .select_related("subject__person").order_by("date", "window_start"))
    _log_shown(actor, sorted(rows[pk].ref for pk in st), "caseload (my day)")
    return day


# The subject page -------------------------------------------------------------------------------------------
def subject_page(*, actor, subject: Subject, as_of: dt.date) -> dict:
    """Everything the subject page shows, as of a date, in a fixed number of queries."""
    pol = policy.current()
    st = subject_status.statuses(Subject.objects.filter(pk=subject.pk), as_of, pol).get(subject.pk)
    visits = list(Visit.objects.filter(subject=subject, date__lte=as_of).select_related("lead_officer")
                  .order_by("-date", "-time"))
    assessments = list(Assessment.objects.filter(subject=subject, date__lte=as_of)
                       .select_related("assessor", "approved_by").prefetch_related("tools").order_by("-date"))
    escalations = list(Escalation.objects.filter(subject=subject, opened_on__lte=as_of).select_related("owner")
                       .prefetch_related(Prefetch("decisions", queryset=EscalationDecision.objects
                                                  .select_related("decided_by", "applicant")), "events")
                       .order_by("-opened_on"))
    periods = list(subject.mode_periods.order_by("start"))
    triggers = list(subject.triggers.filter(on__lte=as_of).order_by("-on"))
    log_shown(actor, {}, justification=getattr(subject, "shown_under", OWN),
              texts=[*(r for e in escalations for r in e.reasons), *(r for a in (st.alerts if st else ()) for r in a[2]),
                     *(t.reason for t in triggers)],
              detail=f"named in the reasons on subject {subject.ref}'s page")
    return {
        "status": st,
        "visits": visits,
        "assessments": assessments,
        "escalations": escalations,
        "periods": periods,
        "triggers": triggers,
        "notifications": list(subject.notifications.filter(on__lte=as_of).order_by("-on")[:10]),
        "orders": list(subject.orders.order_by("-start")),
        "plans": list(subject.plans.filter(cancelled=False, date__gte=as_of).select_related("officer")[:5]),
        "approvals": list(subject.announcement_approvals.select_related("requested_by", "decided_by")
                          .order_by("-planned_for")[:5]),
        "timeline": timeline(subject, visits, assessments, periods, pol, as_of),
        "statutory": notification_period(disposal=subject.disposal, start=subject.notification_start,
                                         under_18=subject.under_18_at_conviction)
        if subject.disposal and subject.notification_start else None,
    }


def timeline(subject: Subject, visits: list[Visit], assessments: list[Assessment], periods, pol,
             as_of: dt.date) -> dict:
    """Chart data: visits by kind, and the due date each successful visit set (paused days skipped)."""
    spans = visit_rules.merge_spans((p.start, p.end) for p in periods if p.mode in pol["visits.paused_modes"])
    approved = sorted((a.approved_on, a.risk_level) for a in assessments if a.approved_on and a.approved_on <= as_of)

    def level_on(day):
        level = pol["visits.unassessed_level"]
        for on, lvl in approved:
            if on <= day:
                level = lvl
        return level

    points = {"successful": [], "failed": [], "other": [], "announced": []}
    dues = []
    bases = [subject.managed_from, *sorted(v.date for v in visits if v.outcome == "seen_at_home")]
    for i, base in enumerate(bases):
        due = visit_rules.due_date(pol, level=level_on(base), managed_from=subject.managed_from,
                                   last_success=None if i == 0 else base, spans=spans)
        if due:
            dues.append({"x": due.isoformat(), "from": base.isoformat()})
    for v in sorted(visits, key=lambda v: v.date):
        kind = ("successful" if v.outcome == "seen_at_home" else
                "failed" if v.outcome in pol["visits.failed_outcomes"] else "other")
        point = {"x": v.date.isoformat(), "outcome": v.outcome, "announced": v.announced}
        points[kind].append(point)
        if v.announced:
            points["announced"].append(point)
    return {"visits": points, "dues": dues, "as_of": as_of.isoformat(),
            "start": subject.managed_from.isoformat(),
            "paused": [{"from": s.isoformat(), "to": (e or as_of).isoformat()} for s, e in spans]}


# The supervisor's queue -------------------------------------------------------------------------------------
def supervisor_queue(*, actor, as_of: dt.date) -> dict:
    officer = officer_of(actor)
    assessments = list(Assessment.objects.restrict(actor).filter(approved_on__isnull=True, date__lte=as_of)
                       .exclude(assessor=officer).select_related("subject", "assessor").order_by("date")[:200])
    scope = Subject.objects.restrict(actor).values("pk")
    announcements = list(AnnouncementApproval.objects.filter(subject__in=scope, approved__isnull=True)
                         .exclude(requested_by=officer).select_related("subject", "requested_by")
                         .order_by("planned_for")[:200])
    escalations = list(Escalation.objects.restrict(actor).filter(closed_on__isnull=True, opened_on__lte=as_of)
                       .select_related("subject", "owner").order_by("deadline")[:200])
    mine = [e for e in escalations if e.owner_id == officer.pk]
    others = [e for e in escalations if e.owner_id != officer.pk]
    refs = sorted({a.subject.ref for a in assessments} | {a.subject.ref for a in announcements}
                  | {e.subject.ref for e in escalations})
    _log_shown(actor, refs, "supervisor's queue")
    return {"assessments": assessments, "announcements": announcements, "my_escalations": mine,
            "team_escalations": others}


# The team dashboard -----------------------------------------------------------------------------------------
def teams_for(actor):
    return Team.objects.restrict(actor).filter(kind="offender_management").order_by("name")


def team_dashboard(*, actor, team: Team, as_of: dt.date) -> dict:
    """Backlog by risk level, the longest gap since a successful visit, the announced share against policy,
    assessments overdue and caseload per manager: aggregate figures, no personal data listed beyond the
    longest-gap subjects (which are logged)."""
    pol = policy.current()
    subjects = Subject.objects.restrict(actor).filter(team=team)
    st = subject_status.statuses(subjects, as_of, pol)
    levels = ("very_high", "high", "medium", "low")
    backlog = {lvl: {"subjects": 0, "overdue": 0, "critical": 0} for lvl in levels}
    reviews_overdue = Counter()
    for s in st.values():
        b = backlog[s.level]
        b["subjects"] += 1
        if s.overdue:
            b["overdue"] += 1
            b["critical"] += int(s.critical)
        if s.review_due < as_of:
            reviews_overdue[s.level] += 1
    longest = sorted((s for s in st.values() if s.visit_due is not None),
                     key=lambda s: -(s.overdue.days if s.overdue else (s.days_since_success or 0)))[:10]
    start = as_of - dt.timedelta(days=pol["visits.announced_window_days"])
    share_rows = (Visit.objects.filter(subject__in=subjects.values("pk"), date__gt=start, date__lte=as_of)
                  .values("subject_id").annotate(n=Count("pk"), a=Count("pk", filter=Q(announced=True))))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in share_rows:
        s = st.get(r["subject_id"])
        if s:
            counts[s.level][0] += r["a"]
            counts[s.level][1] += r["n"]
    shares = [{"level": lvl, "announced": counts[lvl][0], "total": counts[lvl][1],
               "share": (counts[lvl][0] / counts[lvl][1]) if counts[lvl][1] else 0.0,
               "limit": pol[f"visits.announced_share_max.{lvl}"]} for lvl in levels]
    flagged = {s.level for s in announced_rules.shares_above_policy(
        pol, {lvl: tuple(c) for lvl, c in counts.items()})}
    for s in shares:
        s["above"] = s["level"] in flagged
        s["share_pct"], s["limit_pct"] = round(100 * s["share"]), round(100 * s["limit"])
    managers = Counter(subjects.filter(managed_from__lte=as_of).exclude(managed_until__lt=as_of)
                       .values_list("manager_id", flat=True))
    names = dict(Officer.objects.filter(pk__in=[m for m in managers if m]).values_list("pk", "name"))
    caseload = sorted(({"manager": names.get(m, "no named manager"), "subjects": n} for m, n in managers.items()),
                      key=lambda r: -r["subjects"])
    refs = {s.pk: s.ref for s in longest}
    _log_shown(actor, sorted(refs.values()), f"team dashboard {team.ref}: longest since a successful visit")
    twelve = add_months(as_of, -12)
    return {
        "team": team, "backlog": backlog, "levels": levels, "reviews_overdue": dict(reviews_overdue),
        "longest": longest, "shares": shares, "caseload": caseload, "total": len(st),
        "overdue": sum(b["overdue"] for b in backlog.values()),
        "no_visit_12m": sum(1 for s in st.values() if s.visit_due is not None
                            and (s.last_success is None or s.last_success < twelve)),
        "chart": {
            "levels": [lvl.replace("_", " ") for lvl in levels],
            "overdue": [backlog[lvl]["overdue"] for lvl in levels],
            "critical": [backlog[lvl]["critical"] for lvl in levels],
            "reviews": [reviews_overdue[lvl] for lvl in levels],
            "share": [round(100 * s["share"], 1) for s in shares],
            "limit": [round(100 * s["limit"], 1) for s in shares],
            "managers": [r["manager"] for r in caseload], "caseload": [r["subjects"] for r in caseload],
        },
    }


def my_escalations(*, actor, as_of: dt.date):
    """Open escalations the actor owns (within their work: an owner under a restriction sees none)."""
    return (Escalation.objects.restrict(actor).filter(owner=officer_of(actor), closed_on__isnull=True,
                                                      opened_on__lte=as_of)
            .select_related("subject").order_by("deadline"))
