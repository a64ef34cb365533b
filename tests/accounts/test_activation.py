"""One-time account links: a new account sets its password and enrols its authenticator together, through a link
that works once, for 72 hours, and is stored only as a hash. A password alone never enrols a second factor."""
from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from vigil.accounts import links, services
from vigil.accounts.models import AccountLink
from vigil.core import clock
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tangerine-lighthouse-orbit"


def _new_account(org, username="newbie", password=None):
    officer = factories.officer(org.teams["om"], roles=["offender_manager"])
    user, token = services.add_user(username=username, officer_ref=officer.ref, password=password)
    return user, token


def _code_from_page(page: str) -> str:
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


def _open(c: Client, token: str):
    resp = c.get(f"/accounts/activate/{token}/")
    assert resp.status_code == 302 and resp.url == "/accounts/activate/"  # the token leaves the address bar
    return c.get("/accounts/activate/")


def test_activation_sets_the_password_and_enrols_the_authenticator_together(org):
    user, token = _new_account(org)
    assert not user.has_usable_password()
    link = AccountLink.objects.get(user=user)
    assert token not in link.token_hash and len(link.token_hash) == 64  # only a hash is stored
    c = Client()
    page = _open(c, token).content.decode()
    assert "Activate your account" in page and 'src="data:image/svg+xml;base64,' in page
    resp = c.post("/accounts/activate/", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                          "code": _code_from_page(page)})
    assert resp.status_code == 200
    assert len(re.findall(r"<code>(\d{8})</code>", resp.content.decode())) == 10  # recovery codes
    assert c.get("/").status_code == 200  # signed in and verified
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    link.refresh_from_db()
    assert link.used_at is not None
    details = list(AccessLogEntry.objects.filter(record_type="user", record_id="newbie").values_list("detail",
                                                                                                  flat=True))
    assert any("link issued" in d for d in details) and any("password set and authenticator enrolled" in d
                                                            for d in details)
    assert not any(token in d or NEW_PASSWORD in d for d in AccessLogEntry.objects.values_list("detail", flat=True))


def test_a_link_works_only_once(org):
    _user, token = _new_account(org)
    c = Client()
    page = _open(c, token).content.decode()
    c.post("/accounts/activate/", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                   "code": _code_from_page(page)})
    again = Client().get(f"/accounts/activate/{token}/")
    assert again.status_code == 404 and "This link does not work" in again.content.decode()


def test_a_link_expires_after_72_hours(org):
    start = clock.now()
    user, token = _new_account(org)
    try:
        clock.set_clock(lambda: start + dt.timedelta(hours=71))
        assert Client().get(f"/accounts/activate/{token}/").status_code == 302
        c = Client()
        _open(c, token)
        clock.set_clock(lambda: start + dt.timedelta(hours=73))
        assert Client().get(f"/accounts/activate/{token}/").status_code == 404
        # ... and a page opened before the expiry cannot be completed after it.
        resp = c.post("/accounts/activate/", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                              "code": "123456"})
        assert resp.status_code == 404
    finally:
        clock.set_clock(None)
    user.refresh_from_db()
    assert not user.has_usable_password()


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: t[:20],
    lambda t: t + "x",
    lambda t: "x" * 200,
])
def test_a_tampered_token_is_refused(org, tamper):
    user, token = _new_account(org)
    resp = Client().get(f"/accounts/activate/{tamper(token)}/")
    assert resp.status_code == 404
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_newer_link_replaces_the_older_one(org):
    user, first = _new_account(org)
    second = links.issue(user, "activate", issued_by="test")
    assert Client().get(f"/accounts/activate/{first}/").status_code == 404
    assert Client().get(f"/accounts/activate/{second}/").status_code == 302


def test_enrolment_needs_the_link(org):
    """Without having opened a link, the form page refuses, and a posted code changes nothing."""
    user, _token = _new_account(org)
    c = Client()
    assert c.get("/accounts/activate/").status_code == 404
    resp = c.post("/accounts/activate/", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                          "code": "123456"})
    assert resp.status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password() and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_password_alone_never_enrols_an_authenticator(org):
    """An account made with a password (VIGIL_PASSWORD) and no device: signing in does not reach enrolment."""
    user, _token = _new_account(org, "pwuser", password=factories.PASSWORD)
    c = Client()
    resp = c.post("/login/", {"username": "pwuser", "password": factories.PASSWORD})
    assert resp.status_code == 200 and "no authenticator yet" in resp.content.decode()
    assert "_auth_user_id" not in c.session
    assert c.get("/mfa/enrol/").status_code == 302  # signed out: to sign-in
    # Even a session signed in some other way cannot enrol at /mfa/enrol/.
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    resp = c.get("/mfa/enrol/")
    assert resp.status_code == 403 and "No authenticator on this account" in resp.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert c.get("/").status_code == 302  # and the session was ended


def test_an_enrol_link_asks_for_the_password_too(org):
    user, token = _new_account(org, "pwuser", password=factories.PASSWORD)
    c = Client()
    page = _open(c, token).content.decode()
    assert "Set up a new authenticator" in page
    code = _code_from_page(page)
    resp = c.post("/accounts/activate/", {"current_password": "not-my-password-1", "code": code})
    assert resp.status_code == 200 and "That is not your password." in resp.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    resp = c.post("/accounts/activate/", {"current_password": factories.PASSWORD, "code": code})
    assert resp.status_code == 200 and "recovery codes" in resp.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize("data,message", [
    ({"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"}, "The two passwords are not the same."),
    ({"new_password": "short", "confirm_password": "short"}, "too short"),
    ({"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "code": "000000"}, "That code is not right"),
])
def test_activation_problems_are_shown_next_to_the_field_and_change_nothing(org, data, message):
    user, token = _new_account(org)
    c = Client()
    page = _open(c, token).content.decode()
    data = {"code": _code_from_page(page), **data}
    resp = c.post("/accounts/activate/", data)
    assert resp.status_code == 200 and message in resp.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert AccountLink.objects.get(user=user).used_at is None


def test_a_disabled_account_cannot_use_its_link(org):
    user, token = _new_account(org)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert Client().get(f"/accounts/activate/{token}/").status_code == 404
