"""The foundation journey in a real browser: sign in with MFA, search, open a person, and the access log has it."""
import pytest

from tests import factories
from tests.browser.conftest import sign_in
from vigil.core.models import AccessLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_mfa_search_open_a_person_and_the_log_records_it(page, org):
    om = org.officers["offender_manager"]
    factories.person("P-WALK", given="Darren", surname="Whitlock", team=org.teams["om"],
                     address={"line1": "4 Canal Street", "town": "London", "postcode": "XW3 1AB"})
    sign_in(page, om.user)
    page.get_by_role("link", name="People").click()
    page.get_by_label("Name or id").fill("Whitlock")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="P-WALK").click()
    assert page.get_by_role("heading", name="Darren Whitlock").is_visible()
    assert "own or team work" in page.get_by_test_id("justification").inner_text()
    opened = AccessLogEntry.objects.filter(record_type="person", record_id="P-WALK", actor=om.user.username,
                                           operation="consultation", detail="person record opened")
    assert opened.count() == 1


def test_a_record_outside_my_work_asks_for_break_glass_first(page, org):
    om = org.officers["offender_manager"]
    factories.person("P-FAR", given="Keith", surname="Farrow", team=org.teams["om2"])
    sign_in(page, om.user)
    page.goto("/people/P-FAR/")
    assert page.get_by_role("heading", name="This is outside your work").is_visible()
    assert not AccessLogEntry.objects.filter(record_id="P-FAR", detail="person record opened").exists()
    page.get_by_role("button", name="Record reason and open").click()
    assert page.get_by_text("There is a problem").is_visible()  # a reason is required
    page.get_by_label("Reason").select_option("live_incident")
    page.get_by_label("Why you need this record now").fill("CAD 1234 live incident at the subject's address")
    page.get_by_role("button", name="Record reason and open").click()
    assert page.get_by_role("heading", name="Keith Farrow").is_visible()
    entry = AccessLogEntry.objects.get(record_id="P-FAR", detail="person record opened")
    assert entry.justification.startswith("break-glass #")
