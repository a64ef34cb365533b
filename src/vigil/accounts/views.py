"""Sign in, MFA verification, one-time account links, password change, lost authenticator, sign out."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from vigil.accounts import links, mfa, services
from vigil.accounts.forms import (
    ActivateForm,
    CodeForm,
    EnrolForm,
    LoginForm,
    LostAuthenticatorForm,
    PasswordChangeForm,
)
from vigil.accounts.models import AccountLink, LinkPurpose
from vigil.core import clock
from vigil.core.errors import InputError


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
            if (settings.VIGIL_MFA_REQUIRED and not mfa.has_confirmed_device(user)
                    and not mfa.enrol_with_password_allowed()):
                form.add_error(None, "This account has no authenticator yet. Open the one-time link an "
                                     "administrator gave you, or ask for a new one below.")
                return render(request, "accounts/login.html", {"form": form, "next": "", "no_device": True})
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
    if not mfa.enrol_with_password_allowed():
        # A password alone never attaches a second factor: only a one-time link does (ADR 0009).
        logout(request)
        return render(request, "accounts/no_authenticator.html", status=403)
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


# --- one-time account links -------------------------------------------------------------------------------------

_LINK_SESSION = "vigil_account_link"


@require_http_methods(["GET"])
def activate(request, token: str):
    """The link itself: check it, keep it in the session and continue at a URL without the token (so the token
    does not linger in the address bar, history or a Referer header)."""
    link = links.find(token)
    if link is None:
        return render(request, "accounts/link_invalid.html", status=404)
    if request.user.is_authenticated and request.user.pk != link.user_id:
        logout(request)
    request.session[_LINK_SESSION] = [link.pk, link.token_hash]
    return redirect("account_activate_form")


def _session_link(request):
    pk, token_hash = (request.session.get(_LINK_SESSION) or [None, None])
    if pk is None:
        return None
    link = AccountLink.objects.select_related("user").filter(pk=pk, token_hash=token_hash).first()
    return link if link is not None and links.is_open(link) else None


@require_http_methods(["GET", "POST"])
def activate_form(request):
    link = _session_link(request)
    if link is None:
        request.session.pop(_LINK_SESSION, None)
        return render(request, "accounts/link_invalid.html", status=404)
    activation = link.purpose == LinkPurpose.ACTIVATE
    form = (ActivateForm if activation else EnrolForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.complete_link(
                request, link, code=data["code"], new_password=data.get("new_password", ""),
                confirm_password=data.get("confirm_password", ""), current_password=data.get("current_password", ""))
        except InputError as exc:
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked.html", status=403)
            for name, message in getattr(exc, "fields", {None: str(exc)}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            request.session.pop(_LINK_SESSION, None)
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["vigil_auth_at"] = clock.now().timestamp()
            otp_login(request, result.device)
            return render(request, "accounts/recovery_codes.html", {"codes": result.recovery_codes, "next": "/",
                                                                    "activated": True})
    device = mfa.pending_device(link.user)
    return render(request, "accounts/activate.html", {
        "form": form, "activation": activation, "link_user": link.user, "expires_at": link.expires_at,
        "qr": mfa.qr_data_uri(device), "secret": mfa.secret_base32(device),
    })


# --- the signed-in user's own account ----------------------------------------------------------------------------

@login_required
def account(request):
    officer = getattr(request.user, "officer", None)
    return render(request, "accounts/account.html", {
        "roles": sorted(officer.role_names) if officer else [],
        "has_device": mfa.has_confirmed_device(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if not settings.VIGIL_MFA_REQUIRED:
        form.fields["code"].required = False
        form.fields["code"].help_text = "MFA is off in this demonstration: leave this empty."
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_password(request, current_password=data["current_password"], code=data["code"],
                                     new_password=data["new_password"], confirm_password=data["confirm_password"],
                                     need_code=settings.VIGIL_MFA_REQUIRED)
        except InputError as exc:
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return render(request, "accounts/locked.html", status=403)
            for name, message in getattr(exc, "fields", {None: str(exc)}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password is changed. You have been signed out everywhere else.")
            return redirect("account_home")
    return render(request, "accounts/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
def lost_authenticator(request):
    """Signed out: ask for a reset of the second factor. An administrator (not you) approves it and gives you a
    one-time link to enrol a new authenticator."""
    form = LostAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_mfa_reset(request, username=form.cleaned_data["username"],
                                             password=form.cleaned_data["password"])
        except InputError as exc:
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked.html", status=403)
            form.add_error(None, str(exc))
        else:
            return render(request, "accounts/lost_authenticator_sent.html", {"req": req})
    return render(request, "accounts/lost_authenticator.html", {"form": form})
