"""The foundation's navigation and home-page panels."""
from vigil.core.models import AccessLogEntry, BreakGlass
from vigil.sweep.models import SEVERITY_RANK, Alert
from vigil.web.registry import nav, panel

nav("My work", "home", perm="vigil.use", order=1)
nav("People", "people:search", perm="vigil.search_people", order=90)
nav("Access log", "audit:index", perm="vigil.view_audit", order=200)
nav("Export", "audit:export", perm="vigil.export", order=210)


@panel("my_alerts", template="web/panel_alerts.html", perm="vigil.use", order=5)
def my_alerts(request, as_of):
    officer = request.officer
    alerts = list(Alert.objects.filter(status="open", owner=officer.ref)[:200])
    alerts.sort(key=lambda a: (SEVERITY_RANK.get(a.severity, 9), a.since))
    return {"alerts": alerts[:50], "total": len(alerts)}


@panel("break_glass_review", template="web/panel_break_glass.html", perm="vigil.review_break_glass", order=50)
def break_glass_review(request, as_of):
    pending = BreakGlass.objects.filter(reviewed_at=None).select_related("user").order_by("at")
    return {"pending": pending[:25], "total": pending.count()}


@panel("access_log", template="web/panel_access_log.html", perm="vigil.view_audit", order=60)
def access_log_summary(request, as_of):
    refused = AccessLogEntry.objects.filter(outcome="refused").order_by("-id")
    return {"refused": refused[:10], "refused_total": refused.count(),
            "break_glass_unreviewed": BreakGlass.objects.filter(reviewed_at=None).count()}
