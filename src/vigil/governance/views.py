"""Information governance on the web, for the force's information managers: the MoPI review queue and a review,
subject access requests and their packs, erasures with four eyes, restrictions of processing; and, for anyone whose
work holds the person, recording a disclosure to a partner agency. Force-wide by nature; every record shown is
logged with the governance purpose."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import access_log, policy
from vigil.core.errors import AccessDenied, InputError
from vigil.governance import disclosures, erasure, restriction, retention, subject_access
from vigil.governance.forms import (
    AccessRequestForm,
    DecideErasureForm,
    DisclosureForm,
    ErasureRequestForm,
    RestrictionForm,
    ReviewForm,
)
from vigil.governance.models import (
    Disclosure,
    ErasureRequest,
    ErasureStatus,
    ProcessingRestriction,
    RequestStatus,
    RetentionReview,
    SubjectAccessRequest,
)
from vigil.people.models import Person
from vigil.web.actions import input_error, not_found, opened, refused, submitted
from vigil.web.asof import as_of
from vigil.web.lists import listed
from vigil.web.shown import log_shown

GOVERNANCE = "information governance (DPA 2018 Part 3; MoPI)"
PER_PAGE = 50


def _consulted(request, refs, detail: str) -> None:
    access_log.consulted(request.user, "person", list(refs), GOVERNANCE, detail)


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
def home(request):
    day = as_of(request)
    figures = retention.figures(day)
    sars = list(SubjectAccessRequest.objects.filter(status=RequestStatus.OPEN).order_by("due_on")[:20])
    pending = list(ErasureRequest.objects.filter(status=ErasureStatus.PENDING).order_by("requested_at")[:20])
    restricted = ProcessingRestriction.objects.filter(lifted_at__isnull=True).count()
    recent = list(Disclosure.objects.order_by("-disclosed_at")[:10])
    _consulted(request, {r.person_ref for r in sars + pending + recent}, "information governance overview")
    return render(request, "governance/home.html", {
        "day": day, "figures": figures, "sars": sars, "pending": pending, "restricted": restricted, "recent": recent,
        "overdue_sars": sum(1 for s in sars if s.due_on < day)})


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
def retention_due(request):
    day = as_of(request)
    pol = policy.current()
    group = request.GET.get("group", "")
    rows = retention.due(day, pol)
    if group in ("1", "2", "3"):
        rows = [s for s in rows if s.group == int(group)]
    listing = listed(request, rows, PER_PAGE)
    page = listing.page
    shown = [{"s": s, "due": s.due_on(pol) or day, "reasons": s.reasons_said(day, pol),
              "may_dispose": s.may_dispose(day, pol)} for s in page]
    names = {p.ref: p.display_name for p in Person.objects.filter(ref__in=[r["s"].ref for r in shown])
             .prefetch_related("aliases")}
    for r in shown:
        r["name"] = names.get(r["s"].ref, "")
    log_shown(request.user, {"person": list(names)}, justification=GOVERNANCE,
              detail="records due a MoPI retention review listed", texts=[t for r in shown for t in r["reasons"]])
    return render(request, "governance/retention.html", {"page": page, "rows": shown, "total": len(rows),
                                                         "day": day, "group": group,
                                                         "query": listing.query})


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_http_methods(["GET", "POST"])
def review(request, ref: str):
    person = Person.objects.filter(ref=ref, erased_at__isnull=True).first()
    if person is None:
        return not_found(request, f"No person {ref} (or the record was erased).")
    day = as_of(request)
    pol = policy.current()
    standing = retention.standings(day, pol, {person.pk})[person.pk]
    form = ReviewForm(request.POST or None)
    done = submitted(request, form, lambda d: retention.record_review(
        actor=request.user, person=person, decision=d["decision"], rationale=d["rationale"], reviewed_on=day,
        next_review_on=d["next_review_on"]), field="decision",
        success=lambda r: ("Retained; next review on " + f"{r.next_review_on:%-d %b %Y}." if r.decision == "retain"
                           else "Disposal decided: an erasure now waits for a second person's approval."),
        then="governance:retention")
    if done:
        return done
    history = list(RetentionReview.objects.filter(person=person).select_related("reviewer"))
    log_shown(request.user, {"person": [person.ref]}, justification=GOVERNANCE,
              detail="retention review of the record opened", texts=standing.reasons_said(day, pol))
    return render(request, "governance/review.html", {
        "person": person, "standing": standing, "reasons": standing.reasons_said(day, pol), "form": form,
        "may_dispose": standing.may_dispose(day, pol), "due": standing.due_on(pol) or day,
        "history": history},
        status=400 if form.errors else 200)


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_http_methods(["GET", "POST"])
def access_requests(request):
    form = AccessRequestForm(request.POST or None, initial={"received_on": as_of(request)})
    done = submitted(request, form, lambda d: subject_access.log_request(
        actor=request.user, person=d["person"], received_on=d["received_on"]), field="person",
        success=lambda s: f"Request #{s.pk} logged: answer by {s.due_on:%-d %b %Y}.", then="governance:access_requests")
    if done:
        return done
    page = listed(request, SubjectAccessRequest.objects.all(), PER_PAGE, order=("status", "due_on", "pk")).page
    _consulted(request, {s.person_ref for s in page}, "subject access requests listed")
    return render(request, "governance/access_requests.html", {"page": page, "form": form, "day": as_of(request)},
                  status=400 if form.errors else 200)


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_POST
def access_pack(request, pk: int):
    sar = get_object_or_404(SubjectAccessRequest, pk=pk)
    if sar.status != RequestStatus.OPEN:
        messages.error(request, f"Request #{sar.pk} is already {sar.get_status_display().lower()}.")
        return redirect("governance:access_requests")
    if sar.person is None or sar.person.erased_at:
        messages.error(request, f"Person {sar.person_ref} was erased: nothing is held.")
        return redirect("governance:access_requests")
    try:
        _, body = subject_access.answer(actor=request.user, person=sar.person, as_of=as_of(request), request=sar)
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect("governance:access_requests")
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.json"'
    return response


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_http_methods(["GET", "POST"])
def erasures(request):
    form = ErasureRequestForm(request.POST or None)
    done = submitted(request, form, lambda d: erasure.request(actor=request.user, person=d["person"],
                                                              reason=d["reason"]), field="person",
                     success=lambda r: f"Erasure request #{r.pk} waits for a second person's approval.",
                     then="governance:erasures")
    if done:
        return done
    page = listed(request, ErasureRequest.objects.all(), PER_PAGE, order=("-requested_at", "-pk")).page
    _consulted(request, {r.person_ref for r in page}, "erasure requests listed")
    return render(request, "governance/erasures.html", {"page": page, "form": form},
                  status=400 if form.errors else 200)


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_http_methods(["GET", "POST"])
def erasure_request(request, pk: int):
    req = get_object_or_404(ErasureRequest, pk=pk)
    form = DecideErasureForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "approve":
                req = erasure.approve(actor=request.user, req=req)
                if req.status == ErasureStatus.DONE:
                    messages.success(request, f"Person {req.person_ref} erased.")
                else:
                    messages.error(request, f"Erasure refused: {req.refusal}")
            else:
                erasure.withdraw(actor=request.user, req=req, reason=form.cleaned_data["reason"])
                messages.success(request, f"Erasure request #{req.pk} withdrawn.")
            return redirect("governance:erasure", pk=req.pk)
        except AccessDenied as exc:
            return refused(request, str(exc))
        except InputError as exc:
            input_error(form, exc, "reason" if form.cleaned_data["action"] == "withdraw" else "action")
    if form.errors:
        status = 400
    _consulted(request, [req.person_ref], f"erasure request #{req.pk} opened")
    return render(request, "governance/erasure.html", {"req": req, "form": form, "mine": req.requested_by ==
                                                       request.user.get_username()}, status=status)


@login_required
@permission_required("vigil.govern_information", raise_exception=True)
@require_http_methods(["GET", "POST"])
def restrictions(request):
    form = RestrictionForm(request.POST or None)

    def write(d):
        if d["action"] == "place":
            return restriction.place(actor=request.user, person=d["person"], reason=d["reason"])
        return restriction.lift(actor=request.user, person=d["person"], reason=d["reason"])

    done = submitted(request, form, write, field="person", then="governance:restrictions",
                     success=lambda r: f"Restriction {'lifted' if r.lifted_at else 'placed'} on person "
                                       f"{r.person.ref}.")
    if done:
        return done
    page = listed(request, ProcessingRestriction.objects.select_related("person"), PER_PAGE,
                  order=("lifted_at", "-placed_at")).page
    _consulted(request, {r.person.ref for r in page}, "restrictions of processing listed")
    return render(request, "governance/restrictions.html", {"page": page, "form": form},
                  status=400 if form.errors else 200)


@login_required
@permission_required("vigil.disclose", raise_exception=True)
@require_http_methods(["GET", "POST"])
def disclose(request, ref: str):
    """Record a disclosure of a person to a partner agency: the person must be open to the officer (their work,
    or force-wide for an information manager)."""
    from vigil.people.selectors import open_person

    if request.user.has_perm("vigil.govern_information"):
        person = Person.objects.filter(ref=ref).first()
        if person is not None:
            _consulted(request, [ref], "disclosure form opened")
    else:
        person, response = opened(request, open_person(actor=request.user, ref=ref), kind="person", ref=ref)
        if response:
            return response
    if person is None or person.erased_at:
        return not_found(request, f"No person {ref} (or the record was erased).")
    form = DisclosureForm(request.POST or None)
    done = submitted(request, form, lambda d: disclosures.record(actor=request.user, person=person, **d),
                     success=lambda d: f"Disclosure to {d.recipient} recorded.", then=("people:person", person.ref))
    if done:
        return done
    return render(request, "governance/disclose.html", {"person": person, "form": form},
                  status=400 if form.errors else 200)
