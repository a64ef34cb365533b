"""The child page (episode timeline and link graph), the address page, strategy meetings and Philomena profiles."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from vigil.core import policy
from vigil.core.errors import InputError
from vigil.missing import selectors, services
from vigil.missing.forms import MeetingForm, ProfileForm
from vigil.missing.models import MissingEpisode, PhilomenaProfile
from vigil.missing.views.common import input_error, moment, not_found, refused
from vigil.people.selectors import open_person


def _child_or_response(request, ref: str):
    person, decision = open_person(actor=request.user, ref=ref)
    if person is None:
        return None, not_found(request, f"No person {ref}.")
    if not decision.allowed:
        if decision.needs_break_glass:
            return None, redirect(reverse("people:break_glass") + f"?type=person&id={ref}")
        return None, refused(request, decision.refused_reason)
    return person, None


@login_required
@permission_required("vigil.view_missing", raise_exception=True)
def child(request, ref: str):
    person, response = _child_or_response(request, ref)
    if response:
        return response
    page = selectors.child_page(actor=request.user, child=person, moment=moment(request), pol=policy.current())
    return render(request, "missing/child.html", {"child": person, **page,
                                                  "can_record": request.user.has_perm("vigil.record_missing")})


@login_required
@permission_required("vigil.view_missing", raise_exception=True)
def address(request):
    key = (request.GET.get("key") or "").strip()
    if not key or len(key) > 200:
        return render(request, "web/error.html", {"title": "No address", "message": "No address was named."},
                      status=400)
    page = selectors.address_page(actor=request.user, key=key, moment=moment(request))
    return render(request, "missing/address.html", page)


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting(request, ref: str):
    person, response = _child_or_response(request, ref)
    if response:
        return response
    form = MeetingForm(request.POST or None, initial={"held_at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        latest = MissingEpisode.objects.filter(child=person).order_by("-reported_at").first()
        try:
            services.record_strategy_meeting(actor=request.user, child=person, held_at=d["held_at"],
                                             attendees=d["attendees"], outcome=d["outcome"], episode=latest)
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, "Strategy meeting recorded.")
            return redirect("missing:child", ref=person.ref)
    return render(request, "missing/meeting.html", {"child": person, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def profile(request, ref: str):
    person, response = _child_or_response(request, ref)
    if response:
        return response
    existing = PhilomenaProfile.objects.filter(child=person).first()
    initial = {f: getattr(existing, f) for f in services.PROFILE_FIELDS} if existing else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_philomena_profile(actor=request.user, child=person, at=moment(request),
                                            **form.cleaned_data)
        except InputError as exc:
            input_error(form, exc)
        else:
            messages.success(request, "Philomena profile saved.")
            return redirect("missing:child", ref=person.ref)
    return render(request, "missing/profile.html", {"child": person, "form": form, "existing": existing})
