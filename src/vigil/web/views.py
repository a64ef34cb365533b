"""The shell's own pages: the role-aware home page ("my work")."""
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vigil.core import jobs
from vigil.core.errors import InputError
from vigil.web import kept, pickers
from vigil.web.actions import not_found
from vigil.web.asof import as_of
from vigil.web.registry import panels


@login_required
def home(request):
    if request.officer is None:
        return render(request, "web/error.html", {"title": "No officer record",
                                                  "message": "This account is not linked to an officer."}, status=403)
    day = as_of(request)
    boxes = []
    for p in panels(request.user):
        ctx = p.fn(request, day)
        if ctx is not None:
            boxes.append({"template": p.template, "ctx": ctx, "name": p.name})
    return render(request, "web/home.html", {"boxes": boxes})


def csrf_failure(request, reason: str = ""):
    """A form whose CSRF check failed (left open in another tab past its session, or the session ended): nothing
    is done. The person who typed it goes back to the form with their answers kept (web/kept.py); anyone else is
    told plainly, never shown Django's bare page."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and kept.keep(request, user.pk):
        return redirect(kept.form_page(request))
    return render(request, "web/error.html", {
        "title": "This form had expired",
        "message": "Nothing was sent. Open the page again, sign in if asked, and send the form again."}, status=403)


@login_required
@require_GET
def pick(request, kind: str):
    """The find-as-you-type list of a picker (web/pickers.py): officers or people matching what was typed."""
    if not pickers.may_pick(request.user, kind):
        return not_found(request, "There is no such list for you.")
    typed = request.GET.get(request.GET.get("field", "q"), "")[:100]
    several = bool(request.GET.get("several"))
    q = typed.split(",")[-1].strip() if several else typed.strip()
    try:
        found = pickers.PICKERS[kind][0](request.user, q)
    except InputError:
        found = []
    choices, outside = found if isinstance(found, tuple) else (found, 0)
    return render(request, "web/picker_options.html", {
        "choices": choices, "outside": outside, "asked": len(q) >= 2, "several": several,
        "target": request.GET.get("target", "")[:80]})


@require_GET
@never_cache
def health(request):
    """For a load balancer or systemd: 200 when the process answers and its database does, 503 otherwise. Says
    nothing about anyone; needs no sign-in."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@never_cache
@require_GET
def job(request, job_id):
    """A background job's progress (core/jobs.py), for the user who started it; the page polls itself while the
    job runs and goes on to the result when it is done."""
    found = jobs.view(job_id, request.user)
    if found is None:
        return not_found(request, "There is no such job of yours.")
    if found.state == "done" and found.url and request.GET.get("go") != "no":
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = found.url
            return response
        return redirect(found.url)
    template = "web/job_progress.html" if request.headers.get("HX-Request") else "web/job.html"
    return render(request, template, {"job": found})
