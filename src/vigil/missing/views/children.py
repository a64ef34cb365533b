"""The child page (episode timeline and link graph), the address page, strategy meetings and Philomena profiles."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from vigil.core import policy
from vigil.missing import selectors, services
from vigil.missing.forms import MeetingForm, ProfileForm
from vigil.missing.models import MissingEpisode, PhilomenaProfile
from vigil.missing.views.common import child_or_response, moment
from vigil.web.actions import submitted


@login_required
@permission_required("vigil.view_missing", raise_exception=True)
def child(request, ref: str):
    person, response = child_or_response(request, ref)
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
    person, response = child_or_response(request, ref)
    if response:
        return response
    form = MeetingForm(request.POST or None, initial={"held_at": moment(request).strftime("%Y-%m-%dT%H:%M")})
    latest = MissingEpisode.objects.filter(child=person).order_by("-reported_at").first()
    done = submitted(request, form, lambda d: services.record_strategy_meeting(
        actor=request.user, child=person, held_at=d["held_at"], attendees=d["attendees"], outcome=d["outcome"],
        episode=latest), success="Strategy meeting recorded.", then=("missing:child", person.ref))
    return done or render(request, "missing/meeting.html", {"child": person, "form": form})


@login_required
@permission_required("vigil.record_missing", raise_exception=True)
@require_http_methods(["GET", "POST"])
def profile(request, ref: str):
    person, response = child_or_response(request, ref)
    if response:
        return response
    existing = PhilomenaProfile.objects.filter(child=person).first()
    initial = {f: getattr(existing, f) for f in services.PROFILE_FIELDS} if existing else {}
    form = ProfileForm(request.POST or None, initial=initial)
    done = submitted(request, form, lambda d: services.save_philomena_profile(
        actor=request.user, child=person, at=moment(request), **d), success="Philomena profile saved.",
        then=("missing:child", person.ref))
    return done or render(request, "missing/profile.html", {"child": person, "form": form, "existing": existing})
