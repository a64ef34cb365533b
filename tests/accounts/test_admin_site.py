"""The admin site: administrators only (with MFA), never a scope bypass, and every change access-logged."""
import pytest

from vigil.accounts.models import Team
from vigil.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_administrator_changes_a_team_and_it_is_logged(org, login):
    c = login(org.user("administrator"))
    team = org.teams["om"]
    assert c.get(f"/admin/accounts/team/{team.pk}/change/").status_code == 200
    resp = c.post(f"/admin/accounts/team/{team.pk}/change/", {"ref": team.ref, "name": "Renamed MOSOVO",
                                                              "kind": team.kind, "borough": team.borough_id})
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert Team.objects.get(pk=team.pk).name == "Renamed MOSOVO"
    ops = set(AccessLogEntry.objects.filter(record_type="accounts.team", record_id=team.ref)
              .values_list("operation", flat=True))
    assert ops == {"consultation", "alteration"}


def test_the_access_log_cannot_be_changed_in_the_admin_site(org, login):
    from vigil.core import access_log
    access_log.record(actor="x", operation="consultation", record_type="person", record_ids="P1", justification="j")
    entry = AccessLogEntry.objects.get(record_id="P1")
    c = login(org.user("administrator"))
    resp = c.post(f"/admin/core/accesslogentry/{entry.pk}/change/", {"actor": "mallory"})
    assert resp.status_code == 403
    assert c.post(f"/admin/core/accesslogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.actor == "x"


def test_other_roles_are_sent_to_the_admin_sign_in(org, login):
    c = login(org.user("professional_standards"))
    assert c.get("/admin/").status_code == 302
