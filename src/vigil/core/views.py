"""The auditor's pages: who looked at this record, when and why; chain verification; break-glass review.
(The re-authenticated export, in the same menu under /audit/export/, belongs to the interchange:
``interchange/views.py``.)"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import access_log
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
    named = _named(request.user, record_type, record_id) if record_id and not entries else []
    return render(request, "audit/index.html", {"entries": entries, "record_type": record_type,
                                                "record_id": record_id, "actor": actor, "refused": refused,
                                                "named": named})


# What the auditor may type instead of a reference: a name. (model, field holding the name, its reference field)
_NAMED = {"person": ("people.Person", ("given_names", "surname", "aliases__given_names", "aliases__surname")),
          "subject": ("offenders.Subject", ("person__given_names", "person__surname")),
          "episode": ("missing.MissingEpisode", ("child__given_names", "child__surname")),
          "officer": ("accounts.Officer", ("name",))}


def _named(user, record_type: str, typed: str) -> list[tuple[str, str]]:
    """The records of ``record_type`` whose name matches what the auditor typed, when it is not a reference: the
    force's, not only the auditor's work (their task is every record), and logged as the search it is."""
    from django.apps import apps
    from django.db.models import Q

    from vigil.web.names import names_of

    if record_type not in _NAMED or len(typed) < 2:
        return []
    model_label, fields = _NAMED[record_type]
    model = apps.get_model(model_label)
    if model.objects.filter(ref=typed).exists():
        return []
    cond = Q()
    for word in typed.split():
        cond &= Q(*(Q(**{f"{f}__icontains": word}) for f in fields), _connector=Q.OR)
    refs = list(model.objects.filter(cond).order_by("ref").values_list("ref", flat=True).distinct()[:25])
    access_log.record(actor=user, operation="consultation", record_type=record_type, record_ids=refs,
                      justification="lawfulness check / self-monitoring (s.62(4))",
                      detail=f"access-log page: records named like {typed[:40]!r}")
    names = names_of({record_type: refs})
    return [(ref, names.get((record_type, ref), "")) for ref in refs]


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
    done = BreakGlass.objects.exclude(reviewed_at=None).select_related("user__officer", "reviewed_by__officer").order_by("-reviewed_at")
    pending = list(pending[:100])
    changes = changes_made(pending)
    for bg in pending:
        bg.changes = changes.get(bg.pk, [])
    done = list(done[:50])
    from vigil.web.panels import log_break_glass_shown
    log_break_glass_shown(request.user, [*pending, *done], "break-glass review page")
    return render(request, "audit/break_glass.html", {"pending": pending, "done": done[:50], "error": error})
