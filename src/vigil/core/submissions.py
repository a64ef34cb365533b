"""One write per action. Every POST form carries a one-time submission key (``{% submission_key %}``, beside
``{% csrf_token %}``). The first request with a key claims it (a unique row per user and key); a repeat — a
double click, a resubmitted page, a retry after a lost connection — gets the first request's result (its
redirect) and a note that nothing was done twice, instead of a second record. A submission that did not succeed
(a form shown again with its errors, or a failure) releases its key, so the person can correct and resend.

The claim is taken after the CSRF check (``process_view``) and before the view runs, in its own committed
statement, so two simultaneous requests with the same key cannot both run.
"""
from __future__ import annotations

import datetime as dt
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render

from vigil.core import clock
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
        if not key:
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


def _replay(request, key: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        prior = Submission.objects.filter(user=request.user, key=key).first()
        if prior is None:  # the first attempt failed and let go of the key: this one may not run either,
            break          # because it was sent with the same (now stale) form: ask for a fresh look
        if prior.status:
            messages.info(request, "This form had already been sent: it was done once, not twice.")
            return HttpResponseRedirect(prior.location)
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return render(request, "web/error.html", {
        "title": "Already being sent",
        "message": "This form is being sent from another tab or a second click. Go back, reload the page and "
                   "check before sending it again."}, status=409)
