"""The ``crimes`` and ``officer_cases`` sections: the contract's example loads, exports back, and bad input is
refused with its JSON path and nothing written."""
from __future__ import annotations

import copy

import pytest

from vigil.core.errors import InputError
from vigil.interchange.services import FORMAT, export_document, import_document
from vigil.investigations.models import Allocation, Crime, CrimePerson
from vigil.standards.models import OfficerCase

pytestmark = pytest.mark.django_db

DOC = {
    "format": FORMAT,
    "teams": [{"id": "T2", "name": "Central West CID", "kind": "investigation", "borough": "Central West"}],
    "officers": [
        {"id": "O7", "name": "PC Ana Student", "rank": "PC", "team": "T2", "joined": "2023-09-01", "pip_level": 1,
         "student_officer": True, "roles": ["investigator"]},
        {"id": "O8", "name": "DS Bo Sergeant", "rank": "DS", "team": "T2", "joined": "2010-01-01", "pip_level": 2,
         "roles": ["supervisor"]},
        {"id": "O9", "name": "DC Cy Case", "rank": "DC", "team": "T2", "joined": "2012-01-01", "pip_level": 2,
         "roles": ["investigator"]},
    ],
    "people": [{"id": "P1", "given_names": "Vic", "surname": "Tim", "date_of_birth": "2010-02-03", "sex": "female"}],
    "crimes": [
        {"id": "CR1", "offence_code": "86", "reported": "2024-07-01", "team": "T2", "flags": ["child_victim"],
         "allocated_to": "O7", "allocated_on": "2024-07-02", "status": "open",
         "override": {"by": "O8", "at": "2024-07-02", "rationale": "Only officer available; DS supervising"},
         "victims": ["P1"]},
        {"id": "CR2", "offence_code": "46", "reported": "2024-06-01", "team": "T2", "flags": [],
         "allocated_to": "O9", "allocated_on": "2024-06-02", "status": "closed", "override": None},
        {"id": "CR3", "offence_code": "49", "reported": "2024-08-14", "team": "T2"},
    ],
    "officer_cases": [{"id": "PS1", "officer": "O9", "category": "vawg", "opened": "2024-01-10", "closed": None}],
}


def test_the_contract_example_loads_and_exports_back():
    counts = import_document(copy.deepcopy(DOC))
    assert counts["crimes"] == 3 and counts["officer_cases"] == 1
    a = Allocation.objects.get(crime__ref="CR1")
    assert a.officer.ref == "O7" and a.override_by.ref == "O8" and a.override_rationale.startswith("Only officer")
    assert Crime.objects.get(ref="CR2").closed_on is not None
    assert Allocation.objects.get(crime__ref="CR2").end is not None  # a closed crime frees its officer
    assert CrimePerson.objects.get(crime__ref="CR1").person.ref == "P1"
    assert OfficerCase.objects.get(ref="PS1").officer.ref == "O9"
    import io
    import json

    out = io.StringIO()
    export_document(out)
    doc = json.loads(out.getvalue())
    by_id = {c["id"]: c for c in doc["crimes"]}
    assert by_id["CR1"]["allocated_to"] == "O7" and by_id["CR1"]["flags"] == ["child_victim"]
    assert by_id["CR1"]["override"] == {"by": "O8", "at": "2024-07-02",
                                         "rationale": "Only officer available; DS supervising"}
    assert by_id["CR2"]["status"] == "closed" and by_id["CR3"]["allocated_to"] is None
    assert by_id["CR1"]["victims"] == ["P1"]
    assert doc["officer_cases"] == [{"id": "PS1", "officer": "O9", "category": "vawg", "opened": "2024-01-10",
                                     "closed": None, "summary": ""}]


def _problems(doc) -> list[str]:
    with pytest.raises(InputError) as exc:
        import_document(doc)
    return exc.value.problems


def test_every_problem_is_named_by_its_path_and_nothing_is_written():
    bad = copy.deepcopy(DOC)
    bad["crimes"][0]["offence_code"] = "ZZ9"
    bad["crimes"][0]["override"]["by"] = "O9"          # a DC cannot override
    bad["crimes"][1]["allocated_on"] = "2024-05-01"    # before it was reported
    bad["crimes"][2]["allocated_to"] = "O404"
    bad["officer_cases"].append({"id": "PS2", "officer": "O7", "category": "other", "opened": "2024-03-01",
                                 "closed": "2024-02-01"})
    problems = _problems(bad)
    assert "crimes[0].offence_code: 'ZZ9' is not a Home Office offence code" in problems
    assert "crimes[0].override.by: 'O9' is not a supervisor (DS or above)" in problems
    assert "crimes[1].allocated_on: 2024-05-01 is before the crime was reported (2024-06-01)" in problems
    assert "crimes[2].allocated_to: 'O404' is not a known officer id" in problems
    assert "crimes[2].allocated_on: allocated_to and allocated_on go together" in problems
    assert "officer_cases[1].closed: 2024-02-01 is before the case was opened (2024-03-01)" in problems
    assert Crime.objects.count() == 0 and OfficerCase.objects.count() == 0


def test_unknown_enumerations_are_refused_by_the_schema():
    bad = copy.deepcopy(DOC)
    bad["crimes"][2]["flags"] = ["spooky"]
    bad["crimes"][2]["status"] = "pending"
    bad["officer_cases"][0]["category"] = "rudeness"
    problems = _problems(bad)
    assert any(p.startswith("crimes[2].flags[0]: 'spooky' is not one of child_victim") for p in problems)
    assert "crimes[2].status: 'pending' is not one of open, closed" in problems
    assert any(p.startswith("officer_cases[0].category: 'rudeness' is not one of") for p in problems)
    assert Crime.objects.count() == 0


def test_a_closing_date_before_opening_is_refused():
    bad = copy.deepcopy(DOC)
    bad["officer_cases"][0]["closed"] = "2023-12-01"
    assert _problems(bad) == ["officer_cases[0].closed: 2023-12-01 is before the case was opened (2024-01-10)"]


def test_reimporting_the_same_ids_is_refused():
    import_document(copy.deepcopy(DOC))
    problems = _problems({"format": FORMAT, "crimes": DOC["crimes"], "officer_cases": DOC["officer_cases"]})
    assert "crimes: 3 id(s) already exist and are refused: CR1, CR2, CR3" in problems
    assert "officer_cases: 1 id(s) already exist and are refused: PS1" in problems
