"""Session rules: 30-minute idle and 10-hour absolute lifetimes; MFA before anything else; request.officer."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from vigil.core import clock

# Paths a signed-in but not yet MFA-verified user may reach (the one-time link pages authenticate by themselves).
_MFA_OPEN = ("/login", "/mfa/", "/logout", "/static/", "/accounts/activate/", "/accounts/lost-authenticator/")


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = clock.now().timestamp()
            started = request.session.get("vigil_auth_at")
            seen = request.session.get("vigil_last_seen", started)
            if started is None:
                request.session["vigil_auth_at"] = started = now
                seen = now
            expired = (now - seen > settings.VIGIL_SESSION_IDLE_SECONDS
                       or now - started > settings.VIGIL_SESSION_ABSOLUTE_SECONDS)
            if expired:
                who = request.user.pk
                logout(request)
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse
                    return JsonResponse({"detail": "session expired"}, status=401)
                # A form sent after the session ended keeps its answers for this person, on this page, and they
                # come back to it after signing in again (web/kept.py).
                from vigil.web import kept
                back = kept.form_page(request) if kept.keep(request, who) else request.path
                return redirect(f"{reverse('login')}?{urlencode({'expired': 1, 'next': back})}")
            request.session["vigil_last_seen"] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (settings.VIGIL_MFA_REQUIRED and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(_MFA_OPEN)):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                return JsonResponse({"detail": "MFA verification required"}, status=401)
            from vigil.accounts.mfa import has_confirmed_device
            return redirect("mfa_verify" if has_confirmed_device(user) else "mfa_enrol")
        return self.get_response(request)


class CurrentOfficerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.officer = getattr(request.user, "officer", None) if request.user.is_authenticated else None
        return self.get_response(request)
