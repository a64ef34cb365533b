"""A visit typed on a tablet and sent after the session ended is not lost: after signing in again the form comes
back with the answers put back in it (web/kept.py, vigil.js), and nothing was recorded until it is sent again."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, totp_now
from tests.offenders.factories import seed_case
from vigil.offenders.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FORM = "/offenders/subjects/S1/visits/new/"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", dt.date(2024, 8, 15).isoformat())


def _idle_for_hours(hours: int) -> None:
    """As if the tablet had been left: the session last seen hours ago, and the authenticator's last code long
    since used (a code is accepted once)."""
    TOTPDevice.objects.update(last_t=-1)
    for key in Session.objects.values_list("session_key", flat=True):
        s = SessionStore(session_key=key)
        if "vigil_last_seen" in s:
            s["vigil_last_seen"] -= hours * 3600
            s["vigil_auth_at"] -= hours * 3600
            s.save()


def test_a_visit_typed_before_the_session_ended_comes_back_filled_in(tablet_page, org):
    page = tablet_page
    subject = seed_case(org)
    om = org.officers["offender_manager"]
    sign_in(page, om.user)
    page.goto(FORM)
    page.get_by_label("Time").fill("19:40")
    page.get_by_label("No reply").check()
    page.get_by_label("Notes").fill("Lights on upstairs; nobody came to the door.")
    _idle_for_hours(2)  # the tablet was left for two hours
    page.get_by_role("button", name="Save visit").tap()
    expect(page.get_by_text("Your session ended")).to_be_visible()
    assert not Visit.objects.filter(subject=subject, date=dt.date(2024, 8, 15)).exists()

    page.get_by_label("Username").fill(om.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(totp_now(om.user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{FORM}")  # back on the form, not the home page
    expect(page.get_by_test_id("kept-answers")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Lights on upstairs; nobody came to the door.")
    expect(page.get_by_label("Time")).to_have_value("19:40")
    expect(page.get_by_label("No reply")).to_be_checked()
    page.get_by_role("button", name="Save visit").tap()
    expect(page.get_by_text("Visit on 15 August 2024 recorded (No reply).")).to_be_visible()
    assert Visit.objects.filter(subject=subject, date=dt.date(2024, 8, 15), outcome="no_reply").count() == 1
