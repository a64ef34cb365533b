"""Allocation pages: the queue with batch allocation, the crime with its recommendation, the workload chart, the
team view of allocations below the required level, and the policy matrix. No rules here: see ``services``,
``selectors`` and ``rules``. A service's ``AccessDenied`` becomes the 403 page in ``FriendlyErrorMiddleware``."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import access_log, jobs
from vigil.core import policy as core_policy
from vigil.core.errors import InputError
from vigil.core.models import PolicyVersion
from vigil.crimes import offences
from vigil.investigations import jobs as investigation_jobs
from vigil.investigations import services
from vigil.investigations.flags import FLAG_LABELS, SOLVABILITY_FACTORS
from vigil.investigations.forms import AllocateForm, AssessForm, BatchForm, CloseForm, MatrixForm, ReopenForm
from vigil.investigations.models import BatchRun, Crime
from vigil.investigations.recommendation import recommend
from vigil.investigations.rules import CrimeRules
from vigil.investigations.selectors import (
    current_allocations,
    log_recommendation,
    open_crime,
    people_of,
    prioritised,
    queue,
)
from vigil.investigations.workload import below_required_level, workload
from vigil.web.actions import opened, submitted
from vigil.web.asof import as_of
from vigil.web.lists import listed
from vigil.web.shown import log_shown

QUEUE_PAGE = 50
SHOWN_INELIGIBLE = 50


def _scopes(officer) -> list[tuple[str, str]]:
    out = [(f"team:{officer.team_id}", f"My team ({officer.team.name})")]
    if officer.team.borough_id:
        out.append((f"borough:{officer.team.borough_id}", f"My borough ({officer.team.borough.name})"))
    out.append(("force", "The force"))
    return out


def _scope(request, default: str = "borough") -> tuple[str, int | None, int | None, str]:
    """The queue asked for (?scope=team:ID|borough:ID|force), limited to the officer's own team and borough."""
    officer = request.officer
    choices = dict(_scopes(officer))
    wanted = request.GET.get("scope") or request.POST.get("scope") or ""
    if wanted not in choices:
        wanted = next((k for k in choices if k.startswith(default)), "force")
    kind, _, _ = wanted.partition(":")
    team_id = officer.team_id if kind == "team" else None
    borough_id = officer.team.borough_id if kind == "borough" else None
    return wanted, team_id, borough_id, choices[wanted]


@login_required
@permission_required("vigil.view_crimes", raise_exception=True)
def queue_page(request):
    day = as_of(request)
    scope, team_id, borough_id, label = _scope(request)
    pol = core_policy.current()
    ordered = prioritised(queue(actor=request.user, as_of=day, team_id=team_id, borough_id=borough_id), pol)
    shown = listed(request, ordered, QUEUE_PAGE)
    page = shown.page
    crimes = Crime.objects.select_related("team").in_bulk([pk for pk, _, _ in page.object_list])
    rows = [{"crime": crimes[pk], "requirement": req, "priority": p, "offence": crimes[pk].offence}
            for pk, p, req in page.object_list]
    access_log.consulted(request.user, "crime", [r["crime"].ref for r in rows], "own or team work",
                         f"crime queue ({label}), page {page.number}")
    return render(request, "investigations/queue.html", {
        "rows": rows, "page": page, "query": shown.query, "scope": scope, "scope_label": label,
        "scopes": _scopes(request.officer),
        "batch_form": BatchForm(initial={"scope": scope}, scopes=_scopes(request.officer)),
        "can_batch": request.user.has_perm("vigil.batch_allocate"),
        "can_allocate": request.user.has_perm("vigil.allocate_crimes"),
        "runs": BatchRun.objects.restrict(request.user).order_by("-created_at")[:5],
    })


def _crime_or_refusal(request, ref: str, purpose: str):
    return opened(request, open_crime(actor=request.user, ref=ref, purpose=purpose), kind="crime", ref=ref)


def _crime_page(request, crime, *, allocate_form=None, assess_form=None, status=200):
    day = as_of(request)
    pol = core_policy.current()
    rules = CrimeRules(pol)
    rec = recommend(crime, as_of=day, pol=pol) if request.user.has_perm("vigil.allocate_crimes") else None
    if rec is not None:
        log_recommendation(request.user, rec, [*rec.eligible[:125], *rec.ineligible[:SHOWN_INELIGIBLE]])
    if rec is not None and allocate_form is None:
        held = crime.allocations.filter(end__isnull=True).select_related("officer").first()
        allocate_form = AllocateForm(eligible=rec.eligible,
                                     initial={"seen": held.officer.ref if held else "none"})
    if assess_form is None:
        assess_form = AssessForm(initial={"threat": crime.threat, "harm": crime.harm, "risk": crime.risk,
                                          "engagement": crime.engagement, "notes": crime.thrive_notes,
                                          "solvability": crime.solvability or []})
    return render(request, "investigations/crime.html", {
        "crime": crime, "offence": crime.offence, "flags": [FLAG_LABELS[f] for f in sorted(crime.flags)],
        "requirement": rules.requirement(crime.offence_code, crime.flags),
        "vulnerability": rules.vulnerability(crime.offence_code, crime.flags),
        "priority": prioritised(Crime.objects.filter(pk=crime.pk), pol)[0][1],
        "current": current_allocations([crime.pk], day).get(crime.pk),
        "history": crime.allocations.select_related("officer", "override_by", "allocated_by").order_by("start", "id"),
        "people": people_of(crime, request.user),
        "solvability": [SOLVABILITY_FACTORS[f] for f in crime.solvability or []],
        "rec": rec, "eligible": rec.eligible[:25] if rec else [], "more_eligible": rec.eligible[25:125] if rec else [],
        "eligible_more": max(0, len(rec.eligible) - 125) if rec else 0,
        "ineligible": rec.ineligible[:SHOWN_INELIGIBLE] if rec else [],
        "ineligible_more": max(0, len(rec.ineligible) - SHOWN_INELIGIBLE) if rec else 0,
        "allocate_form": allocate_form, "assess_form": assess_form,
        "can_allocate": rec is not None, "can_assess": request.user.has_perm("vigil.assess_crimes"),
        "may_override": services.may_override(request.user),
        "closures": crime.closures.select_related("closed_by", "reopened_by"),
    }, status=status)


@login_required
@permission_required("vigil.view_crimes", raise_exception=True)
def crime_page(request, ref: str):
    crime, refusal = _crime_or_refusal(request, ref, "crime record opened")
    return refusal or _crime_page(request, crime)


@login_required
@permission_required("vigil.allocate_crimes", raise_exception=True)
def recommendation_panel(request, ref: str):
    """The queue's recommendation panel for one crime (loaded into the queue page; a page of its own without
    JavaScript): the best eligible officers with one-click allocation, and the nearest ineligible ones."""
    crime, refusal = _crime_or_refusal(request, ref, "allocation recommendation")
    if refusal:
        return refusal
    pol = core_policy.current()
    rec = recommend(crime, as_of=as_of(request), pol=pol)
    template = "investigations/_recommendation.html" if request.headers.get("HX-Request") else \
        "investigations/recommendation.html"
    log_recommendation(request.user, rec, [*rec.eligible[:5], *rec.ineligible[:5]])
    return render(request, template, {"crime": crime, "offence": crime.offence, "rec": rec,
                                      "eligible": rec.eligible[:5], "ineligible": rec.ineligible[:5]})


@login_required
@permission_required("vigil.allocate_crimes", raise_exception=True)
@require_POST
def allocate(request, ref: str):
    crime, refusal = _crime_or_refusal(request, ref, "crime opened to allocate it")
    if refusal:
        return refusal
    day = as_of(request)
    rec = recommend(crime, as_of=day)
    form = AllocateForm(request.POST, eligible=rec.eligible)
    if form.is_valid():
        try:
            a = services.allocate(actor=request.user, crime=crime, officer_ref=form.cleaned_data["officer"], on=day,
                                  rationale=form.cleaned_data["rationale"], seen=form.cleaned_data["seen"] or None)
            messages.success(request, f"{crime.ref} allocated to {a.officer.name}"
                             + (" with a supervisor's override." if a.overridden else "."))
            return redirect("investigations:crime", ref=crime.ref)
        except services.NeedsOverride as exc:
            form.add_error("rationale", str(exc))
        except InputError as exc:
            form.add_error("officer", str(exc))
    return _crime_page(request, crime, allocate_form=form, status=400)


@login_required
@permission_required("vigil.assess_crimes", raise_exception=True)
@require_POST
def assess(request, ref: str):
    crime, refusal = _crime_or_refusal(request, ref, "crime opened to assess it")
    if refusal:
        return refusal
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.assess(actor=request.user, crime=crime, on=as_of(request), **form.cleaned_data)
            messages.success(request, "THRIVE assessment and solvability screening recorded.")
            return redirect("investigations:crime", ref=crime.ref)
        except InputError as exc:
            form.add_error(None, str(exc))
    return _crime_page(request, crime, assess_form=form, status=400)


@login_required
@permission_required("vigil.assess_crimes", raise_exception=True)
@require_http_methods(["GET", "POST"])
def close(request, ref: str):
    """Closing an investigation is asked for first: its outcome and why, on a page of its own."""
    return _close_or_reopen(request, ref, closing=True)


@login_required
@permission_required("vigil.assess_crimes", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reopen(request, ref: str):
    """A closed investigation reopens with a reason; it goes back to the queue."""
    return _close_or_reopen(request, ref, closing=False)


def _close_or_reopen(request, ref: str, *, closing: bool):
    crime, refusal = _crime_or_refusal(request, ref, "crime opened to close it" if closing else
                                       "crime opened to reopen it")
    if refusal:
        return refusal
    form = (CloseForm if closing else ReopenForm)(request.POST if request.method == "POST" else None,
                                                  initial={"on": as_of(request)})
    write = services.close_crime if closing else services.reopen_crime
    done = submitted(request, form, lambda d: write(actor=request.user, crime=crime, **d),
                     success=f"{crime.ref} {'closed' if closing else 'reopened'}.",
                     then=("investigations:crime", crime.ref))
    if done:
        return done
    current = current_allocations([crime.pk], as_of(request)).get(crime.pk)
    return render(request, "investigations/close.html", {
        "crime": crime, "form": form, "closing": closing, "current": current,
        "offence": crime.offence, "standing": crime.closures.filter(reopened_on__isnull=True)
        .select_related("closed_by").first(),
    }, status=400 if form.errors else 200)


@login_required
@permission_required("vigil.batch_allocate", raise_exception=True)
@require_POST
def batch(request):
    form = BatchForm(request.POST, scopes=_scopes(request.officer))
    if form.is_valid():
        _, team_id, borough_id, label = _scope(request)
        job_id = jobs.start(investigation_jobs.plan_batch, actor=request.user, as_of=as_of(request).isoformat(),
                            team_id=team_id, borough_id=borough_id, scope_label=label)
        return redirect(jobs.job_url(job_id))
    return redirect(reverse("investigations:queue") + f"?scope={request.POST.get('scope', '')}")


@login_required
@permission_required("vigil.batch_allocate", raise_exception=True)
def batch_preview(request, pk: int):
    run = BatchRun.objects.restrict(request.user).filter(pk=pk).first()
    if run is None:
        return render(request, "web/error.html", {"title": "Not found", "message": f"No batch allocation {pk}."},
                      status=404)
    q = request.GET.get("q", "").strip()[:100]

    def wanted(row) -> bool:
        return not q or any(q.lower() in str(row.get(k, "")).lower() for k in ("crime", "officer", "officer_name"))

    shown = listed(request, [p for p in run.proposals if wanted(p)], PREVIEW_PAGE)
    proposals = shown.page
    unallocated = [u for u in run.unallocated if wanted(u)]
    rows = [*proposals.object_list, *unallocated]
    log_shown(request.user, {"crime": [r.get("crime") for r in rows]},
              texts=[t for r in rows for t in (*r.get("reasons", ()), r.get("impact", ""))],
              justification="allocation of the investigation queue",
              detail=f"batch allocation {run.pk}: the crimes proposed or left, and those their reasons name")
    return render(request, "investigations/batch.html", {"run": run, "proposals": proposals, "q": q,
                                                         "unallocated": unallocated, "query": shown.query})


PREVIEW_PAGE = 100  # proposals a page of the preview shows (a force's queue proposes thousands)


@login_required
@permission_required("vigil.batch_allocate", raise_exception=True)
@require_POST
def batch_apply(request, pk: int):
    try:
        run = services.apply_batch(actor=request.user, run_id=pk)
        messages.success(request, f"Batch #{run.pk} applied: {run.outcome['allocated']} allocated, "
                         f"{run.outcome['escalated']} escalated to an inspector.")
    except InputError as exc:
        messages.error(request, str(exc))
    return redirect("investigations:batch_preview", pk=pk)


@login_required
@permission_required("vigil.view_workload", raise_exception=True)
def workload_page(request):
    day = as_of(request)
    scope, team_id, borough_id, label = _scope(request, default="team")
    data = workload(actor=request.user, as_of=day, team_id=team_id, borough_id=borough_id)
    return render(request, "investigations/workload.html", {
        "data": data, "scope": scope, "scope_label": label, "scopes": _scopes(request.officer),
        "chart": data.chart(),
    })


@login_required
@permission_required("vigil.view_workload", raise_exception=True)
def below_level_page(request):
    day = as_of(request)
    scope, team_id, borough_id, label = _scope(request, default="team")
    rows = below_required_level(actor=request.user, as_of=day, team_id=team_id, borough_id=borough_id)
    return render(request, "investigations/below_level.html", {
        "rows": rows, "without": [r for r in rows if not r.allocation.overridden],
        "with_override": [r for r in rows if r.allocation.overridden],
        "scope": scope, "scope_label": label, "scopes": _scopes(request.officer)})


@login_required
@permission_required("vigil.edit_policy", raise_exception=True)
@require_http_methods(["GET", "POST"])
def policy_page(request):
    key = "allocation.required_level_matrix"
    current = core_policy.current()
    form = MatrixForm(request.POST or None, initial={"matrix": json.dumps(current[key], indent=1)})
    if request.method == "POST" and form.is_valid():
        try:
            v = services.change_matrix(actor=request.user, matrix=form.cleaned_data["matrix"],
                                       reason=form.cleaned_data["reason"])
            messages.success(request, f"Policy version {v.number} recorded.")
            return redirect("investigations:policy")
        except InputError as exc:
            form.add_error("matrix", "; ".join(exc.problems[:5]))
    versions = [v for v in PolicyVersion.objects.select_related("changed_by").order_by("-number")[:200]
                if key in v.values][:20]
    return render(request, "investigations/policy.html", {
        "form": form, "matrix": current[key], "versions": versions, "groups": offences.groups(),
        "subgroups": offences.subgroups()}, status=400 if form.errors else 200)
