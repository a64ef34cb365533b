"""Accounts in a real browser: a new officer activates their account through the one-time link (password and
authenticator on one page, the code computed from the key the page shows, as an app would), and an officer who
lost their authenticator asks for a reset that a second person, an administrator, approves.

Screenshots go to /tmp/vigil-shots/ (not committed)."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from tests import factories
from tests.browser.conftest import sign_in
from vigil.accounts import services
from vigil.accounts.models import MfaResetRequest
from vigil.core.models import AccessLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/vigil-shots")  # noqa: S108 - screenshots for a person to look at, never read back
NEW_PASSWORD = "kestrel-harbour-lantern"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"accounts-{name}.png"), full_page=True)


def _code_on(page) -> str:
    """What an authenticator app shows after scanning: the code for the key printed under the QR code."""
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def test_a_new_officer_activates_their_account_through_the_one_time_link(page, org):
    officer = factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-NEWB", name="DC Nia Newby")
    _user, token = services.add_user(username="nnewby", officer_ref=officer.ref)
    page.goto(f"/accounts/activate/{token}/")
    page.wait_for_url("**/accounts/activate/")  # the token is gone from the address bar
    assert page.get_by_role("heading", name="Activate your account").is_visible()
    assert page.get_by_test_id("link-username").inner_text() == "nnewby"
    _shot(page, "1-activation-page")
    page.get_by_label("Choose a password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again", exact=True).fill("not-the-same-password")
    page.get_by_label("6-digit code from your authenticator app").fill(_code_on(page))
    page.get_by_role("button", name="Activate account").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_text("The two passwords are not the same.").first.is_visible()
    _shot(page, "2-activation-mismatch")
    page.get_by_label("Choose a password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(_code_on(page))
    page.get_by_role("button", name="Activate account").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert len(page.locator("ul.vigil-codes code").all_inner_texts()) == 10
    _shot(page, "3-activated-recovery-codes")
    page.get_by_role("link", name="Continue to Vigil").click()
    page.get_by_role("link", name="Your account").click()
    assert page.get_by_role("heading", name="Your account").is_visible()
    _shot(page, "4-your-account")
    # The link is spent.
    page.goto(f"/accounts/activate/{token}/")
    assert page.get_by_role("heading", name="This link does not work").is_visible()


def test_lost_authenticator_reset_is_approved_by_an_administrator_and_the_officer_enrols_again(page, chromium,
                                                                                               live_server, org):
    om = org.user("offender_manager")
    page.goto("/login/")
    page.get_by_role("link", name="I have lost my authenticator").click()
    page.get_by_label("Username").fill(om.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    _shot(page, "5-lost-authenticator-form")
    page.get_by_role("button", name="Ask for a reset").click()
    assert page.get_by_role("heading", name="Reset requested").is_visible()
    _shot(page, "6-reset-requested")
    req = MfaResetRequest.objects.get(user=om, status="pending")

    # An administrator, in another browser, approves it and is shown the one-time link once.
    admin_ctx = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin_page = admin_ctx.new_page()
    admin_page.set_default_timeout(15000)
    try:
        sign_in(admin_page, org.user("administrator"))
        admin_page.get_by_role("link", name="Accounts").click()
        assert admin_page.get_by_role("heading", name="Waiting for a decision").is_visible()
        _shot(admin_page, "7-admin-pending-requests")
        admin_page.get_by_role("button", name=f"Approve MFA reset #{req.pk} for {om.username}").click()
        link_box = admin_page.get_by_test_id("one-time-link")
        assert link_box.is_visible()
        _shot(admin_page, "8-admin-one-time-link")
        link = re.search(r"https?://\S+/accounts/activate/[\w-]+/", link_box.inner_text()).group(0)
    finally:
        admin_ctx.close()

    # The officer opens the link, gives their password and enrols a new authenticator.
    page.goto(link)
    assert page.get_by_role("heading", name="Set up a new authenticator").is_visible()
    page.get_by_label("Your password", exact=True).fill(factories.PASSWORD)
    page.get_by_label("6-digit code from your authenticator app").fill(_code_on(page))
    _shot(page, "9-re-enrol")
    page.get_by_role("button", name="Confirm new authenticator").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    _shot(page, "10-re-enrolled")
    details = " | ".join(AccessLogEntry.objects.filter(record_type="user", record_id=om.username)
                         .values_list("detail", flat=True))
    assert "requested" in details and "approved" in details and "authenticator enrolled" in details


def test_a_powerful_role_waits_for_a_second_administrator(page, chromium, live_server, org):
    admin2 = factories.officer(org.teams["adm"], roles=["administrator"], rank="staff", username="admin2",
                               name="staff Second Administrator").user
    sign_in(page, org.user("administrator"))
    page.goto("/accounts/users/offender_manager/")
    page.get_by_label("Professional standards").check()
    page.get_by_role("button", name="Save roles").click()
    assert page.get_by_text("is waiting for a second administrator to approve it").is_visible()
    assert not org.officers["offender_manager"].has_role("professional_standards")
    page.get_by_role("link", name="All accounts").click()
    assert page.get_by_text("you asked: another administrator approves").is_visible()  # no Approve button
    _shot(page, "11-role-change-requested")

    other = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    second = other.new_page()
    second.set_default_timeout(15000)
    try:
        sign_in(second, admin2)
        second.goto("/accounts/users/")
        second.get_by_role("button", name="Approve role change #").click()
        assert second.get_by_text("is approved").is_visible()
        _shot(second, "12-role-change-approved-by-second-administrator")
    finally:
        other.close()
    officer = org.officers["offender_manager"]
    officer.__dict__.pop("_role_cache", None)
    assert officer.has_role("professional_standards")
