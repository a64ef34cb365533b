"""Owned work on the web: a person's queue and their team's (for a supervisor), and a task's page where it is
claimed, reassigned with a reason, and closed with its outcome. Names, not ids; most urgent first; filtered and
paged; every record shown is written to the access log."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vigil.accounts.models import Officer
from vigil.core import clock
from vigil.core.errors import AccessDenied, InputError
from vigil.sweep.catalogue import CATALOGUE
from vigil.web.lists import listed
from vigil.web.names import RECORD_WORDS, names_of, record_url
from vigil.web.shown import log_shown
from vigil.work import services
from vigil.work.models import Task
from vigil.work.queue import work_for, work_of
from vigil.work.registry import WorkItem

AREAS = {"offenders": "Offender management", "missing": "Missing children", "investigations": "Investigations",
         "standards": "Professional standards", "people": "People"}
AREA_OF_RECORD = {"subject": "offenders", "episode": "missing", "person": "missing", "address": "missing",
                  "crime": "investigations", "officer": "investigations", "officer_case": "standards",
                  "match": "people"}
KINDS = {"alert": "Alerts", "escalation": "Decisions awaited", "task": "Tasks handed to you",
         "approval": "Approvals"}
DUE = {"overdue": "Overdue", "today": "Due today", "week": "Due within 7 days"}
PER_PAGE = 25


class Filters(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *KINDS.items()])
    area = forms.ChoiceField(label="Area", required=False, choices=[("", "Any area"), *AREAS.items()])
    due = forms.ChoiceField(label="Due", required=False, choices=[("", "Any time"), *DUE.items()])
    holder = forms.ModelChoiceField(label="Held by", required=False, queryset=Officer.objects.none(),
                                    empty_label="Anyone in the team")


def _record(item: WorkItem) -> tuple[str, str]:
    record_type, _, ref = item.record.partition(" ")
    return record_type, ref


def area_of(item: WorkItem) -> str:
    if item.kind == "alert" and item.detail.get("code") in CATALOGUE:
        return CATALOGUE[item.detail["code"]].area
    if item.kind == "escalation":
        return "offenders"
    return AREA_OF_RECORD.get(_record(item)[0], "")


def link_of(item: WorkItem) -> str:
    if item.link:
        return item.link
    if item.kind == "task":
        return reverse("work:task", args=[item.detail["task"]])
    if item.kind == "escalation":
        return reverse("offenders:escalation", args=[item.detail["escalation"]])
    return record_url(*_record(item))


def due_at(item: WorkItem) -> dt.datetime:
    due = item.due
    if isinstance(due, dt.datetime):
        return due
    return dt.datetime.combine(due, dt.time(23, 59), tzinfo=clock.now().tzinfo)


def is_overdue(item: WorkItem, now: dt.datetime) -> bool:
    """Past its due time. An alert has no deadline of its own (it holds until its cause is gone; its escalation
    carries the deadline), so an alert is never "overdue"."""
    return item.kind != "alert" and due_at(item) < now


def _said(due) -> str:
    """One date style: "1 Dec 2026", with the time (UK) when the item has one."""
    if isinstance(due, dt.datetime):
        local = timezone.localtime(due)
        return f"{clock.day_said(local)} {local:%H:%M}"
    return clock.day_said(due)


def _keep(item: WorkItem, f: dict, now: dt.datetime) -> bool:
    if f.get("kind") and item.kind != f["kind"]:
        return False
    if f.get("area") and area_of(item) != f["area"]:
        return False
    due = due_at(item)
    today = clock.today()
    when = f.get("due")
    if when == "overdue":
        return is_overdue(item, now)
    if when == "today":
        return due.date() == today
    if when == "week":
        return due.date() <= today + dt.timedelta(days=7)
    return True


def rows_for(items: list[WorkItem], holders: dict[str, str]) -> list[dict]:
    now = clock.now()
    return [{"item": i, "area": AREAS.get(area_of(i), ""), "link": link_of(i), "overdue": is_overdue(i, now),
             "due": (f"open since {_said(i.due)}" if i.kind == "alert" else f"due {_said(i.due)}"),
             "holder": holders.get(i.owner or "", "") if i.owner else "Team queue (unclaimed)"} for i in items]


def totals(request, everything: list[WorkItem], now: dt.datetime) -> dict:
    """What heads a queue: how many items, critical, overdue, and how many of each kind (each a filter link)."""
    kinds = Counter(i.kind for i in everything)
    by_kind = []
    for kind, label in KINDS.items():
        if kinds[kind]:
            q = request.GET.copy()
            q.pop("page", None)
            q["kind"] = kind
            by_kind.append({"label": label, "count": kinds[kind], "query": q.urlencode(),
                            "current": request.GET.get("kind") == kind})
    return {"total": len(everything), "critical": sum(1 for i in everything if i.severity == "critical"),
            "overdue": sum(1 for i in everything if is_overdue(i, now)), "by_kind": by_kind}


def show(request, rows: list[dict], detail: str) -> dict[str, str]:
    """Name the records on the page, and log them (and the records the reasons name) as consulted."""
    refs: dict[str, set[str]] = {}
    for r in rows:
        t, ref = _record(r["item"])
        refs.setdefault(t, set()).add(ref)
    names = names_of(refs, viewer=request.user)
    for r in rows:
        r["name"] = names.get(_record(r["item"]), "")
        r["record_type"], r["ref"] = _record(r["item"])
        r["record_word"] = RECORD_WORDS.get(r["record_type"], r["record_type"])
    return log_shown(request.user, {t: sorted(v) for t, v in refs.items()}, justification="own or team work",
                     detail=detail, texts=[x for r in rows for x in r["item"].reasons], names=True)


def _page(request, items, holders, detail) -> dict:
    shown = listed(request, items, PER_PAGE)
    rows = rows_for(list(shown.page.object_list), holders)
    shown.page.names = show(request, rows, f"{detail} (page {shown.page.number})")
    return {"page": shown.page, "rows": rows, "query": shown.query}


@login_required
@permission_required("vigil.use", raise_exception=True)
def queue(request):
    """My work: every item I hold, and those waiting in my team's queue, most urgent first."""
    officer = request.officer
    if officer is None:
        return render(request, "web/error.html", {"title": "No officer record",
                                                  "message": "This account is not linked to an officer."}, status=403)
    filters = Filters(request.GET or None)
    f = filters.cleaned_data if filters.is_valid() else {}
    now = clock.now()
    everything = work_for(officer)
    items = [i for i in everything if _keep(i, f, now)]
    return render(request, "work/queue.html", {
        "title": "My work", "filters": filters, **_page(request, items, {officer.ref: officer.titled}, "my work queue"),
        **totals(request, everything, now),
        "team_view": request.user.has_perm("vigil.supervise_work")})


@login_required
@permission_required("vigil.supervise_work", raise_exception=True)
def team(request):
    """A supervisor's view: the team's items and who holds them."""
    officer = request.officer
    members = list(Officer.objects.filter(team_id=officer.team_id, active=True).order_by("name"))
    filters = Filters(request.GET or None)
    filters.fields["holder"].queryset = Officer.objects.filter(pk__in=[m.pk for m in members])
    f = filters.cleaned_data if filters.is_valid() else {}
    now = clock.now()
    everything = work_of([f["holder"]] if f.get("holder") else members)
    items = [i for i in everything if _keep(i, f, now)]
    return render(request, "work/queue.html", {
        "title": f"Team work: {officer.team.name}", "filters": filters,
        **_page(request, items, {m.ref: m.titled for m in members}, f"team work queue ({officer.team.name})"),
        **totals(request, everything, now), "team": True})


class ClaimForm(forms.Form):
    pass


class CloseForm(forms.Form):
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What was done (or why it is no longer needed).")
    done = forms.TypedChoiceField(label="This task is", coerce=lambda v: v == "done", widget=forms.RadioSelect,
                                  choices=[("done", "Done"), ("cancelled", "No longer needed (cancel it)")],
                                  initial="done")


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label="Give it to", queryset=Officer.objects.none())
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded in the task's history, for the new holder and for assurance.")


def _visible(officer, task: Task) -> bool:
    return officer is not None and (task.owner_id == officer.pk or task.team_id == officer.team_id
                                    or services.may_reassign(officer, task))


@login_required
@permission_required("vigil.use", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task(request, pk: int):
    t = get_object_or_404(Task.objects.select_related("owner", "team", "created_by"), pk=pk)
    officer = request.officer
    if not _visible(officer, t):
        return render(request, "web/error.html", {"title": "Access refused", "message":
                      "This task belongs to another team."}, status=403)
    may_reassign = services.may_reassign(officer, t)
    close_form = CloseForm(prefix="close")
    reassign_form = ReassignForm(prefix="reassign") if may_reassign else None
    if reassign_form is not None:
        reassign_form.fields["to"].queryset = Officer.objects.filter(team_id=t.team_id, active=True).order_by("name")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "claim":
                services.claim(actor=request.user, officer=officer, task=t)
                messages.success(request, "You hold this task now.")
                return redirect("work:task", pk=t.pk)
            if action == "close":
                close_form = CloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    services.close(actor=request.user, officer=officer, task=t,
                                   outcome=close_form.cleaned_data["outcome"], done=close_form.cleaned_data["done"])
                    messages.success(request, "Task closed with its outcome.")
                    return redirect("work:queue")
            elif action == "reassign" and reassign_form is not None:
                reassign_form = ReassignForm(request.POST, prefix="reassign")
                reassign_form.fields["to"].queryset = Officer.objects.filter(team_id=t.team_id, active=True)
                if reassign_form.is_valid():
                    d = reassign_form.cleaned_data
                    services.reassign(actor=request.user, officer=officer, task=t, to=d["to"], reason=d["reason"])
                    messages.success(request, f"Task given to {d['to'].titled}.")
                    return redirect("work:task", pk=t.pk)
            else:
                raise InputError("choose what to do with this task")
        except (InputError, AccessDenied) as exc:
            target = reassign_form if action == "reassign" and reassign_form is not None else close_form
            field = {"outcome": "outcome", "say why": "reason", "is for a": "to", "not an active": "to"}
            where = next((v for k, v in field.items() if k in str(exc) and v in target.fields), None)
            target.add_error(where, str(exc))
            status = 403 if isinstance(exc, AccessDenied) else 400
            t.refresh_from_db()
        else:
            status = 400
    names = names_of({t.record_type: {t.record_ref}}, viewer=request.user)
    log_shown(request.user, {t.record_type: [t.record_ref]}, justification="own or team work",
              detail=f"task: {t.title}", texts=[*t.reasons, t.handed_over])
    return render(request, "work/task.html", {
        "t": t, "name": names.get((t.record_type, t.record_ref), ""), "link": record_url(t.record_type, t.record_ref, viewer=request.user),
        "record_word": RECORD_WORDS.get(t.record_type, t.record_type),
        "events": list(t.events.select_related("officer")), "close_form": close_form, "reassign_form": reassign_form,
        "may_claim": t.status == "open" and t.owner_id is None and officer.team_id == t.team_id,
        "may_close": t.status == "open" and (t.owner_id in (None, officer.pk) or t.team_id == officer.team_id),
        "overdue": t.status == "open" and t.due < clock.now()}, status=status)
