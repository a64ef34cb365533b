"""The coordinator's board and the episode pages: report, grade, screen, return, interviews, referral."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from vigil.core import policy
from vigil.missing import rules, selectors, services
from vigil.missing.forms import GradeForm, InterviewForm, ReferralForm, ReportForm, ReturnForm, ScreeningForm
from vigil.missing.models import Screening
from vigil.missing.views.common import episode_or_response, moment
from vigil.people.selectors import open_person
from vigil.web.actions import refused, submitted
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
    ref = request.GET.get("child", "").strip()[:64]  # started from the child's own record: opened under scope
    child, access = open_person(actor=request.user, ref=ref,
                                purpose="missing report started from the record") if ref else (None, None)
    named = child.display_name if child is not None and access.allowed else ""
    form = ReportForm(request.POST or None, initial={"child": ref} if named else None)

    @transaction.atomic  # a new child record and its episode, or neither
    def write(d):
        child = services.reported_child(actor=request.user, ref=d["child"], given_names=d["given_names"],
                                        surname=d["surname"], date_of_birth=d["date_of_birth"])
        return services.report_episode(actor=request.user, child=child, reported_at=d["reported_at"],
                                       last_seen_at=d["last_seen_at"], last_seen_place=d["last_seen_place"],
                                       circumstances=d["circumstances"], reported_by_text=d["reported_by_text"])

    done = submitted(request, form, write, then=lambda ep: ("missing:grade", ep.ref),
                     success=lambda ep: f"Episode {ep.ref} reported. Grade it now, with what the force holds.")
    return done or render(request, "missing/report.html", {"form": form, "named": named, "ref": ref})


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
    held = selectors.holdings_for_grading(actor=request.user, episode=ep, moment=now, pol=pol)
    labels = pol["missing.grade_labels"]
    form = GradeForm(request.POST or None, labels=labels, initial={"graded_at": now.strftime("%Y-%m-%dT%H:%M")})
    done = submitted(request, form, lambda d: services.grade_episode(
        actor=request.user, episode=ep, grade=d["grade"], rationale=d["rationale"], graded_at=d["graded_at"],
        information_shown=selectors.summary_of(held)),
        success=lambda g: f"Episode {ep.ref} graded {labels.get(g.grade, g.grade)}.", then=_episode(ep))
    return done or render(request, "missing/grade.html", {"episode": ep, "form": form, "held": held,
                                                          "indicators": rules.INDICATORS})


def _episode(ep) -> tuple:
    return ("missing:episode", ep.ref)


def _screened(s) -> str:
    note = (f" {len(s.indicators)} indicator(s) present: a referral is needed within 24 hours."
            if s.indicators and not s.referral_at else "")
    return f"Screening at {s.stage} recorded for {s.episode.ref}.{note}"


@login_required
@permission_required("vigil.screen_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def screen(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    form = ScreeningForm(request.POST or None, initial={"stage": "return" if ep.returned_at else "report",
                                                       "at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    done = submitted(request, form, lambda d: services.record_screening(
        actor=request.user, episode=ep, stage=d["stage"], at=d["at"], indicators=d["indicators"], notes=d["notes"],
        referral_at=d["referral_at"], referral_to=d["referral_to"]), success=_screened, then=_episode(ep))
    return done or render(request, "missing/screen.html", {"episode": ep, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_return(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    form = ReturnForm(request.POST or None, initial={"returned_at": moment(request).strftime("%Y-%m-%dT%H:%M")})

    def write(d):
        services.record_return(actor=request.user, episode=ep, returned_at=d["returned_at"],
                               found_at={k: d[k] for k in ("line1", "line2", "town", "postcode")},
                               found_with=services.people_named(d["found_with"], what="found with"),
                               condition=d["condition"], as_of=as_of(request))
        linked = ep.offender_links.filter(holds=True).count()
        if linked:
            messages.warning(request, f"Critical: the child is linked to {linked} managed offender record(s). "
                                      "The offender manager has been alerted.")

    done = submitted(request, form, write, then=("missing:screen", ep.ref),
                     success=f"Return recorded for {ep.ref}. Now screen for exploitation at return.")
    return done or render(request, "missing/return.html", {"episode": ep, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def interview(request, ref: str):
    ep, response = episode_or_response(request, ref)
    if response:
        return response
    form = InterviewForm(request.POST or None, initial={"at": moment(request).strftime("%Y-%m-%dT%H:%M")})

    def write(d):
        if d["kind"] == "prevention":
            return services.record_prevention_interview(actor=request.user, episode=ep, at=d["at"])
        return services.record_return_interview(actor=request.user, episode=ep, at=d["at"], note=d["note"])

    done = submitted(request, form, write, success="Interview recorded.", then=_episode(ep), field="at")
    return done or render(request, "missing/interview.html", {"episode": ep, "form": form})


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
    done = submitted(request, form, lambda d: services.record_referral(
        actor=request.user, screening=screening, at=d["at"], to=d["to"]), success="Referral recorded.",
        then=_episode(ep), field="at")
    return done or render(request, "missing/referral.html", {"episode": ep, "screening": screening, "form": form,
                                                             "indicators": rules.INDICATORS})
