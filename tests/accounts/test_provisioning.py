"""Provisioning: `vigil user add` (password never an argument) and API tokens for integrations."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from tests import factories
from vigil.accounts.models import ApiToken
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_user_add_reads_the_password_from_the_environment(org, monkeypatch, capsys):
    o = factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-NEW")
    monkeypatch.setenv("VIGIL_PASSWORD", "a-long-and-unusual-passphrase")
    call_command("user", "add", "newcomer", "--officer", "O-NEW", "--email", "newcomer@vigil.example")
    o.refresh_from_db()
    assert o.user.username == "newcomer" and o.user.check_password("a-long-and-unusual-passphrase")
    assert o.user.email == "newcomer@vigil.example"  # where notices of waiting work go
    assert AccessLogEntry.objects.filter(record_type="officer", record_id="O-NEW", operation="collection").exists()


def test_user_add_reads_the_password_from_stdin(org, monkeypatch):
    factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-IN")
    monkeypatch.delenv("VIGIL_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-passphrase-here\n"))
    call_command("user", "add", "stdin-user", "--officer", "O-IN", "--password-stdin")
    from django.contrib.auth import get_user_model
    assert get_user_model().objects.get(username="stdin-user").check_password("another-long-passphrase-here")


@pytest.mark.parametrize("args,env,message", [
    (["user", "add", "x", "--officer", "NOPE"], "a-long-and-unusual-passphrase", "officer 'NOPE' does not exist"),
    (["user", "add", "x", "--officer", "O-W"], "short", "password refused"),
    (["user", "add", "offender_manager", "--officer", "O-W"], "a-long-and-unusual-passphrase", "is taken"),
    (["user", "add", "x", "--officer", "O-W", "--email", "not an address"], "a-long-and-unusual-passphrase",
     "'not an address' is not an email address"),
])
def test_user_add_refusals_are_one_line_and_exit_2(org, monkeypatch, capsys, args, env, message):
    factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-W")
    monkeypatch.setenv("VIGIL_PASSWORD", env)
    with pytest.raises(SystemExit) as exc:
        call_command(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_api_token_authenticates_and_only_its_hash_is_stored(org, capsys):
    call_command("token", "create", "offender_manager", "--name", "briefing system")
    key = capsys.readouterr().out.strip()
    assert key.startswith("vgl_")
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and token.prefix == key[:12]
    factories.person("P-T", team=org.teams["om"], surname="Tokenson")
    c = Client()
    assert c.get("/api/people/?q=Tokenson").status_code == 401
    resp = c.get("/api/people/?q=Tokenson", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200 and resp.json()["results"][0]["id"] == "P-T"
    assert c.get("/api/people/?q=Tokenson", HTTP_AUTHORIZATION="Bearer vgl_wrong").status_code == 401


def test_token_for_an_unknown_user_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("token", "create", "ghost", "--name", "x")
    assert exc.value.code == 2 and "no user 'ghost'" in capsys.readouterr().err
