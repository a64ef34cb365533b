"""The synthetic data: realistic shapes, the truth kept aside, and work on "my work" for the demo personas."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from tests.factories import verified_login
from vigil.demo.services import generate
from vigil.missing.models import MissingEpisode, OffenderLink, PhilomenaProfile, StrategyMeeting
from vigil.people.linkage.models import LinkageTruth, LinkRun, MatchStatus, RecordMatch
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 8, 15)


def test_generated_episodes_have_the_shapes_of_real_ones_and_the_personas_have_work(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    generate(scale="small", seed=5, as_of=AS_OF)
    eps = MissingEpisode.objects.all()
    assert eps.count() > 60
    assert eps.filter(returned_at__isnull=True).exists() and eps.exclude(found_key="").exists()
    assert eps.values("child").annotate(n=Count("pk")).filter(n__gte=4).exists()          # repeat children
    assert eps.values("found_key").exclude(found_key="").annotate(
        n=Count("child", distinct=True)).filter(n__gte=2).exists()                          # hotspots
    assert PhilomenaProfile.objects.exists() and StrategyMeeting.objects.exists()
    assert not eps.filter(reported_at__date__gt=AS_OF).exists()
    assert LinkageTruth.objects.filter(note__startswith="second report").exists()
    assert LinkageTruth.objects.filter(note__startswith="adult found with a child").exists()
    assert LinkRun.objects.count() == 1 and RecordMatch.objects.filter(status=MatchStatus.LINKED_AUTO).exists()
    run_sweep(AS_OF)
    codes = set(Alert.objects.filter(status="open").values_list("code", flat=True))
    assert {"MISSING_NOT_SCREENED", "EXPLOITATION_LOCATION", "CO_MISSING_GROUP",
            "CHILD_LINKED_TO_OFFENDER"} <= codes
    assert OffenderLink.objects.filter(holds=True).exists()
    users = get_user_model().objects.in_bulk(["mispers", "analyst"], field_name="username")
    for name, expected in (("mispers", "open episode(s)"), ("analyst", "record-linkage match(es) to review")):
        TOTPDevice.objects.get_or_create(user=users[name], name="authenticator", confirmed=True)
        verified_login(client, users[name])
        html = client.get(f"/?as_of={AS_OF}").content.decode()
        found = re.search(rf"(\d+) {re.escape(expected)}", html)
        assert found and int(found.group(1)) > 0, name
        page = "/missing/" if name == "mispers" else "/missing/matches/"
        assert client.get(page).status_code == 200
        client.logout()
