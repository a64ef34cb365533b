"""The export page: the whole database as an interchange document, after step-up re-authentication, logged as a
disclosure (the same as ``vigil export``). Shown in the auditor's menu under /audit/export/ (``config/urls.py``)."""
from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from vigil.accounts import mfa
from vigil.accounts.forms import ReauthForm
from vigil.core import clock
from vigil.interchange.services import export_document


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
            buf = io.StringIO()
            export_document(buf, actor=request.user, recipients=[recipient], purpose=purpose)
            response = HttpResponse(buf.getvalue(), content_type="application/json")
            stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
            response["Content-Disposition"] = f'attachment; filename="vigil-export-{stamp}.json"'
            return response
    return render(request, "audit/export.html", {"form": form})
