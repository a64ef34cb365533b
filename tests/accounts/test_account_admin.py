"""Account administration in the web app: password change, lost-authenticator requests approved by another
administrator, MFA reset, disable and enable, role changes with four eyes, and throttling per client address."""
from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from vigil.accounts.models import AccountLink, MfaResetRequest, OfficerRole, RoleChangeRequest
from vigil.accounts.tokens import create_token
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "marmalade-canal-whistle"


def _second_admin(org, username="admin2"):
    return factories.officer(org.teams["adm"], roles=["administrator"], rank="staff", username=username).user


def _log_details(username):
    return list(AccessLogEntry.objects.filter(record_type="user", record_id=username).values_list("detail",
                                                                                                  flat=True))


# --- password change ----------------------------------------------------------------------------------------------

def test_password_change_needs_the_current_password_and_a_code(org, login):
    user = org.user("offender_manager")
    other_session = Client()
    factories.verified_login(other_session, user)
    c = login(user)
    assert c.get("/accounts/password/").status_code == 200
    resp = c.post("/accounts/password/", {"current_password": factories.PASSWORD, "code": factories.totp_now(user),
                                          "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert resp.status_code == 302 and resp.url == "/accounts/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert c.get("/").status_code == 200  # this session stays signed in
    assert other_session.get("/").status_code == 302  # every other session is signed out
    assert any("password changed" in d for d in _log_details(user.username))
    assert not any(NEW_PASSWORD in d for d in AccessLogEntry.objects.values_list("detail", flat=True))


@pytest.mark.parametrize("change,message", [
    ({"current_password": "wrong-password-123"}, "That is not your current password."),
    ({"code": "000000"}, "That code is not right"),
    ({"confirm_password": "something-else-entirely"}, "The two new passwords are not the same."),
    ({"new_password": "short", "confirm_password": "short"}, "too short"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(org, login, change, message):
    user = org.user("offender_manager")
    c = login(user)
    data = {"current_password": factories.PASSWORD, "code": factories.totp_now(user), "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD, **change}
    resp = c.post("/accounts/password/", data)
    assert resp.status_code == 200 and message in resp.content.decode()
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


# --- lost authenticator -----------------------------------------------------------------------------------------

def test_lost_authenticator_is_approved_by_another_administrator_and_gives_an_enrol_link(org, login):
    om = org.user("offender_manager")
    assert Client().get("/accounts/lost-authenticator/").status_code == 200
    resp = Client().post("/accounts/lost-authenticator/", {"username": om.username, "password": factories.PASSWORD})
    assert resp.status_code == 200 and "waiting for an administrator" in resp.content.decode()
    req = MfaResetRequest.objects.get(user=om, status="pending")
    admin = login(org.user("administrator"))
    assert f"MFA reset #{req.pk}" in admin.get("/accounts/users/").content.decode()
    resp = admin.post(f"/accounts/requests/mfa/{req.pk}/", {"decision": "approve"})
    assert resp.status_code == 200
    link = re.search(r"(http://testserver/accounts/activate/[\w-]+/)", resp.content.decode()).group(1)
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == org.user("administrator")
    assert not TOTPDevice.objects.filter(user=om).exists() and not StaticDevice.objects.filter(user=om).exists()
    assert AccountLink.objects.get(user=om, used_at=None, revoked_at=None).purpose == "enrol"
    assert Client().get(link.removeprefix("http://testserver")).status_code == 302
    assert any("approved" in d for d in _log_details(om.username))


def test_nobody_approves_their_own_lost_authenticator_request(org, login):
    admin_user = org.user("administrator")
    Client().post("/accounts/lost-authenticator/", {"username": admin_user.username,
                                                    "password": factories.PASSWORD})
    req = MfaResetRequest.objects.get(user=admin_user)
    c = login(admin_user)
    resp = c.post(f"/accounts/requests/mfa/{req.pk}/", {"decision": "approve"})
    assert resp.status_code == 400 and "cannot approve your own request" in resp.content.decode()
    req.refresh_from_db()
    assert req.status == "pending" and TOTPDevice.objects.filter(user=admin_user).exists()
    assert AccessLogEntry.objects.filter(record_id=admin_user.username, outcome="refused").exists()
    # A second administrator can.
    c2 = login(_second_admin(org))
    assert c2.post(f"/accounts/requests/mfa/{req.pk}/", {"decision": "approve"}).status_code == 200
    req.refresh_from_db()
    assert req.status == "approved"


def test_a_lost_authenticator_request_needs_the_right_password(org):
    resp = Client().post("/accounts/lost-authenticator/", {"username": "offender_manager",
                                                           "password": "not-the-password-1"})
    assert "The username or password is not right." in resp.content.decode()
    assert not MfaResetRequest.objects.exists()


def test_a_request_can_be_refused(org, login):
    om = org.user("offender_manager")
    Client().post("/accounts/lost-authenticator/", {"username": om.username, "password": factories.PASSWORD})
    req = MfaResetRequest.objects.get(user=om)
    c = login(org.user("administrator"))
    c.post(f"/accounts/requests/mfa/{req.pk}/", {"decision": "refuse"})
    req.refresh_from_db()
    assert req.status == "refused" and TOTPDevice.objects.filter(user=om).exists()


# --- administrator MFA reset, disable and enable ----------------------------------------------------------------

def test_an_administrator_resets_someones_authenticator_and_their_sessions_end(org, login):
    om = org.user("offender_manager")
    om_session = login(om)
    assert om_session.get("/").status_code == 200
    admin = Client()
    factories.verified_login(admin, org.user("administrator"))
    resp = admin.post(f"/accounts/users/{om.username}/reset-mfa/")
    assert resp.status_code == 200 and 'data-testid="one-time-link"' in resp.content.decode()
    assert not TOTPDevice.objects.filter(user=om).exists()
    assert om_session.get("/").status_code == 302


def test_an_administrator_cannot_reset_or_disable_their_own_account(org, login):
    admin_user = org.user("administrator")
    c = login(admin_user)
    assert c.post(f"/accounts/users/{admin_user.username}/reset-mfa/").status_code == 400
    assert c.post(f"/accounts/users/{admin_user.username}/disable/").status_code == 400
    admin_user.refresh_from_db()
    assert admin_user.is_active and TOTPDevice.objects.filter(user=admin_user).exists()


def test_disabling_an_account_stops_its_sessions_and_api_tokens_at_once(org, login):
    om = org.user("offender_manager")
    key = create_token(user=om, name="briefing")
    om_session = Client()
    factories.verified_login(om_session, om)
    assert om_session.get("/").status_code == 200
    assert Client().get("/api/people/?q=ab", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    admin = login(org.user("administrator"))
    resp = admin.post(f"/accounts/users/{om.username}/disable/")
    assert resp.status_code == 200 and "disabled" in resp.content.decode()
    assert om_session.get("/").status_code == 302
    assert Client().get("/api/people/?q=ab", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    c = Client()
    c.post("/login/", {"username": om.username, "password": factories.PASSWORD})
    assert "_auth_user_id" not in c.session
    assert any("account disabled" in d for d in _log_details(om.username))
    admin.post(f"/accounts/users/{om.username}/enable/")
    om.refresh_from_db()
    assert om.is_active
    assert Client().get("/api/people/?q=ab", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_account_pages_are_for_administrators_only(org, login):
    c = login(org.user("professional_standards"))
    assert c.get("/accounts/users/").status_code == 403
    assert c.post("/accounts/users/offender_manager/disable/").status_code == 403
    assert org.user("offender_manager").is_active
    assert login(org.user("administrator")).get("/accounts/users/").status_code == 200


# --- roles, with four eyes --------------------------------------------------------------------------------------

def test_granting_a_powerful_role_waits_for_a_second_administrator(org, login):
    admin_user, om = org.user("administrator"), org.user("offender_manager")
    c = login(admin_user)
    resp = c.post(f"/accounts/users/{om.username}/roles/", {"roles": ["offender_manager", "auditor"]})
    assert resp.status_code == 200 and "waiting for a second administrator" in resp.content.decode()
    officer = om.officer
    assert set(OfficerRole.objects.filter(officer=officer).values_list("role", flat=True)) == {"offender_manager"}
    req = RoleChangeRequest.objects.get(officer=officer, status="pending")
    assert req.granted == ["auditor"]
    # The requester cannot approve it.
    resp = c.post(f"/accounts/requests/roles/{req.pk}/", {"decision": "approve"})
    assert resp.status_code == 400 and "a second administrator must approve it" in resp.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    # A second administrator can.
    admin2 = _second_admin(org)
    resp = login(admin2).post(f"/accounts/requests/roles/{req.pk}/", {"decision": "approve"})
    assert resp.status_code == 200
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == admin2
    assert set(OfficerRole.objects.filter(officer=officer).values_list("role", flat=True)) == {"offender_manager",
                                                                                              "auditor"}
    assert any("approved by a second administrator" in d for d in _log_details(om.username))


def test_an_administrator_cannot_grant_themselves_professional_standards(org, login):
    admin_user = org.user("administrator")
    admin2 = _second_admin(org)
    c = login(admin_user)
    c.post(f"/accounts/users/{admin_user.username}/roles/", {"roles": ["administrator", "professional_standards"]})
    req = RoleChangeRequest.objects.get(status="pending")
    assert c.post(f"/accounts/requests/roles/{req.pk}/", {"decision": "approve"}).status_code == 400
    assert not admin_user.officer.has_role("professional_standards")
    # Nor can a second administrator's request that grants *them* a role be approved by them.
    c2 = login(admin2)
    c2.post(f"/accounts/requests/roles/{req.pk}/", {"decision": "refuse"})
    c.post(f"/accounts/users/{admin2.username}/roles/", {"roles": ["administrator", "auditor"]})
    req2 = RoleChangeRequest.objects.get(status="pending")
    resp = c2.post(f"/accounts/requests/roles/{req2.pk}/", {"decision": "approve"})
    assert resp.status_code == 400 and "your own roles" in resp.content.decode()
    assert not OfficerRole.objects.filter(officer=admin2.officer, role="auditor").exists()


def test_ordinary_roles_change_at_once_and_removal_needs_no_second_person(org, login):
    om = org.user("offender_manager")
    c = login(org.user("administrator"))
    c.post(f"/accounts/users/{om.username}/roles/", {"roles": ["offender_manager", "supervisor"]})
    assert set(OfficerRole.objects.filter(officer=om.officer).values_list("role", flat=True)) == {
        "offender_manager", "supervisor"}
    c.post("/accounts/users/auditor/roles/", {"roles": []})
    assert not OfficerRole.objects.filter(officer=org.officers["auditor"]).exists()
    assert not RoleChangeRequest.objects.exists()


def test_the_last_administrator_keeps_the_role(org, login):
    c = login(org.user("administrator"))
    resp = c.post("/accounts/users/administrator/roles/", {"roles": ["auditor"]})
    assert resp.status_code == 400 and "no active administrator" in resp.content.decode()
    assert org.officers["administrator"].has_role("administrator")


def test_the_admin_site_cannot_change_roles_or_move_an_officers_account(org, login):
    c = login(org.user("administrator"))
    role = OfficerRole.objects.filter(officer=org.officers["professional_standards"]).first()
    assert c.post(f"/admin/accounts/officerrole/{role.pk}/change/", {"officer": org.officers["administrator"].pk,
                                                                      "role": "professional_standards"}).status_code \
        == 403
    assert c.post("/admin/accounts/officerrole/add/", {"officer": org.officers["administrator"].pk,
                                                       "role": "professional_standards"}).status_code == 403
    assert not org.officers["administrator"].has_role("professional_standards")


# --- sign-in throttling per client address ----------------------------------------------------------------------

def test_five_failures_from_one_address_lock_that_address_whatever_the_usernames(org):
    for i in range(5):
        Client(REMOTE_ADDR="10.9.9.9").post("/login/", {"username": f"guess{i}", "password": "wrong-password-1"})
    resp = Client(REMOTE_ADDR="10.9.9.9").post("/login/", {"username": "supervisor",
                                                           "password": factories.PASSWORD})
    assert resp.status_code in (403, 429) and "locked" in resp.content.decode().lower()
    # The same account from another address is not locked: its own count is still zero.
    resp = Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "supervisor",
                                                           "password": factories.PASSWORD})
    assert resp.status_code == 302 and resp.url == "/mfa/verify/"


def test_the_admin_site_shows_no_users_or_authenticators_to_edit(org, login):
    c = login(org.user("administrator"))
    assert c.get("/admin/auth/user/").status_code in (403, 404)
    assert c.get("/admin/otp_totp/totpdevice/").status_code in (403, 404)
    assert c.get("/admin/accounts/accountlink/add/").status_code == 403


def test_administrators_find_accounts_by_username_name_or_officer_id(org, login):
    c = login(org.user("administrator"))
    page = c.get("/accounts/users/?q=supervisor").content.decode()
    assert ">supervisor</a>" in page and ">offender_manager</a>" not in page
    ref = org.officers["auditor"].ref
    assert ">auditor</a>" in c.get(f"/accounts/users/?q={ref}").content.decode()
    assert c.get("/accounts/users/nobody-here/").status_code == 404


def test_the_admin_site_cannot_move_an_account_to_another_officer(org, login):
    """Linking one's login to a professional-standards officer would hand over that officer's roles."""
    c = login(org.user("administrator"))
    psd = org.officers["professional_standards"]
    psd_user = psd.user
    resp = c.post(f"/admin/accounts/officer/{psd.pk}/change/", {
        "ref": psd.ref, "name": psd.name, "rank": psd.rank, "team": psd.team_id, "joined": "2015-01-01",
        "pip_level": 2, "active": "on", "user": org.user("administrator").pk})
    assert resp.status_code == 302, resp.content.decode()[:300]
    psd.refresh_from_db()
    assert psd.user_id == psd_user.pk
