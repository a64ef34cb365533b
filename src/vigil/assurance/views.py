"""Assurance pages: the dashboard (team, borough, force; any date; trend), drill-down to the records, and the
inspection-style report (HTML to print, PDF to send)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from vigil.assurance import jobs as assurance_jobs
from vigil.assurance.indicators import indicator, open_on
from vigil.assurance.rollup import allowed, parse_level, team_ids
from vigil.assurance.selectors import figures
from vigil.core import access_log, jobs
from vigil.sweep.models import SEVERITY_RANK, Alert
from vigil.web.actions import not_found
from vigil.web.asof import as_of
from vigil.web.shown import alert_refs, alert_texts, log_shown


def _level(request):
    level = parse_level(request.GET.get("level"), request.officer)
    if not allowed(request.officer, level):
        raise PermissionDenied("that level is outside your command")
    return level


@login_required
@permission_required("vigil.view_assurance", raise_exception=True)
def dashboard(request):
    level = _level(request)
    figs = figures(level, as_of(request))
    chart = {"labels": [d.isoformat() for d in figs.trend_dates],
             "series": [{"key": r.indicator.key, "label": r.indicator.label, "data": figs.trend[r.indicator.key]}
                        for r in figs.rows if r.indicator.key in figs.trend and any(figs.trend[r.indicator.key])]}
    return render(request, "assurance/dashboard.html", {"f": figs, "chart": chart, "level": level})


@login_required
@permission_required("vigil.view_assurance", raise_exception=True)
def records(request):
    """The alerts behind a figure, restricted to what the viewer may see, and logged."""
    level = _level(request)
    ind = indicator(request.GET.get("key", ""))
    if ind is None or not ind.codes:
        return render(request, "web/error.html", {"title": "No such figure",
                                                  "message": "Choose a figure from the dashboard."}, status=404)
    day = as_of(request)
    qs = Alert.objects.restrict(request.user).filter(open_on(day), code__in=ind.codes)
    sev = getattr(ind.fn, "severity", None)
    if sev:
        qs = qs.filter(severity=sev)
    teams = team_ids(level)
    if teams is not None:
        qs = qs.filter(team_id__in=teams)
    alerts = sorted(qs.select_related("team")[:500], key=lambda a: (SEVERITY_RANK.get(a.severity, 9), a.since))
    access_log.record(actor=request.user, operation="consultation", record_type="alert_list",
                      record_ids=f"{ind.key}@{level.param}@{day}", justification="assurance drill-down",
                      detail=f"{len(alerts)} alert(s) listed")
    names = log_shown(request.user, alert_refs(alerts), texts=alert_texts(alerts), justification="assurance drill-down",
                      detail=f"records behind the figure {ind.key} at {level.param}, as of {day}", names=True)
    return render(request, "assurance/records.html", {"ind": ind, "alerts": alerts, "level": level, "day": day,
                                                      "names": names})


@login_required
@permission_required("vigil.export_inspection_report", raise_exception=True)
@require_http_methods(["GET", "POST"])
def inspection_report(request):
    """The inspection-style report; "Prepare the PDF" runs in the background (assurance/jobs.py)."""
    level = _level(request)
    if request.method == "POST":
        job_id = jobs.start(assurance_jobs.inspection_pdf, actor=request.user, level=level.param,
                            as_of=as_of(request).isoformat())
        return redirect(jobs.job_url(job_id))
    return render(request, "assurance/report.html", {"f": figures(level, as_of(request)), "level": level})


@login_required
@permission_required("vigil.export_inspection_report", raise_exception=True)
@require_GET
def report_pdf(request, name: str):
    """A prepared PDF, for the user whose job prepared it; each download is a logged disclosure."""
    path = assurance_jobs.reports_dir(request.user.pk) / name
    if "/" in name or not name.endswith(".pdf") or not path.is_file():
        return not_found(request, "There is no such report of yours (a prepared report is kept for a day).")
    access_log.record(actor=request.user, operation="disclosure", record_type="inspection_report",
                      record_ids=name.removesuffix(".pdf"), justification="inspection-style report exported",
                      recipients=["downloaded by the requester"], detail="aggregate figures only; no personal data")
    response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
