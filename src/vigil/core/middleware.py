"""Request plumbing: a request id for the access log, and friendly errors instead of tracebacks."""
from __future__ import annotations

import logging
import uuid

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from vigil.core.access_log import current_request_id, one_append_per_request
from vigil.core.errors import AccessDenied, InputError

log = logging.getLogger("vigil.errors")


_DJANGO_HANDLED = (Http404, PermissionDenied, SuspiciousOperation, BadRequest)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = uuid.uuid4().hex
        request.request_id = rid
        token = current_request_id.set(rid)
        try:
            with one_append_per_request():
                response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-Id"] = rid
        return response


class SecurityHeadersMiddleware:
    """Every dynamic response: never cached (pages and API answers carry personal data), no powerful browser
    features, and TRACE (and other methods nothing here answers) refused. Static files are served before this."""

    ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                          "microphone=(), payment=(), usb=(), interest-cohort=()")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED_METHODS:
            response = HttpResponseNotAllowed(sorted(self.ALLOWED_METHODS - {"OPTIONS"}),
                                              content=f"{request.method[:16]} is not allowed.\n")
            if _is_api(request):
                response = api_error(405, f"{request.method[:16]} is not allowed", response)
        else:
            response = self.get_response(request)
        patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        response["Pragma"] = "no-cache"
        response["Permissions-Policy"] = self.PERMISSIONS_POLICY
        return response


class FriendlyErrorMiddleware:
    """InputError → 400 page with one line; AccessDenied → 403; anything else → 500 with the request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):  # no reference or search holds one; PostgreSQL would refuse it mid-query
            if _is_api(request):
                return api_error(400, "the request holds a NUL character")
            return render(request, "web/error.html", {"title": "That could not be done", "message":
                          "The address holds a character (NUL) that no record's reference can contain."}, status=400)
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            return api_error(response.status_code, _API_REASONS.get(response.status_code, response.reason_phrase),
                             response)
        return response

    def process_exception(self, request, exc):
        if _is_api(request):  # the API answers in JSON, whatever went wrong
            return _api_exception(request, exc)
        if isinstance(exc, _DJANGO_HANDLED):
            return None  # Django renders these itself (403.html, 404.html, 400.html)
        if isinstance(exc, InputError):
            return render(request, "web/error.html", {"title": "That could not be done", "message": str(exc)},
                          status=400)
        if isinstance(exc, AccessDenied):
            return render(request, "web/error.html", {"title": "Access refused", "message": str(exc)}, status=403)
        log.exception("unhandled error, request %s", getattr(request, "request_id", "?"))
        return render(request, "web/error.html", {
            "title": "Something went wrong",
            "message": f"The error has been recorded. Quote reference {getattr(request, 'request_id', '?')}.",
        }, status=500)


# Under /api/ every error is JSON ({"detail": "..."}), never an HTML page: integrations parse the answer.
_API_REASONS = {400: "bad request", 401: "not signed in, or the token is not valid", 403: "forbidden",
                404: "not found", 405: "method not allowed", 500: "internal error"}


def _holds_nul(request) -> bool:
    return "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _is_json(response) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return kind == "application/json" or kind.endswith("+json")


def api_error(status: int, detail: str, original=None):
    from django.http import JsonResponse

    data = getattr(original, "data", None)
    body = data if isinstance(data, dict) and "detail" in data else {"detail": detail}
    response = JsonResponse(body, status=status)
    if original is not None and original.has_header("Allow"):
        response["Allow"] = original["Allow"]
    return response


def _api_exception(request, exc):
    if isinstance(exc, Http404):
        return api_error(404, "not found")
    if isinstance(exc, PermissionDenied | AccessDenied):
        return api_error(403, str(exc) or "forbidden")
    if isinstance(exc, InputError):
        from django.http import JsonResponse
        return JsonResponse({"detail": str(exc), "problems": exc.problems}, status=400)
    if isinstance(exc, SuspiciousOperation | BadRequest):
        return api_error(400, "bad request")
    log.exception("unhandled API error, request %s", getattr(request, "request_id", "?"))
    return api_error(500, f"internal error: the error has been recorded; quote reference "
                          f"{getattr(request, 'request_id', '?')}")
