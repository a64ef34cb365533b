"""The admin site: administrators only (with MFA), never a scope bypass, configuration only (ADR 0010), and every
list, record and change access-logged."""
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


def test_the_access_log_is_not_in_the_admin_site(org, login):
    from vigil.core import access_log
    access_log.record(actor="x", operation="consultation", record_type="person", record_ids="P1", justification="j")
    entry = AccessLogEntry.objects.get(record_id="P1")
    c = login(org.user("administrator"))
    assert c.get(f"/admin/core/accesslogentry/{entry.pk}/change/").status_code == 404
    resp = c.post(f"/admin/core/accesslogentry/{entry.pk}/change/", {"actor": "mallory"})
    assert resp.status_code == 404
    assert c.post(f"/admin/core/accesslogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 404
    entry.refresh_from_db()
    assert entry.actor == "x"


def test_the_admin_site_holds_configuration_not_personal_data():
    """ADR 0010: people, subjects, crimes, episodes, standards cases, visits, the access log, break-glass, users,
    login attempts and second-factor devices are not in the admin site."""
    from django.contrib import admin

    registered = {m._meta.label for m in admin.site._registry}
    for app in ("people", "offenders", "investigations", "missing", "standards", "sweep", "auth", "axes",
                "otp_totp", "otp_static"):
        assert not {label for label in registered if label.startswith(app + ".")}, app
    assert {"core.PolicyVersion", "accounts.Borough", "accounts.Team"} <= registered
    assert not registered & {"core.AccessLogEntry", "core.BreakGlass"}


def test_an_admin_list_is_logged(org, login):
    c = login(org.user("administrator"))
    assert c.get("/admin/accounts/team/").status_code == 200
    listed = set(AccessLogEntry.objects.filter(record_type="accounts.team", operation="consultation",
                                               actor="administrator").values_list("record_id", flat=True))
    assert {t.ref for t in org.teams.values()} <= listed


def test_other_roles_are_sent_to_the_admin_sign_in(org, login):
    c = login(org.user("professional_standards"))
    assert c.get("/admin/").status_code == 302
