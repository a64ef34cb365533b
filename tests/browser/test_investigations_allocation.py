"""Investigation allocation in a real browser: an indecent-images crime refused to a student officer and
allocated with a supervisor's override; a batch allocation previewed and applied; the workload chart drawn."""
import datetime as dt

import pytest
from django.core.management import call_command

from tests import factories
from tests.browser.conftest import sign_in
from tests.investigations import factories as inv
from vigil.core import clock
from vigil.investigations.models import Allocation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def cid(org):
    team = org.teams["cid"]
    return {
        "team": team,
        "student": factories.officer(team, roles=["investigator"], rank="PC", pip=1, student=True,
                                     joined=dt.date(2024, 1, 1), ref="O-STU", name="PC Sam Student"),
        "online": factories.officer(team, roles=["investigator"], rank="DC", pip=2, specialisms=["online_csa"],
                                    ref="O-OCSA", name="DC Ola Online"),
        "volume": factories.officer(team, roles=["investigator"], rank="PC", pip=1, ref="O-VOL",
                                    name="PC Val Volume"),
    }


def test_a_student_officer_is_refused_an_indecent_images_crime_and_a_supervisor_override_is_recorded(page, org, cid,
                                                                                                  today):
    crime = inv.crime(cid["team"], "86", flags=["child_victim"], reported=today, ref="CR-IIOC")
    sign_in(page, org.user("allocation_manager"))
    page.get_by_role("link", name="Crime queue").click()
    page.get_by_role("link", name="CR-IIOC", exact=True).click()
    assert page.get_by_test_id("requirement").inner_text().startswith("PIP2 + online child sexual abuse")
    page.get_by_text("Not eligible (").click()
    assert page.get_by_text("student officer: not eligible for a crime flagged child victim").first.is_visible()

    page.get_by_label("Someone else (choose them below)").check()
    page.get_by_label("Someone else", exact=True).press_sequentially("Sam Stud", delay=30)
    page.get_by_role("button", name="PC Sam Student (O-STU)").click()  # the picker, not a typed id
    page.get_by_role("button", name="Allocate").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.locator("#id_rationale_error").inner_text().count("PC Sam Student is not eligible") == 1
    assert not Allocation.objects.filter(crime=crime).exists()

    page.get_by_label("Someone else (choose them below)").check()
    page.get_by_label("Someone else", exact=True).fill("O-STU")  # a typed number works too
    page.get_by_label("Override rationale").fill("Only officer on duty tonight; I will review the case at 08:00")
    page.get_by_role("button", name="Allocate").click()
    assert "Allocated to PC Sam Student" in page.get_by_test_id("current-allocation").inner_text()
    override = page.get_by_test_id("override").inner_text()
    assert "Supervisor override" in override and "review the case at 08:00" in override
    a = Allocation.objects.get(crime=crime)
    assert a.override_by == org.officers["allocation_manager"] and a.ineligible_reasons


def test_running_a_batch_allocation(page, org, cid, today):
    for i in range(4):
        inv.crime(cid["team"], "46", reported=today, ref=f"CR-B{i}")
    inv.crime(cid["team"], "86", reported=today, ref="CR-B-IIOC")
    sign_in(page, org.user("allocation_manager"))
    page.goto("/crimes/")
    assert page.get_by_test_id("queue-count").inner_text() == "5"
    page.get_by_role("link", name="Recommend for CR-B-IIOC").click()  # the panel loads into the queue page
    panel = page.get_by_test_id("recommendation-panel")
    assert "requires PIP2 + online child sexual abuse" in panel.inner_text()
    assert panel.get_by_role("button", name="Allocate to DC Ola Online").is_visible()
    assert page.url.endswith("/crimes/")
    page.get_by_label("Queue to allocate").select_option(label="My team (Central West CID)")
    page.get_by_role("button", name="Propose a batch allocation").click()
    # The plan is a background job: its page waits for the worker, then goes on to the preview by itself.
    assert page.get_by_test_id("job").get_attribute("data-state") == "waiting"
    assert "waiting for the background worker" in page.get_by_test_id("job").inner_text()
    call_command("worker", "--batch")
    page.wait_for_url("**/crimes/batch/*/")
    assert page.get_by_role("heading", name="Preview: 5 of 5 crimes").is_visible()
    assert not Allocation.objects.exists()  # nothing is allocated until applied
    proposals = page.get_by_test_id("proposals").inner_text()
    assert "CR-B-IIOC\tDC Ola Online (O-OCSA)" in proposals
    page.get_by_role("button", name="Apply this allocation").click()
    assert "5 allocated, 0 escalated" in page.get_by_test_id("outcome").inner_text()
    assert Allocation.objects.filter(method="batch").count() == 5
    assert Allocation.objects.get(crime__ref="CR-B-IIOC").officer == cid["online"]


def test_the_workload_chart_is_drawn_and_overloaded_officers_listed_on_a_tablet(tablet_page, org, cid, today):
    inv.load(cid["volume"], 26, start=today - dt.timedelta(days=10))
    sign_in(tablet_page, org.user("allocation_manager"))
    tablet_page.goto("/crimes/workload/")
    tablet_page.wait_for_selector("#workload-chart[data-ready='1']")
    assert tablet_page.get_by_test_id("overloaded-count").inner_text() == "1"
    assert "26 open crimes, above the maximum of 25" in tablet_page.get_by_test_id("overloaded").inner_text()
