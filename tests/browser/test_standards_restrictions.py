"""Professional standards in a real browser: a restricted officer is refused a case page (never offered
break-glass for it), and professional standards see the refused attempt and the restriction against strength."""
import datetime as dt

import pytest

from tests.browser.conftest import fill_date, sign_in
from tests.investigations import factories as inv
from tests.security.restricted import make_restricted_officer
from vigil.core.models import AccessLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_restricted_officer_is_refused_a_case_page_and_professional_standards_see_it(page, org):
    restricted = make_restricted_officer(org)
    inv.crime(org.teams["om"], "19C", ref="CR-RAPE", reported=dt.date(2024, 8, 1))
    inv.crime(org.teams["om"], "46", ref="CR-SHOP", reported=dt.date(2024, 8, 1))
    sign_in(page, restricted.user)
    page.goto("/crimes/")
    assert page.get_by_role("link", name="CR-SHOP", exact=True).is_visible()
    assert page.get_by_role("link", name="CR-RAPE", exact=True).count() == 0  # never shown the case
    page.goto("/crimes/CR-RAPE/")
    assert page.get_by_role("heading", name="Access refused").is_visible()
    assert page.get_by_text("professional-standards restriction").is_visible()
    assert page.get_by_role("button", name="Record reason and open").count() == 0
    assert AccessLogEntry.objects.filter(record_id="CR-RAPE", outcome="refused").count() == 1
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, org.user("professional_standards"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Professional standards").click()
    assert page.get_by_test_id("restricted").inner_text().startswith("1 of ")
    refused = page.get_by_test_id("refused").inner_text()
    assert "crime CR-RAPE" in refused and "restricted" in refused


def test_a_case_is_opened_by_choosing_the_officer_from_the_picker(page, org):
    """No typed ids: professional standards type part of a name and choose the officer from the list."""
    from playwright.sync_api import expect

    from vigil.standards.models import OfficerCase

    sign_in(page, org.user("professional_standards"))
    page.goto("/standards/cases/new/")
    page.get_by_label("Officer", exact=True).press_sequentially("Investig", delay=30)
    choice = page.get_by_role("button", name=f"DC Investigator ({org.officers['investigator'].ref})")
    expect(choice).to_be_visible()
    choice.click()
    expect(page.get_by_label("Officer", exact=True)).to_have_value(org.officers["investigator"].ref)
    page.get_by_label("Category").select_option("vawg")
    fill_date(page, "Opened on", "2024-08-01")  # day, month and year in their own boxes
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("opened.")).to_be_visible()
    assert OfficerCase.objects.get().officer == org.officers["investigator"]
