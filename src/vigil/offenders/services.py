"""Writes: every change to a subject's record goes through here, atomically and into the access log.

Each function takes keyword-only arguments, refuses bad input with one clear line (``InputError``) and
changes nothing when it does. The actor is the signed-in user (or a ``system:…`` string for imports).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F

from vigil.accounts.models import Officer, rank_at_least
from vigil.core import access_log, clock, policy
from vigil.core.errors import AccessDenied, InputError, Superseded
from vigil.core.scope import change_justification, officer_of
from vigil.offenders import checks, facts
from vigil.offenders.calculators import CALCULATED_TOOLS
from vigil.offenders.calculators.result import CodingError
from vigil.offenders.models import (
    PAUSED_MODES,
    AnnouncementApproval,
    Assessment,
    DecisionOption,
    Escalation,
    EscalationDecision,
    EscalationEvent,
    InvestigationReview,
    Mode,
    ModePeriod,
    NotificationKind,
    NotificationRecord,
    Order,
    OrderKind,
    Outcome,
    RiskLevel,
    Subject,
    ToolScore,
    Visit,
    VisitPlan,
)
from vigil.offenders.sweep import rejudge
from vigil.sweep.registry import cleared_by

OWN_WORK = "own or team work"
ARMS_RISK = ("sexual_preoccupation", "offence_related_sexual_interests", "access_to_children",
             "relationship_instability", "emotional_regulation", "non_compliance", "hostile_orientation",
             "poor_problem_solving")
ARMS_PROTECTIVE = ("pro_social_relationships", "employment", "cooperation", "motivation", "stable_accommodation")
RATINGS = ("absent", "partly", "present")


def _officer(actor) -> Officer:
    officer = officer_of(actor) if not isinstance(actor, Officer) else actor
    if officer is None:
        raise AccessDenied("this account is not linked to an officer")
    return officer


def _supervisor(actor, what: str) -> Officer:
    officer = _officer(actor)
    if not rank_at_least(officer.rank, "DS") or not officer.has_role("supervisor", "senior_officer"):
        raise AccessDenied(f"{what} is approved by a supervisor (DS or above)")
    return officer


def _log(actor, subject: Subject, operation: str, detail: str, justification: str | None = None) -> None:
    """Log a change to a subject's record. Unless the caller states its own lawful purpose, the change must be
    the actor's own work or covered by a break-glass given for a change (else AccessDenied, and the caller's
    transaction rolls back)."""
    if justification is None:
        justification = change_justification(actor, subject, record_type="subject", record_id=subject.ref)
    access_log.record(actor=actor, operation=operation, record_type="subject", record_ids=subject.ref,
                      justification=justification, detail=detail)


def _rejudge(actor, subject: Subject, what: str) -> None:
    """Cleared at once: after a write that changes the subject's facts, re-judge the subject inside the same
    transaction (``offenders.sweep.rejudge``). What no longer holds closes, saying ``cleared by <what> (<who>)``;
    what newly holds opens; the nightly sweep finds nothing left to change for this subject."""
    officer = actor if isinstance(actor, Officer) else officer_of(actor)
    rejudge(Subject.objects.filter(pk=subject.pk), clock.today(), cleared_by=cleared_by(what, officer))


def _not_future(day: dt.date, what: str) -> None:
    if day > clock.today():
        raise InputError(f"{what} {day.isoformat()} is in the future")


# Subjects ---------------------------------------------------------------------------------------------------
@transaction.atomic
def update_subject(*, actor, subject: Subject, version: int, manager: Officer | None, mappa_category: int | None,
                   mappa_level: int | None, no_fixed_abode: bool) -> Subject:
    """Change the manager, MAPPA and fixed-abode status. ``version`` is what the officer saw: if someone saved
    in between, the change is refused (no lost update)."""
    for name, value in (("MAPPA category", mappa_category), ("MAPPA level", mappa_level)):
        if value is not None and value not in (1, 2, 3):
            raise InputError(f"{name} is 1, 2 or 3")
    if manager is not None and not manager.has_role("offender_manager"):
        raise InputError(f"{manager.name} is not an offender manager")
    updated = Subject.objects.filter(pk=subject.pk, version=version).update(
        manager=manager, mappa_category=mappa_category, mappa_level=mappa_level, no_fixed_abode=no_fixed_abode,
        version=F("version") + 1)
    if not updated:
        raise InputError("someone else changed this subject since you opened it: reload the page to see their "
                         "change, then make yours again")
    _log(actor, subject, "alteration", "manager, MAPPA or fixed abode changed")
    _rejudge(actor, subject, f"the change to the subject's record on {clock.day_said(clock.today())}")
    subject.refresh_from_db()
    return subject


@transaction.atomic
def change_mode(*, actor, subject: Subject, mode: str, on: dt.date, reason: str) -> ModePeriod:
    """Start a new management mode on ``on`` (the current period ends the day before)."""
    if mode not in Mode.values:
        raise InputError(f"{mode!r} is not a management mode")
    if not (reason or "").strip():
        raise InputError("say why the mode changes (e.g. remanded in custody, court date, travel notified)")
    _not_future(on, "the date")
    if on < subject.managed_from:
        raise InputError("the mode cannot change before management began")
    locked = Subject.objects.select_for_update().get(pk=subject.pk)
    if locked.mode == mode:
        raise InputError(f"the subject is already {mode}")
    later = ModePeriod.objects.filter(subject=subject, start__gte=on)
    if later.exists():
        raise InputError("a mode change is already recorded on or after that date")
    ModePeriod.objects.filter(subject=subject, end__isnull=True).update(end=on - dt.timedelta(days=1))
    period = ModePeriod.objects.create(subject=subject, mode=mode, start=on, reason=reason.strip())
    Subject.objects.filter(pk=subject.pk).update(mode=mode, mode_since=on, version=F("version") + 1)
    _log(actor, subject, "alteration", f"management mode {locked.mode} → {mode} from {on.isoformat()}")
    if mode in PAUSED_MODES:
        for e in Escalation.objects.filter(subject=subject, closed_on__isnull=True).exclude(
                kind="CHILD_LINKED_TO_OFFENDER"):
            _close(e, on=max(on, e.opened_on), reason=f"subject recorded in {mode} from {on.isoformat()}")
    _rejudge(actor, subject, f"the change of management mode to {Mode(mode).label.lower()} from {clock.day_said(on)}")
    return period


@transaction.atomic
def record_notification(*, actor, subject: Subject, kind: str, on: dt.date, detail: str = "") -> NotificationRecord:
    if kind not in NotificationKind.values:
        raise InputError(f"{kind!r} is not a kind of notification")
    _not_future(on, "the notification date")
    if subject.notification_start is None or on < subject.notification_start:
        raise InputError("the subject was not subject to notification on that date")
    n = NotificationRecord.objects.create(subject=subject, kind=kind, on=on, detail=(detail or "").strip())
    _log(actor, subject, "collection", f"{kind} notification on {on.isoformat()} recorded")
    _rejudge(actor, subject, f"the notification recorded for {clock.day_said(on)}")
    return n


@transaction.atomic
def record_order(*, actor, subject: Subject, kind: str, start: dt.date, end: dt.date | None,
                 conditions: str = "") -> Order:
    """A SHPO, SRO, licence or notification order, with the prohibitions or conditions as imposed."""
    if kind not in OrderKind.values:
        raise InputError(f"{kind!r} is not a kind of order")
    if end is not None and end < start:
        raise InputError("the order's end is before its start")
    o = Order.objects.create(subject=subject, kind=kind, start=start, end=end, conditions=(conditions or "").strip())
    _log(actor, subject, "collection", f"{kind} from {start.isoformat()} recorded")
    _rejudge(actor, subject, f"the order recorded from {clock.day_said(start)}")
    return o


@transaction.atomic
def record_investigation_review(*, actor, subject: Subject, on: dt.date, note: str) -> InvestigationReview:
    if subject.kind != "suspect":
        raise InputError("investigation reviews are for suspects")
    if len((note or "").strip()) < 10:
        raise InputError("write what the review found (at least 10 characters)")
    _not_future(on, "the review date")
    r = InvestigationReview.objects.create(subject=subject, on=on, by=_officer(actor), note=note.strip())
    _log(actor, subject, "collection", f"investigation review on {on.isoformat()}")
    _rejudge(actor, subject, f"the investigation review on {clock.day_said(on)}")
    return r


# Assessments ------------------------------------------------------------------------------------------------
def _factors(factors: dict | None) -> dict:
    factors = factors or {}
    out = {"risk": {}, "protective": {}}
    for group, names in (("risk", ARMS_RISK), ("protective", ARMS_PROTECTIVE)):
        for name, rating in (factors.get(group) or {}).items():
            if name not in names:
                raise InputError(f"{name!r} is not an ARMS {group} factor")
            if rating not in RATINGS:
                raise InputError(f"{name}: {rating!r} is not one of {', '.join(RATINGS)}")
            out[group][name] = rating
    return out


def score_tools(tools: Sequence[dict], pol=None) -> list[ToolScore]:
    """Unsaved ToolScores: the calculated tools scored from their item codings; others as entered."""
    out = []
    for i, t in enumerate(tools or []):
        name = (t.get("tool") or "").strip().lower()
        if not name:
            raise InputError(f"tool {i + 1}: name the tool")
        if name in CALCULATED_TOOLS and t.get("items") is not None:
            try:
                fn = CALCULATED_TOOLS[name]
                scored = fn(t["items"], pol) if name == "ospc" else fn(t["items"])
            except CodingError as exc:
                raise InputError(f"{name}: {exc}") from None
            out.append(ToolScore(tool=name, score=scored.score, band=scored.band,
                                 items={**t["items"], "_lines": list(scored.lines), **scored.extra},
                                 calculated=True))
        else:
            score = t.get("score")
            if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
                raise InputError(f"{name}: the score must be a number")
            out.append(ToolScore(tool=name, score=score, band=str(t.get("band") or "")[:32], calculated=False))
    return out


@transaction.atomic
def record_assessment(*, actor, subject: Subject, date: dt.date, risk_level: str, rationale: str,
                      factors: dict | None = None, tools: Sequence[dict] = ()) -> Assessment:
    """Record an assessment. The level is the assessor's judgement; it takes effect once a supervisor approves."""
    if risk_level not in RiskLevel.values:
        raise InputError(f"{risk_level!r} is not a risk level")
    if len((rationale or "").strip()) < 20:
        raise InputError("give the rationale for the level (at least 20 characters)")
    _not_future(date, "the assessment date")
    if date < subject.managed_from:
        raise InputError("the assessment is dated before management began")
    assessor = _officer(actor)
    checks.refuse_repeated_assessment(subject=subject, day=date, assessor=assessor)
    scored = score_tools(tools, policy.current())
    a = Assessment.objects.create(subject=subject, date=date, risk_level=risk_level, assessor=assessor,
                                  rationale=rationale.strip(), factors=_factors(factors), recorded_at=clock.now())
    for t in scored:
        t.assessment = a
    ToolScore.objects.bulk_create(scored)
    _log(actor, subject, "collection", f"risk assessment dated {date.isoformat()} ({risk_level}) recorded; "
                                       "awaiting supervisor approval")
    return a


@transaction.atomic
def approve_assessment(*, actor, assessment: Assessment, on: dt.date, note: str = "") -> Assessment:
    """A supervisor (DS or above, not the assessor) approves: the level takes effect from ``on``."""
    officer = _supervisor(actor, "an assessment")
    a = Assessment.objects.select_for_update(of=("self",)).select_related("approved_by").get(pk=assessment.pk)
    if a.approved_on is not None:
        by = a.approved_by.name if a.approved_by else "a supervisor"
        when = f"at {clock.said(a.approved_at)}" if a.approved_at else f"on {a.approved_on:%d %B %Y}"
        raise Superseded(f"this assessment was already approved by {by} {when}")
    if a.assessor_id == officer.pk:
        raise InputError("nobody approves their own assessment")
    _not_future(on, "the approval date")
    if on < a.date:
        raise InputError("the approval cannot be before the assessment")
    a.approved_by, a.approved_on, a.approved_at, a.approval_note = officer, on, clock.now(), (note or "").strip()
    a.save(update_fields=["approved_by", "approved_on", "approved_at", "approval_note"])
    _log(actor, a.subject, "alteration", f"risk assessment dated {a.date.isoformat()} ({a.risk_level}) approved")
    _rejudge(actor, a.subject, f"the approval on {clock.day_said(on)} of the assessment dated {clock.day_said(a.date)}")
    return a


# Visits -----------------------------------------------------------------------------------------------------
@transaction.atomic
def request_announcement(*, actor, subject: Subject, planned_for: dt.date, reason: str) -> AnnouncementApproval:
    if len((reason or "").strip()) < 10:
        raise InputError("say why this visit must be announced (at least 10 characters)")
    r = AnnouncementApproval.objects.create(subject=subject, planned_for=planned_for, reason=reason.strip(),
                                            requested_by=_officer(actor), requested_at=clock.now())
    _log(actor, subject, "collection", f"announced visit on {planned_for.isoformat()} requested")
    return r


@transaction.atomic
def decide_announcement(*, actor, approval: AnnouncementApproval, approve: bool, note: str) -> AnnouncementApproval:
    officer = _supervisor(actor, "an announced visit")
    a = AnnouncementApproval.objects.select_for_update(of=("self",)).select_related("decided_by").get(pk=approval.pk)
    if a.approved is not None:
        by = a.decided_by.name if a.decided_by else "a supervisor"
        when = f" at {clock.said(a.decided_at)}" if a.decided_at else ""
        raise Superseded(f"this request was already {'approved' if a.approved else 'refused'} by {by}{when}")
    if a.requested_by_id == officer.pk:
        raise InputError("nobody approves their own request")
    if not approve and len((note or "").strip()) < 5:
        raise InputError("say why the request is refused")
    a.approved, a.decided_by, a.decided_at, a.decision_note = approve, officer, clock.now(), (note or "").strip()
    a.save()
    _log(actor, a.subject, "alteration",
         f"announced visit on {a.planned_for.isoformat()} {'approved' if approve else 'refused'}")
    return a


def _needs_approval(subject: Subject, on: dt.date) -> str | None:
    pol = policy.current()
    level, _ = facts.risk_level(subject, on, pol)
    return level if level in pol["visits.announced_approval_levels"] else None


def record_visit(*, actor, subject: Subject, date: dt.date, time: dt.time | None, outcome: str, announced: bool,
                 announce_reason: str = "", devices_checked: bool | None = None, concerns: str = "",
                 notes: str = "", other_officers: Iterable[Officer] = (), idempotency_key: str | None = None,
                 lead_officer: Officer | None = None) -> tuple[Visit, bool]:
    """Record a visit. Returns (visit, created): a retried submission with the same key returns the first one."""
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = Visit.objects.filter(idempotency_key=key).first()
        if existing:
            if existing.subject_id != subject.pk:
                raise InputError("that submission key was used for another subject")
            return existing, False
    if outcome not in Outcome.values:
        raise InputError(f"{outcome!r} is not a visit outcome")
    _not_future(date, "the visit date")
    if date < subject.managed_from:
        raise InputError(f"the visit is dated before the subject was managed (from {subject.managed_from})")
    problem = checks.announce_reason_problem(announced, announce_reason)
    if problem:
        raise InputError(problem)
    checks.refuse_repeated_visit(subject=subject, day=date, time=time, outcome=outcome)
    approval = None
    if announced:
        level = _needs_approval(subject, date)
        if level:
            approval = (AnnouncementApproval.objects.filter(subject=subject, planned_for=date, approved=True)
                        .order_by("-decided_at").first())
            if approval is None or approval.decided_at.date() > date:
                raise InputError(f"an announced visit to a {level.replace('_', ' ')} risk subject needs a "
                                 f"supervisor's approval recorded in advance for {date.isoformat()}")
    lead = lead_officer or _officer(actor)
    try:
        with transaction.atomic():
            v = Visit.objects.create(subject=subject, date=date, time=time, outcome=outcome, announced=announced,
                                     announce_reason=(announce_reason or "").strip() if announced else "",
                                     announcement_approval=approval, devices_checked=devices_checked,
                                     concerns=(concerns or "").strip(), notes=(notes or "").strip(),
                                     lead_officer=lead, idempotency_key=key, recorded_at=clock.now())
            others = [o for o in other_officers if o.pk != lead.pk]
            if others:
                v.other_officers.set(others)
            _log(actor, subject, "collection", f"visit on {date.isoformat()} recorded ({outcome}"
                                               f"{', announced' if announced else ''})")
            at = f" at {time:%H:%M}" if time else ""
            _rejudge(lead, subject, f"the visit on {clock.day_said(date)}{at}")
    except IntegrityError:
        if key:  # the same submission arrived twice at once: the first one won
            return Visit.objects.get(idempotency_key=key), False
        raise
    return v, True


# Escalations ------------------------------------------------------------------------------------------------
def _close(e: Escalation, *, on: dt.date, reason: str) -> None:
    e.closed_on, e.close_reason = on, reason
    e.save(update_fields=["closed_on", "close_reason"])
    EscalationEvent.objects.create(escalation=e, on=on, what="closed", detail=reason)


def _latest_decision(escalation_pk: int) -> EscalationDecision | None:
    return (EscalationDecision.objects.filter(escalation_id=escalation_pk).select_related("decided_by")
            .order_by("-recorded_at", "-pk").first())


def decisions_seen(escalation: Escalation) -> str:
    """What a person deciding has seen, for the form's hidden ``seen`` field: the latest decision's id, or
    "none"."""
    latest = _latest_decision(escalation.pk)
    return str(latest.pk) if latest else "none"


@transaction.atomic
def decide_escalation(*, actor, escalation: Escalation, decided_on: dt.date, options: Sequence[str],
                      rationale: str, next_review: dt.date | None, resolves: bool = False,
                      applicant: Officer | None = None, seen: str | None = None) -> EscalationDecision:
    """The owner's decision: the options chosen, a rationale and the next review. A resolution closes it.

    The owner decides; an officer senior to the owner may decide in their place (recorded as such). A s.96B
    warrant application is made by a Supt or above: name them, unless the decider is one.

    ``seen`` is the latest decision the person saw (``decisions_seen``). People deciding at once are served one
    at a time (the escalation's row is locked); if someone recorded a decision since, the person is told who and
    when (``Superseded``), nothing is written, and they read it and decide again.
    """
    officer = _officer(actor)
    e = Escalation.objects.select_for_update(of=("self",)).select_related("owner", "subject").get(pk=escalation.pk)
    latest = _latest_decision(e.pk)
    if seen and seen != (str(latest.pk) if latest else "none") and latest is not None:
        closed = " and closed it" if latest.resolves else ""
        raise Superseded(f"{latest.decided_by.name} recorded a decision on this escalation{closed} a moment ago "
                         f"(at {clock.said(latest.recorded_at)}): read it and decide again")
    if e.closed_on is not None:
        raise InputError(f"this escalation was closed on {e.closed_on:%d %B %Y}: {e.close_reason}")
    owner_rank = e.owner.rank if e.owner else "DI"
    if officer.pk != e.owner_id and not (rank_at_least(officer.rank, owner_rank) and officer.rank != owner_rank):
        raise AccessDenied("only the owner, or an officer senior to them, records this decision")
    chosen = list(dict.fromkeys(options or []))
    if not chosen:
        raise InputError("choose at least one option")
    unknown = [o for o in chosen if o not in DecisionOption.values]
    if unknown:
        raise InputError(f"{unknown[0]!r} is not an option")
    if len((rationale or "").strip()) < 20:
        raise InputError("give the rationale for the decision (at least 20 characters)")
    _not_future(decided_on, "the decision date")
    if decided_on < e.opened_on:
        raise InputError("the decision cannot be before the escalation opened")
    if not resolves:
        if next_review is None:
            raise InputError("set the next review date (or record that this resolves the escalation)")
        if next_review <= decided_on:
            raise InputError("the next review must be after the decision")
    pol = policy.current()
    if DecisionOption.S96B_WARRANT in chosen:
        if e.kind != "S96B_WARRANT_CONSIDERATION":
            raise InputError("a s.96B warrant is an option only after failed access")
        applicant = applicant or (officer if rank_at_least(officer.rank, pol["escalations.s96b_applicant_rank"])
                                  else None)
        if applicant is None or not rank_at_least(applicant.rank, pol["escalations.s96b_applicant_rank"]):
            raise InputError(f"a s.96B application is made by a {pol['escalations.s96b_applicant_rank']} or "
                             "above: name the applying officer")
    else:
        applicant = None
    d = EscalationDecision.objects.create(escalation=e, decided_by=officer, decided_on=decided_on, options=chosen,
                                          rationale=rationale.strip(), next_review=next_review, applicant=applicant,
                                          resolves=resolves, recorded_at=clock.now())
    on_behalf = "" if officer.pk == e.owner_id else f" (in place of the owner {e.owner.ref if e.owner else '—'})"
    EscalationEvent.objects.create(escalation=e, on=decided_on, what="decided", officer=officer,
                                   detail=f"{', '.join(chosen)}{on_behalf}")
    if resolves:
        _close(e, on=decided_on, reason=f"resolved by {officer.name}: {rationale.strip()[:200]}")
    else:
        e.deadline = next_review
        e.save(update_fields=["deadline"])
    _log(actor, e.subject, "alteration", f"decision on escalation {e.kind} recorded"
                                         f"{' (resolved)' if resolves else ''}")
    _hand_over_next_steps(officer, e, d, pol)
    _rejudge(officer, e.subject, f"the decision of {clock.day_said(decided_on)} on the escalation")
    return d


def _hand_over_next_steps(officer: Officer, e: Escalation, d: EscalationDecision, pol) -> None:
    """A decision that names the next actor gives them their task, carrying the decider's rationale: the s.96B
    application to the named applicant; a safeguarding referral to the subject's manager (``vigil.work``)."""
    from vigil.work.services import hand_over

    decided = (f"{officer.titled} decided on {clock.day_said(d.decided_on)}: "
               f"{'; '.join(DecisionOption(o).label for o in d.options)}")
    common = {"record_type": "subject", "record_ref": e.subject.ref, "handed_over": d.rationale, "by": officer,
              "reasons": [decided, *(e.reasons or [])]}
    if d.applicant is not None:
        hand_over(source=f"escalation-decision:{d.pk}:s96b", kind="s96b_application", owner=d.applicant,
                  title="Apply for a s.96B warrant to enter and search", severity="critical",
                  due=d.recorded_at + dt.timedelta(hours=pol["escalations.s96b_application_hours"]), **common)
    if DecisionOption.SAFEGUARDING_REFERRAL in d.options:
        to = e.subject.manager or officer
        hand_over(source=f"escalation-decision:{d.pk}:referral", kind="safeguarding_referral", owner=to,
                  title="Make the safeguarding referral for the child", severity="critical",
                  due=d.recorded_at + dt.timedelta(hours=pol["escalations.safeguarding_referral_hours"]), **common)


# Planning ---------------------------------------------------------------------------------------------------
def plan_visits(*, actor, officer: Officer, as_of: dt.date, horizon_days: int = 14, save: bool = False):
    """Propose a visit for each of ``officer``'s subjects due within the horizon (or overdue) that has no plan
    yet. Returns [(subject, status, proposal)]; with ``save`` the proposals become the officer's plan."""
    from django.conf import settings

    from vigil.offenders import planner
    from vigil.offenders.status import statuses

    pol = policy.current()
    subjects = Subject.objects.restrict(actor).filter(manager=officer)
    horizon = as_of + dt.timedelta(days=horizon_days)
    st = {pk: s for pk, s in statuses(subjects, as_of, pol).items()
          if s.visit_due is not None and (s.overdue or s.visit_due <= horizon)}
    planned = set(VisitPlan.objects.filter(subject_id__in=st, cancelled=False, date__gt=as_of)
                  .values_list("subject_id", flat=True))
    todo = [pk for pk in st if pk not in planned]
    recent: dict[int, list] = {}
    for sid, day, time in (Visit.objects.filter(subject_id__in=todo, date__lte=as_of)
                           .order_by("subject_id", "-date", "-time").values_list("subject_id", "date", "time")):
        lst = recent.setdefault(sid, [])
        if len(lst) < pol["planner.recent_visits"]:
            lst.append((day, time))
    busy = Counter(VisitPlan.objects.filter(officer=officer, cancelled=False, date__gt=as_of)
                   .values_list("date", flat=True))
    by_pk = {s.pk: s for s in Subject.objects.filter(pk__in=todo).select_related("person")}
    out = []
    for pk in sorted(todo, key=lambda p: st[p].visit_due):
        s = st[pk]
        interval = pol[f"visits.interval_days.{s.level}"]
        window = planner.due_window(pol, as_of=as_of, due=s.visit_due, last_success=s.last_success,
                                    interval=interval)
        rng = planner.rng_for(settings.SECRET_KEY, s.ref, as_of.isoformat(), officer.ref)
        p = planner.propose(rng=rng, window=window, recent=recent.get(pk, []), busy=busy,
                            max_per_day=pol["planner.max_visits_per_day"])
        if p is None:
            continue
        busy[p.date] += 1
        out.append((by_pk[pk], s, p))
    if save and out:
        with transaction.atomic():
            now = clock.now()
            VisitPlan.objects.bulk_create([VisitPlan(subject=subj, officer=officer, date=p.date,
                                                     window_start=p.window_start, window_end=p.window_end,
                                                     reasons=list(p.reasons), created_at=now)
                                           for subj, _, p in out])
            access_log.record(actor=actor, operation="alteration", record_type="subject",
                              record_ids=[subj.ref for subj, _, _ in out], justification=OWN_WORK,
                              detail=f"unannounced visits planned for {officer.ref}")
    return out
