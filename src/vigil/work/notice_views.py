"""How an officer is told of their work: their recent notices (when, how many items, sent or not) and their choice
of "at once" or "a daily digest" for items that are not critical. Critical items are always told at once."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import jobs
from vigil.core.errors import InputError
from vigil.work import notices as service
from vigil.work.jobs import send_notices
from vigil.work.models import Notice, NoticeTiming

RECENT = 20


class PreferenceForm(forms.Form):
    non_critical = forms.ChoiceField(
        label="Items that are not critical", choices=NoticeTiming.choices, widget=forms.RadioSelect,
        help_text="Critical items, and escalations sent up a rank to you, are always emailed at once.")


@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    officer = getattr(request, "officer", None)
    if officer is None:
        raise PermissionDenied("only an officer is told of owned work")
    form = PreferenceForm(request.POST or None, initial={"non_critical": service.preference(officer)})
    if request.method == "POST" and form.is_valid():
        try:
            service.set_preference(officer, form.cleaned_data["non_critical"])
        except InputError as exc:
            form.add_error("non_critical", str(exc))
        else:
            chosen = dict(NoticeTiming.choices)[form.cleaned_data["non_critical"]].lower()
            messages.success(request, f"Saved: items that are not critical are emailed to you {chosen}.")
            return redirect(request.path)
    email = (request.user.email or "").strip()
    return render(request, "work/notices.html", {
        "form": form, "email": email,
        "recent": Notice.objects.filter(officer=officer).order_by("-created_at", "-pk")[:RECENT],
    })


@login_required
@permission_required("vigil.administer", raise_exception=True)
@require_POST
def send(request):
    """An administrator sends the waiting notices now (and today's digest if asked), in the background
    (work/jobs.py), following it on the job's page."""
    job_id = jobs.start(send_notices, actor=request.user, digest=request.POST.get("digest") == "on")
    return redirect(jobs.job_url(job_id))
