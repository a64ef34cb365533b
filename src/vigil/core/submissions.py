"""One write per action. Every POST form carries a one-time submission key (``{% submission_key %}``, beside
``{% csrf_token %}``). The first request with a key claims it (a unique row per user and key); a repeat — a
double click, a resubmitted page, a retry after a lost connection — gets the first request's result (its
redirect) and a note that nothing was done twice, instead of a second record. A submission that did not succeed
(a form shown again with its errors, or a failure) releases its key, so the person can correct and resend.

The claim is taken after the CSRF check (``process_view``) and before the view runs, in its own committed
statement, so two simultaneous requests with the same key cannot both run.

API writes carry the key in an ``Idempotency-Key`` header (``@idempotent``, inside DRF's view, which is where the
token is authenticated): per signed-in person, the first request runs; a repeat with the same key and the same
request gets the first answer (its status and JSON body) and writes nothing; the same key with a different
request is refused with a 422. A first attempt that failed (4xx or 5xx) releases the key.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from vigil.core import clock
from vigil.core.errors import InputError
from vigil.core.models import Submission

FIELD = "submission_key"
KEEP = dt.timedelta(days=2)
WAIT_SECONDS = 15  # a repeat that arrives while the first is still running waits this long for its result
_REDIRECTS = (301, 302, 303)


class OneSubmissionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except BaseException:
            _release(getattr(request, "_vigil_submission", None))
            raise
        claim = getattr(request, "_vigil_submission", None)
        if claim is not None:
            if response.status_code in _REDIRECTS:
                Submission.objects.filter(pk=claim.pk).update(status=response.status_code,
                                                              location=response["Location"][:500])
            else:
                _release(claim)
        return response

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or not getattr(request.user, "is_authenticated", False):
            return None
        key = (request.POST.get(FIELD) or "").strip()[:64]
        if not key or not key.isprintable():  # a key is ours (printable); anything else is not a key at all
            return None
        now = clock.now()
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user=request.user, key=key, path=request.path[:500], at=now)
        except IntegrityError:
            return _replay(request, key)
        request._vigil_submission = claim
        Submission.objects.filter(user=request.user, at__lt=now - KEEP).delete()
        return None


def _release(claim) -> None:
    if claim is not None:
        Submission.objects.filter(pk=claim.pk).delete()


def _finished(user, key: str) -> Submission | None:
    """The first request's claim once it has an answer; None if it let go of the key or is still running after
    ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        prior = Submission.objects.filter(user=user, key=key).first()
        if prior is None or prior.status:  # None: the first attempt failed and let go of the key
            return prior
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


def _replay(request, key: str):
    prior = _finished(request.user, key)
    # None: the first attempt failed and let go of the key; this one may not run either, because it was sent with
    # the same (now stale) form: ask for a fresh look
    if prior is not None:
        messages.info(request, "This form had already been sent: it was done once, not twice.")
        return HttpResponseRedirect(prior.location)
    return render(request, "web/error.html", {
        "title": "Already being sent",
        "message": "This form is being sent from another tab or a second click. Go back, reload the page and "
                   "check before sending it again."}, status=409)


# API writes ---------------------------------------------------------------------------------------------------
HEADER = "Idempotency-Key"  # documented on each write by ``core.api.IDEMPOTENCY_KEY_PARAMETER``


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=JSONEncoder, default=str)
    return hashlib.sha256(f"{request.method} {request.get_full_path()}\n{body}".encode()).hexdigest()


def idempotent(view):
    """An API write (a DRF function view, under ``@api_view``) run once per ``Idempotency-Key`` and person."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > 64:
            raise InputError(f"{HEADER}: at most 64 characters")
        fingerprint, now = _fingerprint(request), clock.now()
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user=request.user, key=key, path=request.path[:500], at=now,
                                                  fingerprint=fingerprint)
        except IntegrityError:
            return _replay_api(request, key, fingerprint)
        Submission.objects.filter(user=request.user, at__lt=now - KEEP).delete()
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            _release(claim)
            raise
        if response.status_code >= 400:
            _release(claim)
        else:
            body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            Submission.objects.filter(pk=claim.pk).update(status=response.status_code, body=body)
        return response

    return wrapper


def _replay_api(request, key: str, fingerprint: str) -> Response:
    other = Response({"detail": f"{HEADER} {key!r} was used for a different request: send this one with a new "
                                "key"}, status=422)
    prior = Submission.objects.filter(user=request.user, key=key).first()
    if prior is not None and prior.fingerprint != fingerprint:
        return other
    prior = _finished(request.user, key)
    if prior is None:
        return Response({"detail": f"a request with {HEADER} {key!r} is still running or has just failed: ask "
                                   "again shortly"}, status=409)
    if prior.fingerprint != fingerprint:
        return other
    response = Response(prior.body, status=prior.status)
    response["Idempotent-Replayed"] = "true"
    return response
