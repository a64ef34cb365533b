"""One write per action in the API: every write takes an ``Idempotency-Key`` header (per person). A repeat gets
the first answer and writes nothing; the same key with a different request is a 422; a failed first attempt
releases the key. The visit API's own body ``idempotency_key`` keeps working beside it."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import verified_login
from tests.offenders.factories import seed_case
from vigil.core.models import AccessLogEntry, Submission
from vigil.offenders.models import Visit

URL = "/api/offenders/subjects/S1/visits/"
VISIT = {"date": "2024-08-14", "time": "19:05", "outcome": "no_reply", "announced": False,
         "idempotency_key": "tablet-1"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")


def _post(client, body, key="retry-1"):
    return client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_a_visit_sent_twice_with_one_header_key_is_one_visit_and_the_same_answer(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    before = Visit.objects.count()
    logged = AccessLogEntry.objects.filter(detail__startswith="visit on 2024-08-14").count()
    first, again = _post(client, VISIT), _post(client, VISIT)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Visit.objects.count() == before + 1
    assert AccessLogEntry.objects.filter(detail__startswith="visit on 2024-08-14").count() == logged + 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_body_is_refused_in_one_line_and_writes_nothing(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    assert _post(client, VISIT).status_code == 201
    before = Visit.objects.count()
    r = _post(client, {**VISIT, "idempotency_key": "tablet-2", "outcome": "refused_entry"})
    assert r.status_code == 422 and "\n" not in r.json()["detail"]
    assert r.json()["detail"] == ("Idempotency-Key 'retry-1' was used for a different request: send this one with "
                                  "a new key")
    assert Visit.objects.count() == before


@pytest.mark.django_db
def test_a_failed_first_attempt_releases_the_key(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    bad = _post(client, {**VISIT, "outcome": "gone"})
    assert bad.status_code == 400 and not Submission.objects.exists()
    good = _post(client, VISIT)
    assert good.status_code == 201 and Visit.objects.filter(idempotency_key="tablet-1").count() == 1


@pytest.mark.django_db
def test_header_keys_are_per_person(org, login):
    seed_case(org)
    _post(login(org.user("offender_manager")), VISIT, key="same")
    other = Client()
    verified_login(other, org.user("supervisor"))
    r = _post(other, {**VISIT, "idempotency_key": "tablet-2", "time": "20:00"}, key="same")
    assert r.status_code == 201 and Visit.objects.filter(idempotency_key__in=["tablet-1", "tablet-2"]).count() == 2


@pytest.mark.django_db
def test_the_body_key_still_works_without_a_header_and_a_long_header_key_is_a_400(org, login):
    seed_case(org)
    client = login(org.user("offender_manager"))
    first = client.post(URL, VISIT, content_type="application/json")
    again = client.post(URL, VISIT, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200) and not Submission.objects.exists()
    r = _post(client, {**VISIT, "idempotency_key": "tablet-3"}, key="k" * 65)
    assert r.status_code == 400 and r.json()["detail"] == "Idempotency-Key: at most 64 characters"
    assert not Visit.objects.filter(idempotency_key="tablet-3").exists()


@pytest.mark.django_db
def test_every_api_write_documents_the_header_and_its_refusals(org, login):
    client = login(org.user("offender_manager"))
    schema = client.get("/api/schema/?format=json").json()
    writes = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
              if method in ("post", "put", "patch", "delete")]
    assert {(p, m) for p, m, _ in writes} >= {("/api/offenders/subjects/{ref}/visits/", "post"),
                                              ("/api/crimes/{ref}/allocate/", "post")}
    for path, method, op in writes:
        headers = [p for p in op.get("parameters", []) if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], (path, method)
        assert {"409", "422"} <= set(op["responses"]), (path, method)
