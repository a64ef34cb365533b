"""Every page walked: on the demo's small data, sign in as every demo login, follow every link from the home page,
and fail on any server error, broken link, refusal of a link the page offered, page slower than its budget, or
internal code in what a person reads (issue 12)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import verified_login
from tests.web.crawl import walk
from vigil.demo.organisation import PERSONAS

pytestmark = pytest.mark.django_db
TODAY = "2026-12-01"
BUDGET_S = 3.0  # small data on a 2-core CI machine; London-scale timings are in bench/
# The JSON policy editor names its keys in its hint: they are what the administrator types.
JSON_KEYS = frozenset({"pip_level"})


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY)
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_page_as_every_demo_login(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    report, walked, slowest = [], 0, []
    for username, *_rest in PERSONAS:
        user = users[username]
        TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})
        client = Client(raise_request_exception=False)
        verified_login(client, user)
        crawl = walk(client, budget_s=BUDGET_S, allowed_codes=JSON_KEYS)
        walked += len(crawl.visits)
        slowest += [(v.seconds, username, v.url) for v in crawl.slowest(3)]
        report += [f"{username}: {v.url} (from {v.found_on or 'start'}): {v.problem}" for v in crawl.problems]
    print(f"\ncrawl: {len(PERSONAS)} logins, {walked} pages, {len(report)} problem(s); slowest:")  # with -s
    for seconds, username, url in sorted(slowest, reverse=True)[:8]:
        print(f"  {seconds * 1000:6.0f} ms  {username:<13} {url}")
    assert walked > 100, f"the crawl reached only {walked} pages"
    assert not report, f"{len(report)} problem(s) on {walked} pages:\n" + "\n".join(report)
