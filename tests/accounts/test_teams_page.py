"""An administrator keeps the teams in the web application: adds a team, sees who is in it, and moves an officer into
it with a reason kept in the access log; bad input changes nothing, and nobody else may."""
from __future__ import annotations

import pytest

from tests import factories
from vigil.accounts.models import Officer, Team
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_team_and_a_repeat_name_changes_nothing(login, org):
    client = login(org.user("administrator"))
    page = client.get("/accounts/teams/").content.decode()
    assert org.teams["om"].name in page and "Offender management" in page
    added = client.post("/accounts/teams/", {"name": "  North  Exploitation ", "kind": "exploitation"})
    team = Team.objects.get(name="North Exploitation")
    assert added.status_code == 302 and added["Location"] == f"/accounts/teams/{team.ref}/"
    assert team.kind == "exploitation" and team.ref == "north-exploitation"
    assert AccessLogEntry.objects.filter(record_type="team", record_id=team.ref, operation="alteration").exists()
    again = client.post("/accounts/teams/", {"name": "north exploitation", "kind": "exploitation"})
    body = again.content.decode()
    assert again.status_code == 400 and "already a team called" in body and 'id="id_name_error"' in body
    assert Team.objects.filter(name__iexact="north exploitation").count() == 1
    nokind = client.post("/accounts/teams/", {"name": "South"})
    assert nokind.status_code == 400 and not Team.objects.filter(name="South").exists()


def test_an_officer_moves_with_a_reason_and_only_with_one(login, org):
    newcomer = factories.officer(org.teams["om"], rank="DC", name="DC Rhys Mover", roles=["offender_manager"])
    target = org.teams["om2"]
    client = login(org.user("administrator"))
    page = client.get(f"/accounts/teams/{target.ref}/").content.decode()
    assert 'hx-get="/pick/officers/"' in page and "Move an officer into" in page
    silent = client.post(f"/accounts/teams/{target.ref}/", {"officer": "Rhys Mover", "reason": ""})
    assert silent.status_code == 400 and Officer.objects.get(pk=newcomer.pk).team == org.teams["om"]
    moved = client.post(f"/accounts/teams/{target.ref}/", {"officer": "Rhys Mover",
                                                           "reason": "Posted to the borough's MOSOVO team"})
    assert moved.status_code == 302
    assert Officer.objects.get(pk=newcomer.pk).team == target
    entry = AccessLogEntry.objects.get(record_type="officer", record_id=newcomer.ref, operation="alteration")
    assert entry.justification == "Posted to the borough's MOSOVO team"
    assert entry.detail == f"moved from team {org.teams['om'].ref} to team {target.ref}"
    shown = client.get(moved["Location"]).content.decode()
    assert "DC Rhys Mover moved from" in shown and "DC Rhys Mover" in shown
    twice = client.post(f"/accounts/teams/{target.ref}/", {"officer": newcomer.ref, "reason": "again, by mistake"})
    assert twice.status_code == 400 and "already in" in twice.content.decode()


def test_an_unknown_team_is_a_404_and_only_an_administrator_may(login, org):
    assert login(org.user("administrator")).get("/accounts/teams/nope/").status_code == 404
    other = login(org.user("supervisor"))
    assert other.get("/accounts/teams/").status_code == 403
    assert other.post(f"/accounts/teams/{org.teams['om2'].ref}/", {"officer": "x", "reason": "because"}).status_code == 403
