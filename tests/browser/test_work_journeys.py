"""Owned work in a real browser: a DI decides "apply for a s.96B warrant" and names a superintendent; the
superintendent signs in, sees the task in their work queue with the DI's rationale, and closes it with the outcome.
The successful visit an offender manager then records clears the supervisor's alert at once."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.offenders.factories import seed_case
from vigil.offenders import services as offenders
from vigil.offenders.models import Escalation
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert
from vigil.work.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("VIGIL_SCREENSHOTS")  # a folder: the journeys leave a picture of each step there


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
TODAY = dt.date(2024, 8, 15)
RATIONALE = "No successful visit since 2017 and two failed attempts: a warrant is proportionate now."


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


def test_the_s96b_application_reaches_the_named_superintendent_with_the_rationale(page, org):
    s = seed_case(org)
    run_sweep(TODAY)
    e = Escalation.objects.get(subject=s, kind="S96B_WARRANT_CONSIDERATION")
    supt = factories.officer(org.teams["om"], rank="Supt", roles=["senior_officer"], name="Supt Hale",
                             username="supt")
    offenders.decide_escalation(actor=e.owner.user, escalation=e, decided_on=TODAY,
                                options=["s96b_warrant_application"], rationale=RATIONALE,
                                next_review=TODAY + dt.timedelta(days=14), applicant=supt)
    sign_in(page, supt.user)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Work queue 1 open")).to_be_visible()
    shot(page, "1-superintendent-home")
    nav.get_by_role("link", name="Work queue").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    shot(page, "2-superintendent-work-queue")
    expect(page.get_by_text(s.person.display_name).first).to_be_visible()
    page.get_by_role("link", name="Apply for a s.96B warrant to enter and search").click()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    shot(page, "3-the-task-with-the-rationale")
    expect(page.get_by_text("decided on 15 Aug 2024: Apply for a s.96B warrant to enter and search").first
           ).to_be_visible()
    page.get_by_role("textbox", name="Outcome").fill("Warrant granted at the magistrates' court; entry planned for tomorrow.")
    page.get_by_label("Done").check()
    page.get_by_role("button", name="Close the task").click()
    expect(page.get_by_text("Task closed with its outcome.")).to_be_visible()
    shot(page, "4-closed")
    t = Task.objects.get(kind="s96b_application")
    assert t.status == "done" and t.owner == supt and "Warrant granted" in t.outcome
    expect(page.get_by_text("Nothing here")).to_be_visible()


def test_a_visit_on_a_tablet_clears_the_supervisors_critical_alert_at_once(tablet_page, chromium, live_server, org):
    page = tablet_page
    s = seed_case(org)
    run_sweep(TODAY)
    alert = Alert.objects.get(code="VISIT_OVERDUE", entity_id=s.ref, status="open")
    assert alert.severity == "critical"
    desk = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, org.officers["supervisor"].user)  # the supervisor at a desk, the offender manager on a tablet
    desk.goto("/work/")
    expect(desk.get_by_text("No successful home visit", exact=False).first).to_be_visible()
    shot(desk, "5-supervisor-before-the-visit")
    sign_in(page, org.officers["offender_manager"].user)
    page.goto(f"/offenders/subjects/{s.ref}/visits/new/")
    page.get_by_label("Time").fill("18:40")
    page.get_by_label("Seen at home").check()
    page.get_by_label("Devices checked").select_option("yes")
    page.get_by_role("button", name="Save visit").tap()
    expect(page.get_by_text("Visit on 15 August 2024 recorded (Seen at home).")).to_be_visible()
    shot(page, "6-visit-recorded-on-a-tablet")
    alert.refresh_from_db()
    assert alert.status == "closed"
    assert alert.closed_reason.startswith("cleared by the visit on 15 Aug 2024 at 18:40 (")
    desk.reload()  # no sweep has run: the supervisor's queue no longer holds the overdue visit
    expect(desk.get_by_text("No successful home visit", exact=False)).to_have_count(0)
    shot(desk, "7-supervisor-after-the-visit")
    desk.context.close()
