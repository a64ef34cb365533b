"""`vigil user`: add prints a one-time activation link; reset-mfa, disable, enable, set-roles (four eyes for
powerful roles) and approve-role. Bad input is one line on stderr, exit 2, and changes nothing."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from vigil.accounts.models import AccountLink, OfficerRole, RoleChangeRequest
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def _run(capsys, *args):
    call_command("user", *args)
    return capsys.readouterr().out


def _refused(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exc:
        call_command("user", *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


def _roles(officer):
    return set(OfficerRole.objects.filter(officer=officer).values_list("role", flat=True))


def test_user_add_prints_an_activation_link_and_needs_no_password(org, monkeypatch, capsys):
    monkeypatch.delenv("VIGIL_PASSWORD", raising=False)
    factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-LINK")
    out = _run(capsys, "add", "linked", "--officer", "O-LINK", "--base-url", "https://vigil.example.invalid")
    link = out.strip().splitlines()[-1]
    assert link.startswith("https://vigil.example.invalid/accounts/activate/") and link.endswith("/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = AccountLink.objects.get(user__username="linked")
    assert stored.purpose == "activate" and token not in stored.token_hash
    assert Client().get(f"/accounts/activate/{token}/").status_code == 302
    assert not any(token in d for d in AccessLogEntry.objects.values_list("detail", flat=True))


def test_user_add_with_vigil_password_still_needs_the_link_to_enrol(org, monkeypatch, capsys):
    factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-PW")
    monkeypatch.setenv("VIGIL_PASSWORD", "a-long-and-unusual-passphrase")
    out = _run(capsys, "add", "pw", "--officer", "O-PW")
    assert "/accounts/activate/" in out
    assert AccountLink.objects.get(user__username="pw").purpose == "enrol"


@pytest.mark.parametrize("args,message", [
    (["add", "bad name!", "--officer", "O-X"], "may contain only letters"),
    (["add", "x", "--officer", "O-X", "--base-url", "ftp://nope"], "must start with https://"),
    (["reset-mfa", "ghost"], "no user 'ghost'"),
    (["disable", "ghost"], "no user 'ghost'"),
    (["enable", "offender_manager"], "already enabled"),
    (["set-roles", "offender_manager", "wizard"], "unknown role 'wizard'"),
    (["set-roles", "offender_manager", "offender_manager"], "nothing to change"),
    (["set-roles", "offender_manager", "supervisor", "--by", "offender_manager"], "not an active administrator"),
    (["approve-role", "999", "--by", "administrator"], "no role change request #999"),
    (["disable", "administrator", "--by", "administrator"], "your own account"),
    (["reset-mfa", "administrator", "--by", "administrator"], "your own authenticator"),
    (["reactivate", "ghost"], "no user 'ghost'"),
    (["reset-mfa", "never"], "never activated"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(org, monkeypatch, capsys, args, message):
    monkeypatch.delenv("VIGIL_PASSWORD", raising=False)
    factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-X")
    if args[-1] == "never":
        from vigil.accounts.services import add_user
        add_user(username="never", officer_ref="O-X")
    before = (AccessLogEntry.objects.filter(outcome="allowed").count(), AccountLink.objects.count(),
              OfficerRole.objects.count(), TOTPDevice.objects.count())
    assert message in _refused(capsys, *args)
    after = (AccessLogEntry.objects.filter(outcome="allowed").count(), AccountLink.objects.count(),
             OfficerRole.objects.count(), TOTPDevice.objects.count())
    assert before == after


def test_reset_mfa_removes_the_authenticator_and_prints_an_enrol_link(org, capsys):
    out = _run(capsys, "reset-mfa", "offender_manager", "--by", "administrator")
    assert "/accounts/activate/" in out
    assert not TOTPDevice.objects.filter(user=org.user("offender_manager")).exists()
    assert AccessLogEntry.objects.filter(record_type="user", record_id="offender_manager", actor="administrator",
                                         detail__contains="authenticator and recovery codes removed").exists()


def test_reactivate_clears_a_forgotten_password_and_prints_an_activation_link(org, capsys):
    out = _run(capsys, "reactivate", "offender_manager")
    user = org.user("offender_manager")
    user.refresh_from_db()
    assert not user.has_usable_password() and not TOTPDevice.objects.filter(user=user).exists()
    token = out.strip().splitlines()[-1].rstrip("/").rsplit("/", 1)[1]
    assert AccountLink.objects.get(user=user, used_at=None, revoked_at=None).purpose == "activate"
    assert Client().get(f"/accounts/activate/{token}/").status_code == 302


def test_disable_and_enable(org, capsys):
    _run(capsys, "disable", "offender_manager")
    user = org.user("offender_manager")
    user.refresh_from_db()
    assert not user.is_active
    _run(capsys, "enable", "offender_manager")
    user.refresh_from_db()
    assert user.is_active


def test_set_roles_for_a_powerful_role_waits_and_the_requester_cannot_approve(org, capsys):
    admin2 = factories.officer(org.teams["adm"], roles=["administrator"], rank="staff", username="admin2").user
    om = org.officers["offender_manager"]
    out = _run(capsys, "set-roles", "offender_manager", "offender_manager", "professional_standards",
               "--by", "administrator")
    req = RoleChangeRequest.objects.get(status="pending")
    assert f"role change #{req.pk}" in out and "waiting for a second administrator" in out
    assert _roles(om) == {"offender_manager"}
    assert "second administrator must approve" in _refused(capsys, "approve-role", str(req.pk), "--by",
                                                           "administrator")
    assert _roles(om) == {"offender_manager"}
    assert f"role change #{req.pk}: offender_manager: grant professional_standards" in _run(capsys, "pending")
    out = _run(capsys, "approve-role", str(req.pk), "--by", admin2.username)
    assert "approved by admin2" in out
    assert _roles(om) == {"offender_manager", "professional_standards"}
    again = _refused(capsys, "approve-role", str(req.pk), "--by", admin2.username)
    assert f"role change #{req.pk} was already approved by {admin2.officer.name} at " in again


def test_an_administrator_cannot_approve_a_grant_to_themselves(org, capsys):
    factories.officer(org.teams["adm"], roles=["administrator"], rank="staff", username="admin2")
    _run(capsys, "set-roles", "admin2", "administrator", "auditor")  # the operator asks, unnamed
    req = RoleChangeRequest.objects.get(status="pending")
    assert "your own roles" in _refused(capsys, "approve-role", str(req.pk), "--by", "admin2")
    _run(capsys, "approve-role", str(req.pk), "--by", "administrator")
    assert OfficerRole.objects.filter(officer__user__username="admin2", role="auditor").exists()


def test_set_roles_for_ordinary_roles_applies_at_once(org, capsys):
    out = _run(capsys, "set-roles", "offender_manager", "offender_manager", "supervisor")
    assert "roles of offender_manager are now" in out
    assert _roles(org.officers["offender_manager"]) == {"offender_manager", "supervisor"}


def test_every_subcommand_has_help(capsys):
    for sub in ("add", "reset-mfa", "disable", "enable", "set-roles", "approve-role", "refuse-role", "pending",
                "reactivate"):
        with pytest.raises(SystemExit) as exc:
            call_command("user", sub, "--help")
        assert exc.value.code == 0
        assert "usage: vigil user" in capsys.readouterr().out
