"""WCAG 2.2 AA, checked by axe-core in Chromium on every kind of page (issue 12): the demo's data, each demo login,
one page of each kind the page crawl reaches (tests/web/crawl.py), 0 violations."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import ARGS, CHROMIUM, sign_in
from tests.factories import verified_login
from tests.web.crawl import shape, walk
from vigil.demo.organisation import PERSONAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_every_kind_of_page_has_no_wcag_violations(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    from vigil.demo.organisation import DEMO_PASSWORD

    assert AXE.exists(), "axe-core is installed by make install (frontend/package.json)"
    monkeypatch.setenv("VIGIL_TODAY", "2026-12-01")
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {u.username: u for u in get_user_model().objects.all()}
    checked, problems, seen_shapes = 0, [], set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for username, *_rest in PERSONAS:
            user = users[username]
            TOTPDevice.objects.get_or_create(user=user, name="authenticator", defaults={"confirmed": True})
            client = Client(raise_request_exception=False)
            verified_login(client, user)
            urls = []
            for v in walk(client, per_shape=1).visits:
                if v.status == 200 and v.html and shape(v.url) not in seen_shapes:
                    seen_shapes.add(shape(v.url))
                    urls.append(v.url)
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            page = context.new_page()
            sign_in(page, user, DEMO_PASSWORD)
            for url in urls:
                page.goto(url)
                page.add_script_tag(path=str(AXE))
                found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                                      ".then(r => r.violations.map(v => [v.id, v.help, v.nodes.length, "
                                      "v.nodes[0].target.join(' ')]))", TAGS)
                checked += 1
                problems += [f"{username} {url}: {rule} ({n}×) {help_} at {where}" for rule, help_, n, where in found]
            context.close()
        browser.close()
    assert checked > 40, f"axe checked only {checked} pages"
    assert not problems, f"{len(problems)} WCAG violation(s) on {checked} pages:\n" + "\n".join(problems)
