"""The foundation's navigation and home-page panels."""
from vigil.core import access_log
from vigil.core.models import AccessLogEntry, BreakGlass
from vigil.sweep.models import SEVERITY_RANK, Alert
from vigil.web.registry import nav, panel
from vigil.web.shown import NAMED, alert_refs, alert_texts, log_shown

REVIEW = "professional-standards review"
LAWFULNESS = "lawfulness check / self-monitoring (s.62(4))"

nav("My work", "home", perm="vigil.use", order=1)
nav("People", "people:search", perm="vigil.search_people", order=90)
nav("Access log", "audit:index", perm="vigil.view_audit", order=200)
nav("Export", "audit:export", perm="vigil.export", order=210)


@panel("my_alerts", template="web/panel_alerts.html", perm="vigil.use", order=5)
def my_alerts(request, as_of):
    officer = request.officer
    alerts = list(Alert.objects.filter(status="open", owner=officer.ref)[:200])
    alerts.sort(key=lambda a: (SEVERITY_RANK.get(a.severity, 9), a.since))
    shown = alerts[:50]
    names = log_shown(request.user, alert_refs(shown), texts=alert_texts(shown), justification="own or team work",
                      detail="home page: alerts assigned to me", names=True)
    return {"alerts": shown, "total": len(alerts), "names": names}


@panel("break_glass_review", template="web/panel_break_glass.html", perm="vigil.review_break_glass", order=50)
def break_glass_review(request, as_of):
    pending = BreakGlass.objects.filter(reviewed_at=None).select_related("user__officer").order_by("at")
    shown = list(pending[:25])
    log_break_glass_shown(request.user, shown, "home page: break-glass awaiting review")
    return {"pending": shown, "total": pending.count()}


@panel("access_log", template="web/panel_access_log.html", perm="vigil.view_audit", order=60)
def access_log_summary(request, as_of):
    refused = AccessLogEntry.objects.filter(outcome="refused").order_by("-id")
    shown = list(refused[:10])
    log_entries_shown(request.user, shown, "home page: refused access attempts")
    return {"refused": shown, "refused_total": refused.count(),
            "break_glass_unreviewed": BreakGlass.objects.filter(reviewed_at=None).count()}


def log_break_glass_shown(actor, rows, detail: str) -> None:
    """A list of break-glass requests shows each request, the record it opened (type and reference, not its
    content) and the officer who opened it: all three are logged, for professional standards' review."""
    access_log.consulted(actor, "break_glass", [str(bg.pk) for bg in rows], REVIEW, detail)
    from vigil.accounts.models import Officer

    officers = Officer.objects.filter(user_id__in={bg.user_id for bg in rows}).values_list("ref", flat=True)
    access_log.consulted(actor, "officer", sorted(officers), REVIEW, detail + " (the officers who broke glass)")
    by_type: dict[str, list[str]] = {}
    for bg in rows:
        if bg.record_type in NAMED:
            by_type.setdefault(bg.record_type, []).append(bg.record_id)
    log_shown(actor, by_type, justification=REVIEW, detail=detail + " (named in the request; record not opened)",
              texts=[bg.reason_text for bg in rows])


def log_entries_shown(actor, entries, detail: str, justification: str = LAWFULNESS) -> None:
    """Access-log entries shown name a record (type and reference, not its content) and an officer: the records
    named are logged, for the lawfulness check the log is read for."""
    by_type: dict[str, list[str]] = {}
    for e in entries:
        if e.record_type in NAMED:
            by_type.setdefault(e.record_type, []).append(e.record_id)
    log_shown(actor, by_type, justification=justification,
              detail=detail + " (named in the access log; record not opened)")
