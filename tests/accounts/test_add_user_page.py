"""An administrator adds an account in the web application: the officer is chosen by name, the account starts with
a one-time link shown once, bad input changes nothing, and nobody else may."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests import factories
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_an_account_for_an_officer_by_name(login, org):
    newcomer = factories.officer(org.teams["om"], rank="DC", name="DC Nia Newcomer", roles=["offender_manager"])
    client = login(org.user("administrator"))
    form = client.get("/accounts/new-user/").content.decode()
    assert 'hx-get="/pick/officers/"' in form
    bad = client.post("/accounts/new-user/", {"officer": "Nia Newcomer", "username": "bad name!"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    assert not get_user_model().objects.filter(username__startswith="bad").exists()
    resp = client.post("/accounts/new-user/", {"officer": "Nia Newcomer", "username": "nnewcomer",
                                               "email": "nia@vigil.example"})
    page = resp.content.decode()
    assert resp.status_code == 200 and "/accounts/activate/" in page and "The account is created" in page
    newcomer.refresh_from_db()
    assert newcomer.user.username == "nnewcomer" and not newcomer.user.has_usable_password()
    assert AccessLogEntry.objects.filter(record_id=newcomer.ref, detail="user account nnewcomer created",
                                         actor=org.user("administrator").username).exists()
    again = client.post("/accounts/new-user/", {"officer": newcomer.ref, "username": "nnewcomer2"})
    assert again.status_code == 400 and "already has the account" in again.content.decode()


def test_only_an_administrator_may(login, org):
    assert login(org.user("supervisor")).get("/accounts/new-user/").status_code in (302, 403)
