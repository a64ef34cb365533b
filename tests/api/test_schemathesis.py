"""Every API operation, fuzzed from the OpenAPI schema the app serves (schemathesis over the WSGI app, no network):
no answer is a server error, and every answer matches the schema: its status code, its content type and its
body. Valid and invalid (negative) inputs both; a few explicit cases hit real records so that the success shapes
are checked too. The number of operations and examples is printed (``pytest -s`` or the captured output)."""
from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vigil.accounts.tokens import create_token
from vigil.interchange.services import FORMAT, import_document

EXAMPLES = 15  # per operation and generation mode; the whole file runs in well under a minute
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

DOC = {
    "format": FORMAT,
    "people": [{"id": "P1", "given_names": "Mark", "surname": "Ellery", "date_of_birth": "1971-02-03",
                "sex": "male", "team": "T-OM1"},
               {"id": "P2", "given_names": "Lily", "surname": "Ellery", "date_of_birth": "2011-05-06",
                "sex": "female", "team": "T-OM1"}],
    "subjects": [{"id": "S1", "person": "P1", "kind": "registered_offender", "team": "T-OM1", "manager": "O-API",
                  "managed_from": "2020-01-01", "mode": "active",
                  "notification": {"start": "2020-01-01", "end": None}}],
    "assessments": [{"subject": "S1", "date": "2020-02-01", "risk_level": "high", "assessor": "O-API",
                     "rationale": "synthetic"}],
    "visits": [{"subject": "S1", "date": "2024-03-02", "time": "19:30", "officers": ["O-API"], "announced": False,
                "outcome": "seen_at_home"}],
    "crimes": [{"id": "CR1", "offence_code": "86", "reported": "2024-07-01", "team": "T-OM1",
                "flags": ["child_victim"], "status": "open"}],
    "missing_episodes": [{"id": "M1", "child": "P2", "reported": "2024-06-01T22:10:00", "risk_grade": "medium",
                          "returned": "2024-06-03T08:00:00"}],
}


@pytest.fixture
def api(db, org):
    """A token for an officer whose roles reach every API operation, and records in their work."""
    from tests.factories import officer

    o = officer(org.teams["om"], ref="O-API", rank="DS", username="api_fuzz",
                roles=["offender_manager", "supervisor", "allocation_manager", "investigator",
                       "missing_persons_coordinator", "exploitation_analyst"])
    import_document(DOC)
    key = create_token(user=o.user, name="schemathesis")
    headers = {"Authorization": f"Bearer {key}"}
    # The WSGI app closes database connections when a request ends; inside a test's transaction that would end
    # the test itself (PostgreSQL), so, as Django's own test client does, requests leave the connection open.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(),
                                                headers=headers)
        yield schema, headers
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


EXPLICIT = {  # operation id → real records, so that the success shapes are checked as well as the refusals
    "people_search": [{"query": {"q": "Ellery"}}],
    "people_retrieve": [{"path_parameters": {"ref": "P1"}}],
    "offenders_subjects_retrieve": [{"path_parameters": {"ref": "S1"}},
                                    {"path_parameters": {"ref": "S1"}, "query": {"as_of": "2024-08-15"}},
                                    {"path_parameters": {"ref": "S1"}, "query": {"as_of": "0001-01-01"}}],
    "offenders_subjects_visits_create": [{"path_parameters": {"ref": "S1"},
                                          "body": {"date": "2024-08-01", "outcome": "no_reply",
                                                   "idempotency_key": "k1"}}],
    "crimes_list": [{"query": {"limit": "1"}}, {"query": {"limit": str(10 ** 30), "offset": str(10 ** 30)}},
                    {"query": {"limit": "-1"}}, {"query": {"offset": "abc"}}],
    "crimes_retrieve": [{"path_parameters": {"ref": "CR1"}}],
    "crimes_recommendation_retrieve": [{"path_parameters": {"ref": "CR1"}, "query": {"as_of": "2024-08-15"}}],
    "crimes_allocate_create": [{"path_parameters": {"ref": "CR1"}, "body": {"officer": "O-API"}}],
    "missing_episodes_list": [{"query": {"open": "1"}}],
    "missing_episodes_retrieve": [{"path_parameters": {"ref": "M1"}}],
}


def test_every_api_operation_answers_without_server_errors_and_as_its_schema_says(api, capsys):
    schema, headers = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, [op.label for op in operations]
    calls: dict[str, int] = {}
    for op in operations:
        op_id = op.definition.raw.get("operationId", op.label)

        def call(case, op_id=op_id):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            calls[op_id] = calls.get(op_id, 0) + 1
            return response

        for explicit in EXPLICIT.get(op_id, []):
            call(op.Case(**explicit, **({"media_type": "application/json"} if "body" in explicit else {})))
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy(generation_mode=mode))
            def fuzz(case):
                call(case)

            fuzz()
    assert set(EXPLICIT) <= set(calls), set(EXPLICIT) - set(calls)
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {sum(calls.values())} requests "
              f"({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})")


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/no-such-thing/", 404),
    ("GET", "/api/crimes/", 401),
    ("TRACE", "/api/crimes/", 405),
    ("GET", "/api/schema/", 401),
])
def test_api_errors_are_json_even_without_a_token(client, method, path, status):
    r = client.generic(method, path)
    assert r.status_code == status or (status == 401 and r.status_code in (401, 403)), r.content[:200]
    assert r["Content-Type"].startswith("application/json"), r.content[:200]
    assert isinstance(r.json()["detail"], str)


@pytest.mark.parametrize(("query", "status", "count"), [
    ("", 200, 1), ("?limit=1", 200, 1), (f"?limit={10 ** 30}", 200, 1), (f"?offset={10 ** 30}", 200, 0),
    ("?limit=-1", 400, None), ("?limit=0", 400, None), ("?offset=abc", 400, None), ("?limit=1e3", 400, None),
    ("?offset=-5", 400, None),
])
def test_paging_caps_large_values_and_refuses_bad_ones_in_json(api, query, status, count):
    from django.test import Client

    r = Client().get(f"/api/crimes/{query}", HTTP_AUTHORIZATION=api[1]["Authorization"])
    assert r.status_code == status, r.content[:300]
    body = r.json()
    if status == 200:
        assert set(body) == {"count", "next", "previous", "results"} and len(body["results"]) == count
    else:
        assert body["detail"].startswith(("limit:", "offset:"))


def test_api_404_and_500_are_json(api, monkeypatch):
    from django.test import Client

    client = Client(raise_request_exception=False)
    auth = api[1]["Authorization"]
    r = client.get("/api/offenders/subjects/NOPE/", HTTP_AUTHORIZATION=auth)
    assert r.status_code == 404 and r.json()["detail"]
    r = client.get("/api/nothing-here/", HTTP_AUTHORIZATION=auth)
    assert r.status_code == 404 and r["Content-Type"] == "application/json" and r.json()["detail"]

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("vigil.missing.api.open_episode", boom)
    r = client.get("/api/missing/episodes/M1/", HTTP_AUTHORIZATION=auth)
    assert r.status_code == 500 and r["Content-Type"] == "application/json"
    assert "quote reference" in r.json()["detail"] and "a bug" not in r.json()["detail"]


def test_list_responses_are_documented_in_the_shape_they_have(api):
    schema = api[0].raw_schema
    ok = schema["paths"]["/api/crimes/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"count", "next", "previous", "results"}
    for path in ("/api/offenders/subjects/", "/api/missing/episodes/", "/api/people/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
        assert component["properties"]["results"]["type"] == "array"
