"""The coordinator's board and the episode pages: report, grade, screen, return, interviews, referral."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from vigil.core import policy
from vigil.core.errors import InputError
from vigil.missing import rules, selectors, services
from vigil.missing.forms import GradeForm, InterviewForm, ReferralForm, ReportForm, ReturnForm, ScreeningForm
from vigil.missing.models import Screening
from vigil.missing.views.common import episode_or_response, input_error, moment, refused
from vigil.people.models import Person
from vigil.web.asof import as_of


@login_required
@permission_required("vigil.view_missing", raise_exception=True)
def board(request):
    now = moment(request)
    pol = policy.current()
    return render(request, "missing/board.html", {"board": selectors.board(actor=request.user, moment=now, pol=pol),
                                                  "moment": now, "labels": pol["missing.grade_labels"]})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report(request):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # a new child record and its episode, or neither
                child = _child(request, d)
                ep = services.report_episode(actor=request.user, child=child, reported_at=d["reported_at"],
                                             last_seen_at=d["last_seen_at"], last_seen_place=d["last_seen_place"],
                                             circumstances=d["circumstances"],
                                             reported_by_text=d["reported_by_text"])
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, f"Episode {ep.ref} reported. Grade it now, with what the force holds.")
            return redirect("missing:grade", ref=ep.ref)
    return render(request, "missing/report.html", {"form": form})


def _child(request, d) -> Person:
    if d["child"]:
        person = Person.objects.filter(ref=d["child"].strip()).first()
        if person is None:
            raise InputError(f"child: no person {d['child'].strip()!r}")
        if Person.objects.filter(pk=person.pk).denied_to(request.user).exists():
            raise InputError("child: a professional-standards restriction prevents you recording this child")
        return person
    return services.new_child_record(actor=request.user, given_names=d["given_names"], surname=d["surname"],
                                     date_of_birth=d["date_of_birth"])


@login_required
@permission_required("vigil.view_missing", raise_exception=True)
def episode(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    now = moment(request)
    pol = policy.current()
    fact = selectors.episode_fact(ep)
    return render(request, "missing/episode.html", {
        "episode": ep, "timers": selectors.timer_rows(rules.timers(fact, now, pol), now) if fact else [],
        "moment": now,
        "gradings": ep.gradings.select_related("graded_by"), "screenings": ep.screenings.select_related("screened_by"),
        "found_with": ep.found_with.all(), "links": ep.offender_links.filter(holds=True),
        "labels": pol["missing.grade_labels"], "indicators": rules.INDICATORS,
        "can_record": request.user.has_perm("vigil.record_missing"),
        "can_screen": request.user.has_perm("vigil.screen_missing"),
    })


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def grade(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    pol = policy.current()
    now = moment(request)
    held = selectors.holdings(ep.child, moment=now, pol=pol, exclude=ep)
    form = GradeForm(request.POST or None, labels=pol["missing.grade_labels"],
                     initial={"graded_at": now.strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.grade_episode(actor=request.user, episode=ep, grade=d["grade"], rationale=d["rationale"],
                                   graded_at=d["graded_at"], information_shown=selectors.summary_of(held))
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, f"Episode {ep.ref} graded {pol['missing.grade_labels'].get(d['grade'])}.")
            return redirect("missing:episode", ref=ep.ref)
    return render(request, "missing/grade.html", {"episode": ep, "form": form, "held": held,
                                                  "indicators": rules.INDICATORS})


@login_required
@permission_required("vigil.screen_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def screen(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    stage = "return" if ep.returned_at else "report"
    form = ScreeningForm(request.POST or None, initial={"stage": stage,
                                                       "at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s = services.record_screening(actor=request.user, episode=ep, stage=d["stage"], at=d["at"],
                                          indicators=d["indicators"], notes=d["notes"], referral_at=d["referral_at"],
                                          referral_to=d["referral_to"])
        except InputError as exc:
            input_error(form, exc)
        else:
            note = (f" {len(s.indicators)} indicator(s) present: a referral is needed within 24 hours."
                    if s.indicators and not s.referral_at else "")
            messages.success(request, f"Screening at {s.stage} recorded for {ep.ref}.{note}")
            return redirect("missing:episode", ref=ep.ref)
    return render(request, "missing/screen.html", {"episode": ep, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_return(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    form = ReturnForm(request.POST or None, initial={"returned_at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            refs = [r.strip() for r in d["found_with"].replace(";", ",").split(",") if r.strip()]
            people = {p.ref: p for p in Person.objects.filter(ref__in=refs)}
            unknown = [r for r in refs if r not in people]
            if unknown:
                raise InputError(f"found with: no person {', '.join(map(repr, unknown))}")
            services.record_return(actor=request.user, episode=ep, returned_at=d["returned_at"],
                                   found_at={k: d[k] for k in ("line1", "line2", "town", "postcode")},
                                   found_with=[people[r] for r in refs], condition=d["condition"],
                                   as_of=as_of(request))
        except InputError as exc:
            input_error(form, exc)
        else:
            linked = ep.offender_links.filter(holds=True).count()
            if linked:
                messages.warning(request, f"Critical: the child is linked to {linked} managed offender record(s). "
                                          "The offender manager has been alerted.")
            messages.success(request, f"Return recorded for {ep.ref}. Now screen for exploitation at return.")
            return redirect("missing:screen", ref=ep.ref)
    return render(request, "missing/return.html", {"episode": ep, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def interview(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    form = InterviewForm(request.POST or None, initial={"at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == "prevention":
                services.record_prevention_interview(actor=request.user, episode=ep, at=d["at"])
            else:
                services.record_return_interview(actor=request.user, episode=ep, at=d["at"], note=d["note"])
        except InputError as exc:
            input_error(form, exc, "at")
        else:
            messages.success(request, "Interview recorded.")
            return redirect("missing:episode", ref=ep.ref)
    return render(request, "missing/interview.html", {"episode": ep, "form": form})


@login_required
@permission_required("vigil.screen_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def referral(request, pk: int):
    screening = get_object_or_404(Screening.objects.select_related("episode"), pk=pk)
    ep, response = episode_or_response(request, screening.episode.ref)
    if response:
        return response
    if not screening.indicators:
        return refused(request, "This screening found no indicator: no referral is needed.")
    form = ReferralForm(request.POST or None, initial={"at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_referral(actor=request.user, screening=screening, at=form.cleaned_data["at"],
                                     to=form.cleaned_data["to"])
        except InputError as exc:
            input_error(form, exc, "at")
        else:
            messages.success(request, "Referral recorded.")
            return redirect("missing:episode", ref=ep.ref)
    return render(request, "missing/referral.html", {"episode": ep, "screening": screening, "form": form,
                                                     "indicators": rules.INDICATORS})
