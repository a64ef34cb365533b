"""A NUL character in an address, a query or a form's submission key is bad input: a clear 400 (JSON under /api/),
never a server error. PostgreSQL refuses NUL in text, so it must never reach a query."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/people/P%00X/", "/people/?q=a%00b", "/offenders/subjects/S%001/",
                                 "/governance/retention/P%00X/", "/api/people/P%00X/"])
def test_a_nul_in_the_address_is_a_clean_400(org, url):
    c = Client()
    verified_login(c, org.user("supervisor"))
    r = c.get(url)
    assert r.status_code == 400, (url, r.status_code)
    if url.startswith("/api/"):
        assert r.json()["detail"] == "the request holds a NUL character"


def test_a_nul_in_a_submission_key_is_not_a_server_error(org):
    c = Client()
    verified_login(c, org.user("information_manager"))
    r = c.post("/governance/access-requests/", {"person": "NOBODY", "received_on": "2024-08-01",
                                                "submission_key": "k\x00"})
    assert r.status_code == 400
