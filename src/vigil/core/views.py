"""The auditor's pages: who looked at this record, when and why; chain verification; break-glass review;
the re-authenticated export."""
from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.accounts import mfa
from vigil.accounts.forms import ReauthForm
from vigil.core import access_log, clock
from vigil.core.breakglass import changes_made, review_break_glass
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry, BreakGlass


@login_required
@permission_required("vigil.view_audit", raise_exception=True)
def index(request):
    record_type = request.GET.get("type", "person")
    record_id = request.GET.get("id", "").strip()[:128]
    actor = request.GET.get("actor", "").strip()[:150]
    entries = None
    if record_id or actor:
        qs = AccessLogEntry.objects.order_by("-id")
        if record_id:
            qs = qs.filter(record_type=record_type, record_id=record_id)
        if actor:
            qs = qs.filter(actor=actor)
        entries = list(qs[:500])
        access_log.record(actor=request.user, operation="consultation", record_type="access_log",
                          record_ids=f"{record_type}:{record_id}" if record_id else f"actor:{actor}",
                          justification="lawfulness check / self-monitoring (s.62(4))",
                          detail=f"{len(entries)} log entries shown")
    refused = list(AccessLogEntry.objects.filter(outcome="refused").order_by("-id")[:50])
    from vigil.web.panels import log_entries_shown
    log_entries_shown(request.user, [*(entries or []), *refused], "access-log page")
    return render(request, "audit/index.html", {"entries": entries, "record_type": record_type,
                                                "record_id": record_id, "actor": actor, "refused": refused})


@login_required
@permission_required("vigil.view_audit", raise_exception=True)
@require_POST
def verify(request):
    result = access_log.verify()
    return render(request, "audit/verify.html", {"result": result})


@login_required
@permission_required("vigil.review_break_glass", raise_exception=True)
@require_http_methods(["GET", "POST"])
def break_glass_reviews(request):
    error = None
    if request.method == "POST":
        try:
            review_break_glass(reviewer=request.user, break_glass_id=int(request.POST.get("id", "0") or 0),
                               outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))
            return redirect("audit:break_glass")
        except (InputError, ValueError) as exc:
            error = str(exc)
    pending = BreakGlass.objects.filter(reviewed_at=None).select_related("user", "user__officer").order_by("at")
    done = BreakGlass.objects.exclude(reviewed_at=None).select_related("user", "reviewed_by").order_by("-reviewed_at")
    pending = list(pending[:100])
    changes = changes_made(pending)
    for bg in pending:
        bg.changes = changes.get(bg.pk, [])
    done = list(done[:50])
    from vigil.web.panels import log_break_glass_shown
    log_break_glass_shown(request.user, [*pending, *done], "break-glass review page")
    return render(request, "audit/break_glass.html", {"pending": pending, "done": done[:50], "error": error})


@login_required
@permission_required("vigil.export", raise_exception=True)
@require_http_methods(["GET", "POST"])
def export(request):
    """Step-up: the password and a fresh code, then the export is streamed and logged as a disclosure."""
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok_password = authenticate(request, username=request.user.get_username(),
                                   password=form.cleaned_data["password"]) is not None
        ok_code = (not settings.VIGIL_MFA_REQUIRED) or mfa.verify_code_only(request.user, form.cleaned_data["code"])
        recipient = request.POST.get("recipient", "").strip()
        purpose = request.POST.get("purpose", "").strip()
        if not ok_password:
            form.add_error("password", "The password is not right.")
        elif not ok_code:
            form.add_error("code", "That code is not right or has expired.")
        elif len(recipient) < 3 or len(purpose) < 10:
            form.add_error(None, "Name the recipient and the purpose of the disclosure.")
        else:
            from vigil.interchange.services import export_document
            buf = io.StringIO()
            export_document(buf, actor=request.user, recipients=[recipient], purpose=purpose)
            response = HttpResponse(buf.getvalue(), content_type="application/json")
            stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
            response["Content-Disposition"] = f'attachment; filename="vigil-export-{stamp}.json"'
            return response
    return render(request, "audit/export.html", {"form": form})
