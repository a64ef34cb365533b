"""Assurance: §5 figures per team, borough and force on any date, trend from alert history, drill-down scoped
and logged, the inspection report as a PDF."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from vigil.assurance.rollup import Level, widest_level
from vigil.assurance.selectors import figures, month_ends
from vigil.core.models import AccessLogEntry
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 8, 15)


def _alert(team, code="VISIT_OVERDUE", entity="S1", opened=dt.date(2024, 3, 1), closed=None, severity="high"):
    return Alert.objects.create(code=code, severity=severity, entity_type="subject", entity_id=entity, team=team,
                                since=opened, reasons=["because"], opened_as_of=opened, last_seen_as_of=opened,
                                closed_as_of=closed, status="closed" if closed else "open")


@pytest.fixture
def alerts(org):
    _alert(org.teams["om"], entity="S1")
    _alert(org.teams["om"], entity="S2", severity="critical")
    _alert(org.teams["om2"], entity="S3", opened=dt.date(2024, 6, 1))
    _alert(org.teams["om"], entity="S4", opened=dt.date(2023, 1, 1), closed=dt.date(2024, 2, 1))
    _alert(org.teams["om"], entity="S5", opened=dt.date(2024, 9, 1))  # after the as-of date


def _row(figs, key):
    return next(r for r in figs.rows if r.indicator.key == key)


def test_figures_roll_up_from_team_to_borough_to_force(org, alerts):
    force = figures(Level("force", None, "Force"), AS_OF)
    assert _row(force, "visits_overdue").value == 3
    assert _row(force, "visits_overdue_critical").value == 1
    borough = figures(Level("borough", org.teams["om"].borough_id, "Central West"), AS_OF)
    assert _row(borough, "visits_overdue").value == 2
    names = [k.name for k in force.children]
    by_borough = dict(zip(names, _row(force, "visits_overdue").by_child, strict=True))
    assert by_borough["Central West"] == 2 and by_borough["South East"] == 1


def test_figures_on_an_earlier_date_use_the_alert_lifecycle(org, alerts):
    jan = figures(Level("force", None, "Force"), dt.date(2024, 1, 15))
    assert _row(jan, "visits_overdue").value == 1  # only S4 was open then


def test_trend_has_twelve_month_ends_and_the_as_of_date(org, alerts):
    figs = figures(Level("force", None, "Force"), AS_OF)
    assert figs.trend_dates == month_ends(AS_OF) and len(figs.trend_dates) == 13
    series = figs.trend["visits_overdue"]
    assert series[-1] == 3 and series[0] == 1  # Aug 2023: S4 only


def test_widest_level_follows_role_and_rank(org):
    assert widest_level(org.officers["auditor"]).kind == "force"
    assert widest_level(org.officers["senior_officer"]).kind == "borough"
    assert widest_level(org.officers["supervisor"]).kind == "team"


def test_dashboard_pages_respect_the_viewers_command(org, alerts, login):
    c = login(org.user("supervisor"))
    page = c.get("/assurance/?as_of=2024-08-15")
    assert page.status_code == 200
    assert c.get("/assurance/?level=force").status_code == 403
    other = org.teams["om2"].pk
    assert c.get(f"/assurance/?level=team:{other}").status_code == 403
    c = login(org.user("auditor"))
    page = c.get("/assurance/?level=force&as_of=2024-08-15").content.decode()
    assert 'data-testid="figure-visits_overdue">3<' in page


def test_drill_down_lists_only_what_the_viewer_may_see_and_is_logged(org, alerts, login):
    c = login(org.user("supervisor"))
    page = c.get(f"/assurance/records/?key=visits_overdue&level=team:{org.teams['om'].pk}&as_of=2024-08-15")
    refs = set(re.findall(r"\bS\d+\b", page.content.decode()))  # whole references, not inside a random token
    assert {"S1", "S2"} <= refs and "S3" not in refs
    assert AccessLogEntry.objects.filter(record_type="alert_list", actor="supervisor").exists()


@pytest.mark.django_db(transaction=True)  # the worker takes its job with SELECT ... FOR UPDATE, outside the test's block
def test_inspection_report_pdf_is_a_pdf_and_a_logged_disclosure(org, alerts, login):
    c = login(org.user("auditor"))
    html = c.get("/assurance/report/?level=force&as_of=2024-08-15")
    assert html.status_code == 200 and "Subjects overdue a home visit" in html.content.decode()
    started = c.post("/assurance/report/?level=force&as_of=2024-08-15", {"submission_key": "pdf-once"})
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")  # prepared in the background
    from django.core.management import call_command
    call_command("worker", "--batch")
    ready = c.get(started["Location"])
    assert ready.status_code == 302 and ready["Location"].startswith("/assurance/report/pdf/vigil-assurance-")
    assert not AccessLogEntry.objects.filter(operation="disclosure", record_type="inspection_report").exists()
    pdf = c.get(ready["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf).startswith(b"%PDF") and len(b"".join(pdf)) > 2000
    assert AccessLogEntry.objects.filter(operation="disclosure", record_type="inspection_report").count() == 1
    other = login(org.user("administrator"))  # only the user who prepared it may take it
    assert other.get(ready["Location"]).status_code in (403, 404)


def test_the_dashboard_query_count_does_not_grow_with_alerts(org, login, django_assert_max_num_queries):
    for i in range(60):
        _alert(org.teams["om"], entity=f"S{i}")
    c = login(org.user("auditor"))
    with django_assert_max_num_queries(60):
        assert c.get("/assurance/?level=force&as_of=2024-08-15").status_code == 200
