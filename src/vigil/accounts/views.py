"""Sign in, MFA enrolment and verification, sign out."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from vigil.accounts import mfa
from vigil.accounts.forms import CodeForm, LoginForm
from vigil.core import clock


def _next(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("home")


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked.html", status=403)
        if user is None:
            form.add_error(None, "The username or password is not right.")
        elif not getattr(user, "officer", None) or not user.officer.active:
            form.add_error(None, "This account is not linked to an active officer.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["vigil_auth_at"] = clock.now().timestamp()
            request.session["vigil_next"] = _next(request)
            if not settings.VIGIL_MFA_REQUIRED:
                return redirect(_next(request))
            return redirect("mfa_verify" if mfa.has_confirmed_device(user) else "mfa_enrol")
    return render(request, "accounts/login.html", {
        "form": form, "next": request.GET.get("next", ""), "expired": request.GET.get("expired"),
    })


@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    if not request.user.is_authenticated:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"]):
            return redirect(request.session.pop("vigil_next", reverse("home")))
        form.add_error("code", "That code is not right or has expired. Try the newest code.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if mfa.has_confirmed_device(request.user):
        return redirect("mfa_verify")
    device = mfa.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {"codes": codes,
                                                                    "next": request.session.pop("vigil_next", "/")})
        form.add_error("code", "That code is not right. Check the time on your device and try the newest code.")
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr": mfa.qr_data_uri(device), "secret": mfa.secret_base32(device),
    })


@require_http_methods(["POST"])
def logout_view(request):
    logout(request)
    return redirect("login")
