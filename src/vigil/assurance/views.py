"""Assurance pages: the dashboard (team, borough, force; any date; trend), drill-down to the records, and the
inspection-style report (HTML to print, PDF to send)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from vigil.assurance import report
from vigil.assurance.indicators import indicator, open_on
from vigil.assurance.rollup import allowed, parse_level, team_ids
from vigil.assurance.selectors import figures
from vigil.core import access_log
from vigil.sweep.models import SEVERITY_RANK, Alert
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
def inspection_report(request):
    level = _level(request)
    figs = figures(level, as_of(request))
    if request.GET.get("format") == "pdf":
        pdf = report.render_pdf(figs)
        access_log.record(actor=request.user, operation="disclosure", record_type="inspection_report",
                          record_ids=f"{level.param}@{figs.as_of}", justification="inspection-style report exported",
                          recipients=[request.GET.get("recipient", "downloaded by the requester")[:100]],
                          detail="aggregate figures only; no personal data")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="vigil-assurance-{figs.as_of}.pdf"'
        return response
    return render(request, "assurance/report.html", {"f": figs, "level": level})
