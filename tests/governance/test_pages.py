"""The information-governance pages, as the information managers use them: log a request and download its pack;
ask for an erasure and have a second manager approve it (the first cannot); restrict a record and lift it; record a
review from the queue; and an officer records a disclosure from the person page. Bad input is a 400 with the
problem next to its field, and changes nothing."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests import factories
from tests.factories import verified_login
from tests.offenders.factories import seed_case
from vigil.core.models import AccessLogEntry
from vigil.governance.models import (
    Disclosure,
    ErasureRequest,
    ProcessingRestriction,
    RetentionReview,
    SubjectAccessRequest,
)
from vigil.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")


def _client(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


def test_a_request_is_logged_and_answered_with_a_pack_download(org):
    s1 = seed_case(org)
    im = _client(org.user("information_manager"))
    r = im.post("/governance/access-requests/", {"person": "NOBODY", "received_on": "2024-08-01",
                                                 "submission_key": "a1"})
    assert r.status_code == 400 and "there is no person NOBODY" in r.content.decode()
    assert not SubjectAccessRequest.objects.exists()
    r = im.post("/governance/access-requests/", {"person": s1.person.ref, "received_on": "2024-08-01",
                                                 "submission_key": "a2"})
    assert r.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    page = im.get("/governance/access-requests/").content.decode()
    assert "1 Sep 2024" in page and "Produce the pack" in page
    r = im.post(f"/governance/access-requests/{sar.pk}/pack/", {"submission_key": "p1"})
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert json.loads(r.content)["person"]["id"] == s1.person.ref
    sar.refresh_from_db()
    assert sar.status == "answered"
    home = im.get("/governance/").content.decode()
    assert "MoPI" in home and "Information governance" in home


def test_an_erasure_needs_a_second_manager(org):
    p = factories.person("P-FREE", given="Robin", surname="Fictional", team=org.teams["om"], dob=None)
    second = factories.officer(org.teams["adm"], roles=["information_manager"], rank="staff", username="im2",
                               name="Second Manager")
    first = _client(org.user("information_manager"))
    r = first.post("/governance/erasures/", {"person": "P-FREE", "reason": "", "submission_key": "e1"})
    assert r.status_code == 400 and not ErasureRequest.objects.exists()
    first.post("/governance/erasures/", {"person": "P-FREE", "reason": "asked by the data subject",
                                         "submission_key": "e2"})
    req = ErasureRequest.objects.get()
    assert "a second person must approve it" in first.get(f"/governance/erasures/{req.pk}/").content.decode()
    r = first.post(f"/governance/erasures/{req.pk}/", {"action": "approve", "submission_key": "e3"})
    assert r.status_code == 403 and Person.objects.get(pk=p.pk).erased_at is None
    r = _client(second.user).post(f"/governance/erasures/{req.pk}/", {"action": "approve", "submission_key": "e4"})
    assert r.status_code == 302 and Person.objects.get(pk=p.pk).erased_at is not None
    assert AccessLogEntry.objects.filter(operation="erasure", record_id="P-FREE", actor="im2").exists()


def test_a_refused_erasure_says_why_next_to_the_person(org):
    s1 = seed_case(org)
    r = _client(org.user("information_manager")).post(
        "/governance/erasures/", {"person": s1.person.ref, "reason": "asked by the data subject",
                                  "submission_key": "r1"})
    assert r.status_code == 400 and "subject S1 is managed" in r.content.decode()
    assert ErasureRequest.objects.get().status == "refused"  # the refusal is on record, and in the log
    assert Person.objects.get(pk=s1.person.pk).erased_at is None


def test_restrict_and_lift_and_a_review_from_the_queue(org):
    seed_case(org)
    factories.person("P-FREE", given="Robin", surname="Fictional", team=org.teams["om"], dob=None)
    im = _client(org.user("information_manager"))
    im.post("/governance/restrictions/", {"person": "P-FREE", "action": "place",
                                          "reason": "the data subject contests its accuracy", "submission_key": "x1"})
    assert ProcessingRestriction.objects.filter(lifted_at__isnull=True).count() == 1
    im.post("/governance/restrictions/", {"person": "P-FREE", "action": "lift",
                                          "reason": "accuracy confirmed with the data subject", "submission_key": "x2"})
    assert not ProcessingRestriction.objects.filter(lifted_at__isnull=True).exists()
    queue = im.get("/governance/retention/").content.decode()
    assert "/governance/retention/P-S1/" in queue and "overdue" in queue
    r = im.post("/governance/retention/P-S1/", {"decision": "retain", "rationale": "still managed at high risk",
                                                "submission_key": "x3"})
    assert r.status_code == 302
    assert RetentionReview.objects.get().next_review_on == dt.date(2034, 8, 15)


def test_an_officer_records_a_disclosure_from_the_person_page(org):
    s1 = seed_case(org)
    om = _client(org.user("offender_manager"))
    person_page = om.get(f"/people/{s1.person.ref}/").content.decode()
    assert f"/governance/disclosures/{s1.person.ref}/" in person_page
    r = om.post(f"/governance/disclosures/{s1.person.ref}/", {
        "recipient_kind": "probation", "recipient": "Central West probation", "lawful_basis": "DPA 2018 s.35; MAPPA",
        "what": "risk level and the date of the last home visit", "submission_key": "d1"})
    assert r.status_code == 302 and Disclosure.objects.get().disclosed_officer == org.officers["offender_manager"]
    assert "Central West probation" in om.get(f"/people/{s1.person.ref}/").content.decode()
