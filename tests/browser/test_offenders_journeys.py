"""Offender management in a real browser: record an unannounced visit on a tablet; decide the seed's s.96B
escalation; approve an assessment. Each journey checks the record and the access log afterwards."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import fill_date, sign_in
from tests.offenders.factories import seed_case as make_seed_case
from vigil.core import clock
from vigil.core.models import AccessLogEntry
from vigil.offenders.models import Assessment, Escalation, EscalationDecision, Visit
from vigil.sweep.engine import run_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date
TODAY = D(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.fixture
def seed_case(org):
    return make_seed_case(org)


def test_record_an_unannounced_visit_on_a_tablet(tablet_page, org, seed_case):
    page = tablet_page
    om = org.officers["offender_manager"]
    sign_in(page, om.user)
    page.get_by_role("link", name="My caseload").first.click()
    assert page.get_by_role("heading", name="Visits overdue").is_visible()
    page.get_by_role("link", name="Record visit for S1").click()
    assert page.get_by_role("heading", name="Record a visit").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    page.get_by_label("Time").fill("19:40")
    page.get_by_label("Seen at home").check()
    page.get_by_label("Devices checked").select_option("yes")
    page.get_by_label("Concerns").fill("a new tablet computer in the living room")
    page.get_by_role("button", name="Save visit").tap()
    expect(page.get_by_text("Visit on 15 August 2024 recorded (Seen at home).")).to_be_visible()
    v = Visit.objects.get(subject=seed_case, date=TODAY)
    assert (v.outcome, v.announced, v.devices_checked, v.lead_officer) == ("seen_at_home", False, True, om)
    assert AccessLogEntry.objects.filter(record_type="subject", record_id="S1", operation="collection",
                                         detail__startswith="visit on 2024-08-15").count() == 1
    # the successful visit removes the overdue visit from the caseload
    page.get_by_role("link", name="My caseload").first.click()
    expect(page.get_by_text("No visit is overdue.")).to_be_visible()


def test_decide_the_seeds_s96b_escalation(page, org, seed_case):
    run_sweep(TODAY)   # the first sweep raises it and names the inspector
    e = Escalation.objects.get(subject=seed_case, kind="S96B_WARRANT_CONSIDERATION")
    di = org.officers["senior_officer"]
    assert e.owner == di
    supt = factories.officer(org.teams["om"], rank="Supt", roles=["senior_officer"], name="Supt Hale")
    sign_in(page, di.user)
    panel = page.locator(".panel--offender_escalations")
    assert panel.get_by_text("s.96B warrant consideration: S1").is_visible()
    panel.get_by_role("link", name="s.96B warrant consideration: S1").click()
    assert page.get_by_role("heading", name="s.96B warrant consideration").is_visible()
    assert page.get_by_text("2 failed home attempts since the last successful visit on 2 Mar 2017").is_visible()
    page.get_by_label("Apply for a s.96B warrant to enter and search").check()
    page.get_by_label("Further attempts at varied times").check()
    page.get_by_label("Rationale", exact=True).fill("No successful visit since 2017 and two failed attempts: a warrant is "
                                        "proportionate; evening attempts meanwhile.")
    fill_date(page, "Next review", "2024-08-29")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("made by a Supt or above").first).to_be_visible()   # the applicant must be named
    page.get_by_label("Officer making the s.96B application (Supt or above)").select_option(label=str(supt))
    page.get_by_label("Rationale", exact=True).fill("No successful visit since 2017 and two failed attempts: a warrant is "
                                        "proportionate; evening attempts meanwhile.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    d = EscalationDecision.objects.get(escalation=e)
    assert d.decided_by == di and d.applicant == supt and d.next_review == D(2024, 8, 29)
    assert d.options == ["s96b_warrant_application", "further_attempts_varied_times"]
    assert "a warrant is proportionate" in d.rationale
    assert page.get_by_text("Supt Hale").first.is_visible()
    assert AccessLogEntry.objects.filter(record_id="S1", operation="alteration",
                                         detail__startswith="decision on escalation S96B").count() == 1


def test_approve_an_assessment(page, org, seed_case):
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    a = Assessment.objects.create(subject=seed_case, date=D(2024, 8, 12), risk_level="very_high", assessor=om,
                                  rationale="New intelligence: contact with a child through a new partner.",
                                  recorded_at=clock.now())
    sign_in(page, ds.user)
    page.get_by_role("link", name="Supervisor's queue").first.click()
    page.get_by_role("link", name="Review the assessment of S1").click()
    assert page.get_by_text("New intelligence: contact with a child").is_visible()
    page.get_by_role("button", name="Approve assessment").click()
    expect(page.get_by_text("Assessment approved: S1 is now Very high risk.")).to_be_visible()
    a.refresh_from_db()
    assert a.approved_by == ds and a.approved_on == TODAY


def test_the_subject_page_draws_the_timeline(page, org, seed_case):
    run_sweep(TODAY)
    sign_in(page, org.officers["offender_manager"].user)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/offenders/subjects/S1/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('timeline-chart'))")
    points = page.evaluate("Chart.getChart(document.getElementById('timeline-chart')).data.datasets"
                           ".map(d => [d.label, d.data.length])")
    assert ["Seen at home", 1] in points and ["Failed attempt", 2] in points
    assert not [e for e in errors if "Content Security Policy" in e]
