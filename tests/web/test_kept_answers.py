"""A form sent after the session ended, or after its CSRF check failed, loses nothing and does nothing: the
answers are kept for the person who typed them, on the page they typed them on, and shown there once after they
sign in again (web/kept.py). Nobody else signing in on the same browser sees them."""
from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.factories import verified_login
from tests.offenders.factories import seed_case
from vigil.core import clock
from vigil.offenders.models import Visit

pytestmark = pytest.mark.django_db
FORM = "/offenders/subjects/S1/visits/new/"
TYPED = {"date": "2024-08-15", "time": "19:30", "outcome": "no_reply", "notes": "Lights on, nobody answered.",
         "concerns": "A child's bike by the door", "idempotency_key": "k" * 32}


def _kept(page: str) -> dict:
    found = re.search(r'<script id="kept-answers" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else {}


def test_a_visit_sent_after_the_session_ended_is_kept_for_its_author(org):
    seed_case(org)
    om = org.user("offender_manager")
    c = Client()
    verified_login(c, om)
    session = c.session
    session["vigil_auth_at"] = session["vigil_last_seen"] = clock.now().timestamp() - 3 * 3600
    session.save()
    before = Visit.objects.count()

    resp = c.post(FORM, TYPED)
    assert resp.status_code == 302 and resp.url.startswith("/login/?expired=1&next=")
    assert FORM.replace("/", "%2F") in resp.url
    assert Visit.objects.count() == before  # nothing was recorded

    verified_login(c, om)  # signing in again keeps what the ended session kept
    page = c.get(FORM).content.decode()
    assert "Your answers were kept" in page and "Lights on, nobody answered." in page
    kept = _kept(page)
    assert kept["notes"] == ["Lights on, nobody answered."] and kept["outcome"] == ["no_reply"]
    assert not any("csrf" in name for name in kept)
    assert "Your answers were kept" not in c.get(FORM).content.decode()  # shown once
    assert Visit.objects.count() == before


def test_someone_else_signing_in_on_that_browser_does_not_see_them(org):
    seed_case(org)
    c = Client()
    verified_login(c, org.user("offender_manager"))
    session = c.session
    session["vigil_auth_at"] = session["vigil_last_seen"] = clock.now().timestamp() - 3 * 3600
    session.save()
    c.post(FORM, TYPED)
    verified_login(c, org.user("supervisor"))
    assert "Your answers were kept" not in c.get(FORM).content.decode()


def test_a_failed_csrf_check_goes_back_to_the_form_with_the_answers(org):
    seed_case(org)
    c = Client(enforce_csrf_checks=True)
    verified_login(c, org.user("offender_manager"))
    resp = c.post(FORM, TYPED, HTTP_REFERER=f"http://testserver{FORM}")  # no CSRF token: a stale form
    assert resp.status_code == 302 and resp.url == FORM
    page = c.get(FORM).content.decode()
    assert _kept(page)["concerns"] == ["A child's bike by the door"]
    assert not Visit.objects.filter(notes="Lights on, nobody answered.").exists()


def test_a_failed_csrf_check_without_a_person_is_a_plain_page():
    resp = Client(enforce_csrf_checks=True).post("/login/", {"username": "om", "password": "x"})
    assert resp.status_code == 403
    assert "This form had expired" in resp.content.decode() and "CSRF" not in resp.content.decode()
