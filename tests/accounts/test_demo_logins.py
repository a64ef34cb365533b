"""The demo's logins keep working with MFA on: in the demo (VIGIL_ENV=demo) they enrol at first sign-in, as the
printed instructions say; anywhere else the demo prints each login's one-time enrolment link."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


def _demo_login(org):
    officer = factories.officer(org.teams["om"], roles=["offender_manager"], ref="O-DEMO")
    user = get_user_model().objects.create_user(username="om", password=factories.PASSWORD)
    officer.user = user
    officer.save(update_fields=["user"])
    factories.person("P-DEMO", team=org.teams["om"])  # the demo then skips generating data
    return user


def test_outside_the_demo_environment_the_demo_prints_enrolment_links(org, capsys):
    _demo_login(org)
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    link = re.search(r"^\s+om\s+(http://127\.0\.0\.1:8000(/accounts/activate/[\w-]+/))$", out, re.M)
    assert link, out
    assert Client().get(link.group(2)).status_code == 302
    assert re.findall(r"^\s+(\w+)\s+http", out, re.M) == ["om"]  # one link per demo login that has none


def test_in_the_demo_environment_logins_enrol_at_first_sign_in(org, settings, capsys):
    settings.VIGIL_ENROL_WITH_PASSWORD = True
    _demo_login(org)
    call_command("demo", "--no-serve")
    assert "MFA: on: enrol an authenticator at first sign-in" in capsys.readouterr().out
    resp = Client().post("/login/", {"username": "om", "password": factories.PASSWORD})
    assert resp.status_code == 302 and resp.url == "/mfa/enrol/"
