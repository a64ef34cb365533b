"""Offender-management pages. Views only route: reads come from selectors, writes from services, and a
service's InputError is shown next to the field it concerns (or at the top of the form)."""
from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vigil.core import access_log, clock, policy
from vigil.core.errors import AccessDenied, InputError, Superseded
from vigil.core.exports import csv_writer
from vigil.core.scope import officer_of
from vigil.offenders import selectors, services
from vigil.offenders.filters import SubjectFilter
from vigil.offenders.forms import (
    AnnouncementDecisionForm,
    AnnouncementRequestForm,
    ApproveAssessmentForm,
    AssessmentForm,
    DecisionForm,
    ModeForm,
    NotificationForm,
    OrderForm,
    PlanForm,
    SubjectForm,
    VisitForm,
)
from vigil.offenders.models import AnnouncementApproval, Assessment, Subject, VisitPlan
from vigil.web.actions import opened
from vigil.web.asof import as_of
from vigil.web.lists import listed

FIELD_HINTS = {  # where a service's message belongs on the form
    "visit date": "date", "before the subject was managed": "date", "announced visit": "announce_reason",
    "outcome": "outcome", "risk level": "risk_level", "rationale": "rationale", "assessment date": "date",
    "dated before": "date", "next review": "next_review", "s.96B": "applicant", "option": "options",
    "decision date": "decided_on", "before the escalation": "decided_on", "approval": "on",
    "order's end": "end", "notification": "on", "mode": "mode", "the date": "on", "MAPPA": "mappa_level",
}


def _error(form, exc: Exception) -> None:
    message = str(exc)
    for hint, field in FIELD_HINTS.items():
        if hint in message and field in form.fields:
            form.add_error(field, message)
            return
    form.add_error(None, message)


def _refused(request, message: str, status: int = 403):
    return render(request, "web/error.html", {"title": "Access refused" if status == 403 else "Not found",
                                              "message": message}, status=status)


def _subject(request, ref: str):
    """The subject if the user may open it, else the response to send (404, break-glass, refusal)."""
    return opened(request, selectors.open_subject(actor=request.user, ref=ref), kind="subject", ref=ref)


@login_required
@permission_required("vigil.view_subject", raise_exception=True)
def day(request):
    """The offender manager's day: overdue, due soon, planned, reviews due."""
    when = as_of(request)
    return render(request, "offenders/day.html", {"day": selectors.my_day(actor=request.user, as_of=when)})


@login_required
@permission_required("vigil.view_subject", raise_exception=True)
def subjects(request):
    """The subjects in the officer's work, filtered (``offenders/filters.py``) and paged."""
    shown = listed(request, selectors.subjects_for(request.user).select_related("person", "manager", "team"),
                   SUBJECTS_PAGE, filterset=SubjectFilter, order=("person__surname", "person__given_names", "ref"))
    access_log.record(actor=request.user, operation="consultation", record_type="subject",
                      record_ids=[s.ref for s in shown.page], justification="own or team work",
                      detail=f"subject list (page {shown.page.number})")
    return render(request, "offenders/subjects.html", {"filter": shown.filter, "page": shown.page,
                                                       "query": shown.query}, status=shown.status)


SUBJECTS_PAGE = 50


@login_required
@permission_required("vigil.view_subject", raise_exception=True)
def subject(request, ref: str):
    s, response = _subject(request, ref)
    if response:
        return response
    when = as_of(request)
    page = selectors.subject_page(actor=request.user, subject=s, as_of=when)
    return render(request, "offenders/subject.html", {"subject": s, "as_of_day": when, **page})


@login_required
@permission_required("vigil.record_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_visit(request, ref: str):
    s, response = _subject(request, ref)
    if response:
        return response
    form = VisitForm(request.POST or None, team=s.team,
                     initial={"date": clock.today(), "idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit, created = services.record_visit(
                actor=request.user, subject=s, date=d["date"], time=d["time"], outcome=d["outcome"],
                announced=d["announced"], announce_reason=d["announce_reason"], devices_checked=d["devices_checked"],
                concerns=d["concerns"], notes=d["notes"], other_officers=d["other_officers"],
                idempotency_key=d["idempotency_key"])
        except (InputError, AccessDenied) as exc:
            _error(form, exc)
        else:
            messages.success(request, f"Visit on {visit.date:%d %B %Y} recorded ({visit.get_outcome_display()})."
                             if created else "This visit was already recorded: nothing was duplicated.")
            return redirect("offenders:subject", ref=s.ref)
    return render(request, "offenders/visit_form.html", {"subject": s, "form": form})


@login_required
@permission_required("vigil.record_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_assessment(request, ref: str):
    s, response = _subject(request, ref)
    if response:
        return response
    form = AssessmentForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(actor=request.user, subject=s, date=form.cleaned_data["date"],
                                       risk_level=form.cleaned_data["risk_level"],
                                       rationale=form.cleaned_data["rationale"], factors=form.factors(),
                                       tools=form.tools())
        except InputError as exc:
            _error(form, exc)
        else:
            messages.success(request, "Assessment recorded. It takes effect when a supervisor approves it.")
            return redirect("offenders:subject", ref=s.ref)
    return render(request, "offenders/assessment_form.html", {"subject": s, "form": form})


@login_required
@permission_required("vigil.approve_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def approve_assessment(request, pk: int):
    a = Assessment.objects.restrict(request.user).select_related("subject", "assessor").filter(pk=pk).first()
    if a is None:
        return _refused(request, "No such assessment in your work.", 404)
    _, response = _subject(request, a.subject.ref)
    if response:
        return response
    form = ApproveAssessmentForm(request.POST or None, initial={"on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_assessment(actor=request.user, assessment=a, on=form.cleaned_data["on"],
                                        note=form.cleaned_data["note"])
        except AccessDenied as exc:
            return _refused(request, str(exc))
        except InputError as exc:
            _error(form, exc)
        else:
            messages.success(request, f"Assessment approved: {a.subject.ref} is now {a.get_risk_level_display()} "
                                      "risk.")
            return redirect("offenders:queue")
    return render(request, "offenders/approve_assessment.html", {"a": a, "form": form,
                                                                  "tools": list(a.tools.all())})


@login_required
@permission_required("vigil.decide_announcement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def decide_announcement(request, pk: int):
    scope = Subject.objects.restrict(request.user).values("pk")
    a = AnnouncementApproval.objects.filter(pk=pk, subject__in=scope).select_related("subject", "requested_by").first()
    if a is None:
        return _refused(request, "No such request in your work.", 404)
    form = AnnouncementDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_announcement(actor=request.user, approval=a,
                                         approve=form.cleaned_data["decision"] == "approve",
                                         note=form.cleaned_data["note"])
        except AccessDenied as exc:
            return _refused(request, str(exc))
        except InputError as exc:
            _error(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("offenders:queue")
    access_log.consulted(request.user, "subject", a.subject.ref, "own or team work", "announced-visit request opened")
    return render(request, "offenders/decide_announcement.html", {"a": a, "form": form})


@login_required
@permission_required("vigil.view_subject", raise_exception=True)
@require_http_methods(["GET", "POST"])
def escalation(request, pk: int):
    e, response = opened(request, selectors.escalation_for(actor=request.user, pk=pk), kind="escalation", ref=pk)
    if response:
        return response
    officer = officer_of(request.user)
    may_decide = request.user.has_perm("vigil.decide_escalation") and (e.closed_on is None or
                                                                         request.method == "POST")
    form = DecisionForm(request.POST or None, initial={"decided_on": clock.today(),
                                                       "seen": services.decisions_seen(e)}) if may_decide else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _refused(request, "You cannot record a decision on this escalation.")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.decide_escalation(actor=request.user, escalation=e, decided_on=d["decided_on"],
                                           options=d["options"], rationale=d["rationale"],
                                           next_review=d["next_review"], resolves=d["resolves"],
                                           applicant=d["applicant"], seen=d["seen"] or None)
            except AccessDenied as exc:
                form.add_error(None, str(exc))
            except InputError as exc:
                e.refresh_from_db()
                if e.closed_on is not None:  # closed (by someone's decision since): nothing left to decide
                    form, status = None, 409
                    messages.error(request, str(exc))
                elif isinstance(exc, Superseded):  # someone decided since: show theirs, keep these entries
                    form, status = _decide_again(e, request.POST, str(exc)), 409
                else:
                    _error(form, exc)
            else:
                messages.success(request, "Decision recorded.")
                return redirect("offenders:escalation", pk=e.pk)
    return render(request, "offenders/escalation.html", {
        "e": e, "form": form, "is_owner": officer is not None and e.owner_id == officer.pk,
        "decisions": list(e.decisions.select_related("decided_by", "applicant").order_by("decided_on", "pk")),
        "events": list(e.events.select_related("officer").order_by("on", "pk")),
    }, status=status)


def _decide_again(e, data, message: str) -> DecisionForm:
    """The decision form after someone else decided: what the person entered, now seeing the latest decision, with
    the message at the top."""
    form = DecisionForm({**data.dict(), "options": data.getlist("options"), "seen": services.decisions_seen(e)})
    form.is_valid()
    form.add_error(None, message)
    return form


def _subject_form(request, ref: str, *, form_class, initial, save, title: str, done: str, button: str = "Save",
                  **form_kwargs):
    """A small form about one subject: shown, validated, saved through ``save(subject, data)``; a service's
    InputError goes next to its field (or at the top)."""
    s, response = _subject(request, ref)
    if response:
        return response
    form = form_class(request.POST or None, initial=initial(s), **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(s, form.cleaned_data)
        except (InputError, AccessDenied) as exc:
            _error(form, exc)
        else:
            messages.success(request, done)
            return redirect("offenders:subject", ref=s.ref)
    return render(request, "offenders/simple_form.html", {"subject": s, "form": form, "title": title,
                                                           "button": button})


@login_required
@permission_required("vigil.change_subject", raise_exception=True)
@require_http_methods(["GET", "POST"])
def change_mode(request, ref: str):
    return _subject_form(request, ref, form_class=ModeForm, title="Change management mode",
                         done="Management mode changed.",
                         initial=lambda s: {"on": clock.today(), "mode": s.mode},
                         save=lambda s, d: services.change_mode(actor=request.user, subject=s, **d))


@login_required
@permission_required("vigil.change_subject", raise_exception=True)
@require_http_methods(["GET", "POST"])
def edit_subject(request, ref: str):
    subject = Subject.objects.filter(ref=ref).select_related("team").first()
    return _subject_form(request, ref, form_class=SubjectForm, title="Manager and MAPPA", done="Saved.",
                         team=subject.team if subject else None,
                         initial=lambda s: {"manager": s.manager_id, "mappa_category": s.mappa_category,
                                            "mappa_level": s.mappa_level, "no_fixed_abode": s.no_fixed_abode,
                                            "version": s.version},
                         save=lambda s, d: services.update_subject(actor=request.user, subject=s, **d))


@login_required
@permission_required("vigil.change_subject", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_notification(request, ref: str):
    return _subject_form(request, ref, form_class=NotificationForm, title="Record a notification",
                         done="Notification recorded.", initial=lambda s: {"on": clock.today(), "kind": "periodic"},
                         save=lambda s, d: services.record_notification(actor=request.user, subject=s, **d))


@login_required
@permission_required("vigil.change_subject", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_order(request, ref: str):
    return _subject_form(request, ref, form_class=OrderForm, title="Record an order", done="Order recorded.",
                         initial=lambda s: {}, save=lambda s, d: services.record_order(actor=request.user, subject=s,
                                                                                       **d))


@login_required
@permission_required("vigil.record_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_announcement(request, ref: str):
    return _subject_form(request, ref, form_class=AnnouncementRequestForm, title="Ask to announce a visit",
                         done="Request sent to your supervisor.", button="Send for approval", initial=lambda s: {},
                         save=lambda s, d: services.request_announcement(actor=request.user, subject=s, **d))


@login_required
@permission_required("vigil.approve_assessment", raise_exception=True)
def queue(request):
    when = as_of(request)
    return render(request, "offenders/queue.html", selectors.supervisor_queue(actor=request.user, as_of=when))


@login_required
@permission_required("vigil.view_offender_dashboard", raise_exception=True)
def dashboard(request):
    when = as_of(request)
    teams = list(selectors.teams_for(request.user))
    if not teams:
        return _refused(request, "No offender-management team is in your work.")
    chosen = next((t for t in teams if t.ref == request.GET.get("team")), None)
    officer = officer_of(request.user)
    team = chosen or next((t for t in teams if t.pk == officer.team_id), teams[0])
    data = selectors.team_dashboard(actor=request.user, team=team, as_of=when)
    return render(request, "offenders/dashboard.html", {"teams": teams, "d": data,
                                                         "policy": policy.current()})


@login_required
@permission_required("vigil.plan_visits", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan(request):
    when = as_of(request)
    officer = officer_of(request.user)
    form = PlanForm(request.POST if request.method == "POST" else {"horizon": request.GET.get("horizon", 14)})
    proposals = None
    if form.is_valid():
        save = request.method == "POST" and "save" in request.POST
        proposals = services.plan_visits(actor=request.user, officer=officer, as_of=when,
                                         horizon_days=form.cleaned_data["horizon"], save=save)
        if save:
            messages.success(request, f"{len(proposals)} visit(s) added to your plan.")
            return redirect("offenders:plan")
    plans = (VisitPlan.objects.filter(officer=officer, cancelled=False, date__gt=when)
             .select_related("subject__person").order_by("date", "window_start"))
    days = sorted({p.date for p in plans})
    access_log.consulted(request.user, "subject", [s.ref for s, _, _ in proposals or ()] + [p.subject.ref for p in plans],
                         "own or team work", "visit plan: proposed and planned visits")
    return render(request, "offenders/plan.html", {"form": form, "proposals": proposals, "plans": plans,
                                                    "days": days})


@login_required
@permission_required("vigil.plan_visits", raise_exception=True)
def plan_export(request):
    """One officer's plan for one day, as CSV to print or carry (logged as a consultation)."""
    officer = officer_of(request.user)
    try:
        day = clock.parse_as_of(request.GET.get("date", ""))
    except InputError:
        return render(request, "web/error.html", {"title": "Bad date", "message": "Give ?date=YYYY-MM-DD."},
                      status=400)
    plans = list(VisitPlan.objects.filter(officer=officer, date=day, cancelled=False)
                 .select_related("subject__person").prefetch_related("subject__person__addresses")
                 .order_by("window_start"))
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="visit-plan-{officer.ref}-{day.isoformat()}.csv"'
    w = csv_writer(response)
    w.writerow(["date", "from", "to", "subject", "name", "address", "unannounced", "why this time"])
    for p in plans:
        home = next((a for a in p.subject.person.addresses.all() if a.kind in ("notified", "home")), None)
        w.writerow([p.date.isoformat(), p.window_start.strftime("%H:%M"), p.window_end.strftime("%H:%M"),
                    p.subject.ref, p.subject.person.display_name, str(home or ""), "yes", "; ".join(p.reasons)])
    access_log.consulted(request.user, "subject", [p.subject.ref for p in plans], "own or team work",
                         f"day's visit plan exported for {day.isoformat()}")
    return response
