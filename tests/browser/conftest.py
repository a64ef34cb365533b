"""Browser tests: real Debian Chromium driven by Playwright against a live server. Never a downloaded browser."""
from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (make install does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def tablet_page(chromium, live_server):
    """An iPad-sized viewport with touch, for pages used in the field."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 810, "height": 1080},
                                   has_touch=True, is_mobile=True, device_scale_factor=2)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def sign_in(page, user, password=None):
    """Sign in through the real pages: password, then the current TOTP code from the user's device."""
    from tests.factories import PASSWORD, totp_now

    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(totp_now(user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/mfa/" not in url and "/login" not in url)


def fill_date(page, label: str, day: str) -> None:
    """Type an ISO date into a date's day, month and year boxes (web/dates.py), found by the fieldset's legend."""
    year, month, dom = day.split("-")
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(int(dom)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)
