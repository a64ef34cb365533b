"""Pickers, not typed ids (web/pickers.py): a person is found by name within the officer's work, an officer by
name or number; what a picker shows is logged; a name that matches one officer is taken, several are listed
to choose from, and none is a clear one-line error."""
from __future__ import annotations

import pytest
from django import forms

from tests import factories
from vigil.core.models import AccessLogEntry
from vigil.standards.models import OfficerCase
from vigil.web.pickers import OfficerField

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    officer = OfficerField(label="Officer")


def test_an_officer_is_taken_by_number_or_by_a_name_that_matches_one(org):
    inv = org.officers["investigator"]
    assert _Form({"officer": inv.ref.lower()}).is_valid()
    f = _Form({"officer": "Investigator"})
    assert f.is_valid() and f.cleaned_data["officer"] == inv.ref
    factories.officer(org.teams["cid"], name="DC Sam Investigator-Lee")
    several = _Form({"officer": "investigator"})
    assert not several.is_valid() and "several officers match" in several.errors["officer"][0]
    assert inv.ref in several.errors["officer"][0]
    nobody = _Form({"officer": "Zebedee"})
    assert not nobody.is_valid() and "no officer is called or numbered “Zebedee”" in nobody.errors["officer"][0]


def test_the_officer_list_names_rank_team_and_number_and_is_logged(login, org):
    client = login(org.user("professional_standards"))
    html = client.get("/pick/officers/", {"field": "officer", "officer": "offender", "target": "id_officer"}
                      ).content.decode()
    om = org.officers["offender_manager"]
    assert f'data-pick="{om.ref}"' in html and 'data-pick-for="id_officer"' in html
    assert f"DC Offender Manager ({om.ref}) · Central West MOSOVO" in html
    assert AccessLogEntry.objects.filter(actor=org.user("professional_standards").username, record_type="officer",
                                         record_id=om.ref, detail__startswith="officer picker").exists()


def test_the_people_list_is_the_officers_own_work(login, org):
    mine = factories.person("P-MINE", given="Jade", surname="Rivers", team=org.teams["mp"])
    factories.person("P-ELSE", given="Jade", surname="Rowe", team=org.teams["om2"])
    client = login(org.user("missing_persons_coordinator"))
    html = client.get("/pick/people/", {"field": "child", "child": "Jade", "target": "id_child"}).content.decode()
    assert f'data-pick="{mine.ref}"' in html and "Jade Rivers (P-MINE)" in html
    assert "P-ELSE" not in html
    several = client.get("/pick/people/", {"field": "found_with", "found_with": "P-MINE, Riv", "several": "1",
                                           "target": "id_found_with"}).content.decode()
    assert "data-pick-several" in several and "P-MINE" in several
    assert client.get("/pick/people/", {"field": "q", "q": "J"}).content.decode().strip() == ""  # too short
    auditor = login(org.user("auditor"))
    assert auditor.get("/pick/people/", {"field": "q", "q": "Jade"}).status_code == 404
    assert auditor.get("/pick/nonsense/").status_code == 404


def test_a_standards_case_is_opened_by_the_officers_name(login, org):
    client = login(org.user("professional_standards"))
    form = client.get("/standards/cases/new/").content.decode()
    assert 'hx-get="/pick/officers/"' in form and "Officer&#x27;s id" not in form
    resp = client.post("/standards/cases/new/", {"officer": "DC Investigator", "category": "vawg",
                                                 "opened": "2024-08-01", "summary": "Reported by a colleague"})
    assert resp.status_code == 302
    assert OfficerCase.objects.get().officer == org.officers["investigator"]


def test_the_auditor_finds_a_record_by_name(login, org):
    """An auditor who types a name is shown the records so named, to choose from, not told nobody looked."""
    jade = factories.person("P-JADE", given="Jade", surname="Rivers", team=org.teams["mp"])
    factories.person("P-JON", given="Jon", surname="Rivers", team=org.teams["om2"])
    client = login(org.user("offender_manager"))
    client.get(f"/people/{jade.ref}/")  # someone looks (or is refused)
    auditor = login(org.user("auditor"))
    page = auditor.get("/audit/", {"type": "person", "id": "Rivers"}).content.decode()
    assert "Jade Rivers (P-JADE)" in page and "Jon Rivers (P-JON)" in page
    assert 'href="?type=person&amp;id=P-JADE"' in page
    assert AccessLogEntry.objects.filter(actor=org.user("auditor").username, record_type="person",
                                         record_id="P-JADE", detail__startswith="access-log page: records named").exists()
    one = auditor.get("/audit/", {"type": "person", "id": "P-JADE"}).content.decode()
    assert "Records named" not in one and "P-JADE" in one
