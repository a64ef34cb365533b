"""A form's answers kept across an expired session or a failed CSRF check (issue 12).

A person who types a visit, leaves the tablet for an hour and presses "Record" used to lose it: the session had
ended, or the form's CSRF token no longer matched. Now the answers are kept in the (new) session, for the same
person and the same page only; after signing in again they land back on the form, the answers are put back in
it (``vigil.js``) and listed above it, and nothing is sent until they send it again.

Never kept: passwords, one-time codes, tokens. Kept for ``KEEP_SECONDS``; shown once.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from vigil.core import clock

KEY = "vigil_kept_answers"
KEEP_SECONDS = 12 * 3600
_SECRET = re.compile(r"csrf|password|token|otp|secret|recovery", re.I)


def form_page(request) -> str:
    """The page the form was on: the page that sent it (a form may post elsewhere, as the crime page's allocation
    does), when it is this site's; else the address it was sent to."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.path.startswith("/") and referer.netloc == request.get_host():
        return referer.path
    return request.path


def keep(request, user_pk: int | None) -> bool:
    """Keep what a POST carried for ``user_pk`` (the person who typed it), for the page it was typed on; False
    when there is nothing to keep or nobody to keep it for."""
    if user_pk is None or request.method != "POST":
        return False
    answers = {name: request.POST.getlist(name)[:50] for name in request.POST if not _SECRET.search(name)}
    answers = {n: [v[:5000] for v in vs] for n, vs in answers.items() if any(v.strip() for v in vs)}
    if not answers:
        return False
    request.session[KEY] = {"path": form_page(request), "user": user_pk, "answers": answers,
                            "at": clock.now().timestamp()}
    return True


def take(request) -> dict[str, list[str]] | None:
    """The answers kept for this page and this person, once; None when there are none."""
    kept = request.session.get(KEY)
    if not kept or request.method != "GET" or kept.get("path") != request.path:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or kept.get("user") != user.pk:
        return None
    del request.session[KEY]
    if clock.now().timestamp() - kept.get("at", 0) > KEEP_SECONDS:
        return None
    return kept["answers"]
