"""Sign-in: argon2 passwords, TOTP MFA for every account (enrolment by QR code, recovery codes), lockout,
idle and absolute session lifetimes, secure headers and a strict CSP."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from vigil.core import clock

pytestmark = pytest.mark.django_db


def _password_step(client, username, password=factories.PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(org):
    user = org.user("offender_manager")
    assert user.password.startswith("argon2")


def test_password_then_totp_code_signs_in(org):
    c = Client()
    user = org.user("offender_manager")
    resp = _password_step(c, "offender_manager")
    assert resp.status_code == 302 and resp.url == "/mfa/verify/"
    assert c.get("/").status_code == 302  # nothing but the MFA step until verified
    assert c.get("/people/?q=ab").url == "/mfa/verify/"
    resp = c.post("/mfa/verify/", {"code": factories.totp_now(user)})
    assert resp.status_code == 302
    assert c.get("/").status_code == 200


def test_a_wrong_code_is_refused_next_to_the_field(org):
    c = Client()
    _password_step(c, "offender_manager")
    resp = c.post("/mfa/verify/", {"code": "000000"})
    assert resp.status_code == 200
    assert "That code is not right" in resp.content.decode()
    assert c.get("/").status_code == 302


def test_api_refuses_a_session_that_has_not_passed_mfa(org):
    c = Client()
    _password_step(c, "offender_manager")
    assert c.get("/api/people/?q=ab").status_code == 401


def test_in_the_demo_a_new_account_enrols_at_first_sign_in_and_gets_recovery_codes(org, settings):
    """The demo's printed logins enrol with the password alone; elsewhere only a one-time link does
    (tests/accounts/test_activation.py)."""
    settings.VIGIL_ENROL_WITH_PASSWORD = True
    team = org.teams["om"]
    officer = factories.officer(team, roles=["offender_manager"])
    user = get_user_model().objects.create_user(username="newbie", password=factories.PASSWORD)
    officer.user = user
    officer.save()
    c = Client()
    resp = _password_step(c, "newbie")
    assert resp.url == "/mfa/enrol/"
    page = c.get("/mfa/enrol/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    code = f"{TOTP(device.bin_key).token():06d}"
    resp = c.post("/mfa/enrol/", {"code": code})
    codes = re.findall(r"<code>(\d{8})</code>", resp.content.decode())
    assert len(codes) == 10
    assert c.get("/").status_code == 200
    # A recovery code works once, on a fresh sign-in.
    c2 = Client()
    _password_step(c2, "newbie")
    assert c2.post("/mfa/verify/", {"code": codes[0]}).status_code == 302
    assert c2.get("/").status_code == 200
    c3 = Client()
    _password_step(c3, "newbie")
    assert c3.post("/mfa/verify/", {"code": codes[0]}).status_code == 200  # used up
    assert c3.get("/").status_code == 302


def test_five_failures_lock_the_account(org):
    c = Client()
    for _ in range(5):
        resp = _password_step(c, "offender_manager", "wrong-password-123")
    resp = _password_step(c, "offender_manager")  # even the right password is now refused
    assert resp.status_code in (403, 429)
    assert "locked" in resp.content.decode().lower()


def test_unknown_user_gets_the_same_message_as_a_wrong_password(org):
    a = _password_step(Client(), "nobody-at-all", "whatever-123456").content.decode()
    b = _password_step(Client(), "offender_manager", "whatever-123456").content.decode()
    assert "The username or password is not right." in a and "The username or password is not right." in b


@pytest.mark.parametrize("minutes_idle,still_in", [(29, True), (31, False)])
def test_thirty_minutes_idle_ends_the_session(org, login, minutes_idle, still_in):
    start = dt.datetime(2024, 8, 15, 9, 0, tzinfo=dt.UTC)
    clock.set_clock(lambda: start)
    try:
        c = login(org.user("offender_manager"))
        assert c.get("/").status_code == 200
        clock.set_clock(lambda: start + dt.timedelta(minutes=minutes_idle))
        resp = c.get("/")
        assert (resp.status_code == 200) is still_in
        if not still_in:
            assert resp.url.startswith("/login/?expired=1")
    finally:
        clock.set_clock(None)


def test_ten_hours_ends_the_session_however_active(org, login):
    start = dt.datetime(2024, 8, 15, 7, 0, tzinfo=dt.UTC)
    clock.set_clock(lambda: start)
    try:
        c = login(org.user("offender_manager"))
        c.get("/")
        for minutes in range(20, 600, 20):  # active every 20 minutes
            clock.set_clock(lambda m=minutes: start + dt.timedelta(minutes=m))
            assert c.get("/").status_code == 200
        clock.set_clock(lambda: start + dt.timedelta(hours=10, minutes=1))
        assert c.get("/").status_code == 302
    finally:
        clock.set_clock(None)


def test_secure_headers_and_strict_csp(org, login):
    resp = login(org.user("offender_manager")).get("/")
    csp = resp["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    assert "<script>" not in resp.content.decode()  # no inline script anywhere


def test_the_session_cookie_is_http_only_and_strict(org):
    c = Client()
    _password_step(c, "offender_manager")
    cookie = c.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_open_redirects_are_refused_after_sign_in(org):
    c = Client()
    resp = c.post("/login/?next=https://example.invalid/", {"username": "offender_manager",
                                                              "password": factories.PASSWORD,
                                                              "next": "https://example.invalid/"})
    c.post("/mfa/verify/", {"code": factories.totp_now(org.user("offender_manager"))})
    assert resp.status_code == 302
    assert "example.invalid" not in c.session.get("vigil_next", "")
