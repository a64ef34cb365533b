"""The professional-standards page: officers restricted by category against force strength, open cases,
restricted officers still holding crimes their restriction covers, refused access attempts; open and close a
case. Restrictions themselves follow from the cases by rule (``vigil.standards.rules``)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import access_log, policy
from vigil.core.errors import InputError
from vigil.standards import services
from vigil.standards.forms import CloseCaseForm, OpenCaseForm, ReopenCaseForm
from vigil.standards.restrictions import active_restriction
from vigil.standards.selectors import (
    open_case_record,
    open_cases,
    overview,
    refused_attempts_by,
    still_holding,
)
from vigil.web.actions import opened, submitted
from vigil.web.asof import as_of
from vigil.web.lists import listed
from vigil.web.names import names_of
from vigil.web.panels import log_entries_shown

OVERSIGHT = "professional-standards oversight"
CASE_WORK = "professional-standards case work"
CASES_PAGE = 100


@login_required
@permission_required("vigil.view_standards", raise_exception=True)
def index(request):
    day = as_of(request)
    data = overview(actor=request.user, as_of=day)
    page = listed(request, open_cases(actor=request.user, as_of=day), CASES_PAGE).page
    access_log.consulted(request.user, "officer_case", [c.ref for c in page], OVERSIGHT, "open cases listed")
    access_log.consulted(request.user, "officer", [c.officer.ref for c in page] + list(data.holding), OVERSIGHT,
                         "officers under investigation, and restricted officers still holding crimes")
    access_log.consulted(request.user, "crime", [r for refs in data.holding.values() for r in refs], OVERSIGHT,
                         "crimes still held by restricted officers")
    log_entries_shown(request.user, data.refused, "professional-standards page: refused attempts", OVERSIGHT)
    named = names_of({"officer": list(data.holding)}, viewer=request.user)
    return render(request, "standards/index.html", {"data": data, "page": page,
                                                    "names": {ref: name for (_t, ref), name in named.items()},
                                                    "form": OpenCaseForm(initial={"opened": day})})


@login_required
@permission_required("vigil.manage_standards", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_new(request):
    form = OpenCaseForm(request.POST or None, initial={"opened": as_of(request)})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(actor=request.user, officer_ref=form.cleaned_data["officer"].strip(),
                                      category=form.cleaned_data["category"], opened=form.cleaned_data["opened"],
                                      summary=form.cleaned_data["summary"])
            messages.success(request, f"Case {case.ref} opened.")
            return redirect("standards:case", ref=case.ref)
        except InputError as exc:
            form.add_error("officer", str(exc))
    return render(request, "standards/case_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@permission_required("vigil.view_standards", raise_exception=True)
def case(request, ref: str, close_form=None, status=200):
    day = as_of(request)
    found, response = opened(request, open_case_record(actor=request.user, ref=ref), kind="case", ref=ref)
    if response:
        return response
    restriction = active_restriction(found.officer, day)
    holding = still_holding({found.officer_id: restriction}, day, policy.current()) if restriction else {}
    held, refused = holding.get(found.officer_id, []), refused_attempts_by(found.officer)
    access_log.consulted(request.user, "officer", found.officer.ref, CASE_WORK, f"the officer of case {found.ref}")
    access_log.consulted(request.user, "crime", held, CASE_WORK, f"crimes still held under case {found.ref}")
    log_entries_shown(request.user, refused, f"case {found.ref}: the officer's refused attempts", CASE_WORK)
    return render(request, "standards/case.html", {
        "case": found, "status": found.status_on(day), "restriction": restriction,
        "holding": held, "refused": refused,
        "close_form": close_form or CloseCaseForm(initial={"closed": day}),
    }, status=status)


@login_required
@permission_required("vigil.manage_standards", raise_exception=True)
@require_POST
def case_close(request, ref: str):
    found, response = opened(request, open_case_record(actor=request.user, ref=ref), kind="case", ref=ref)
    if response:
        return response
    form = CloseCaseForm(request.POST)
    done = submitted(request, form, lambda d: services.close_case(actor=request.user, case=found, **d),
                     success=f"Case {found.ref} closed.", then=("standards:case", found.ref))
    return done or case(request, ref, close_form=form, status=400)


@login_required
@permission_required("vigil.manage_standards", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_reopen(request, ref: str):
    """Reopen a closed case with why: a confirm page, then a new case that names the closed one."""
    found, response = opened(request, open_case_record(actor=request.user, ref=ref), kind="case", ref=ref)
    if response:
        return response
    form = ReopenCaseForm(request.POST if request.method == "POST" else None, initial={"on": as_of(request)})
    if request.method == "POST":
        done = submitted(request, form, lambda d: services.reopen_case(actor=request.user, case=found, **d),
                         success=lambda new: f"Case {found.ref} reopened as {new.ref}.",
                         then=lambda new: ("standards:case", new.ref))
        if done:
            return done
    return render(request, "standards/reopen.html", {"case": found, "form": form},
                  status=400 if form.errors else 200)
