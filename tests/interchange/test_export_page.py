"""The export page belongs to the interchange (issue 10 part 5) and keeps its place in the auditor's menu,
/audit/export/ (``audit:export``): step-up re-authentication, then the document, logged as a disclosure."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests import factories
from vigil.core.models import AccessLogEntry
from vigil.interchange import views

pytestmark = pytest.mark.django_db


def test_the_export_page_keeps_its_name_and_path_and_is_the_interchanges():
    assert reverse("audit:export") == "/audit/export/"
    from django.urls import resolve

    assert resolve("/audit/export/").func is views.export


def test_the_export_is_a_document_after_re_authentication_and_a_disclosure(org, login):
    factories.person("P-X", given="", surname="", dob=None, aliases=[("Jay", "")])
    auditor = org.user("auditor")
    c = login(auditor)
    assert c.get("/audit/export/").status_code == 200
    resp = c.post("/audit/export/", {"password": factories.PASSWORD, "code": factories.totp_now(auditor),
                                     "recipient": "inspectorate", "purpose": "annual inspection"})
    assert resp.status_code == 200 and resp["Content-Type"] == "application/json"
    doc = json.loads(resp.content)
    assert next(p for p in doc["people"] if p["id"] == "P-X")["given_names"] is None
    entry = AccessLogEntry.objects.get(operation="disclosure")
    assert entry.recipients == ["inspectorate"] and entry.justification == "annual inspection"
    refused = c.post("/audit/export/", {"password": "wrong", "code": "000000",
                                        "recipient": "inspectorate", "purpose": "annual inspection"})
    assert refused.status_code == 200 and "The password is not right." in refused.content.decode()
