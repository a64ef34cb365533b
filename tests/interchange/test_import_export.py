"""The interchange boundary for teams, officers and people: atomic import, one line per problem with its JSON
path, exit 2 and nothing written; re-used ids refused; export logged as a disclosure."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from vigil.accounts.models import Officer, Team
from vigil.core.models import AccessLogEntry
from vigil.interchange.services import FORMAT, export_document
from vigil.people.models import Person

GOOD = {
    "format": FORMAT,
    "teams": [{"id": "T1", "name": "Central West MOSOVO", "kind": "offender_management", "borough": "Central West"}],
    "officers": [{"id": "O1", "name": "DC Sam Okafor", "rank": "DC", "team": "T1", "joined": "2019-04-01",
                  "pip_level": 2, "student_officer": False,
                  "specialisms": [{"name": "child_abuse", "expires": "2027-01-31"}], "roles": ["offender_manager"]}],
    "people": [{"id": "P1", "given_names": "Mark", "surname": "Ellery",
                "aliases": [{"given_names": "Marc", "surname": "Ellory"}], "date_of_birth": "1971-02-03",
                "sex": "male", "addresses": [{"line1": "12 Hill Road", "town": "London", "postcode": "XW12 7AB",
                                              "kind": "home", "from": "2015-01-01"}],
                "phones": ["07700900123"], "vehicles": ["XX12CDE"],
                "identifiers": [{"type": "pnc_id", "value": "2012/0123456X"}]}],
}


def _import(tmp_path, doc, capsys):
    f = tmp_path / "doc.json"
    f.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    try:
        call_command("vigil_import", str(f))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _counts():
    return (Team.objects.count(), Officer.objects.count(), Person.objects.count())


@pytest.mark.django_db
def test_a_valid_document_loads_everything(tmp_path, capsys):
    code, out, err = _import(tmp_path, GOOD, capsys)
    assert code == 0, err
    assert "imported 3 record(s)" in out
    o = Officer.objects.get(ref="O1")
    assert o.team.ref == "T1" and o.team.borough.name == "Central West"
    assert list(o.specialisms.values_list("name", flat=True)) == ["child_abuse"]
    assert o.has_role("offender_manager")
    p = Person.objects.get(ref="P1")
    assert p.aliases.get().surname == "Ellory"
    assert p.addresses.get().postcode == "XW12 7AB"
    assert AccessLogEntry.objects.filter(operation="collection", record_type="people").exists()


@pytest.mark.django_db
def test_every_problem_is_reported_with_its_path_and_nothing_is_written(tmp_path, capsys):
    bad = json.loads(json.dumps(GOOD))
    bad["officers"][0]["rank"] = "Sheriff"
    bad["officers"][0]["team"] = "T9"
    bad["people"][0]["date_of_birth"] = "2999-01-01"
    bad["people"][0]["sex"] = "robot"
    bad["teams"].append({"id": "T2", "name": "x", "kind": "offender_management"})
    bad["teams"].append({"id": "T2", "name": "y", "kind": "nonsense"})
    before = _counts()
    code, _out, err = _import(tmp_path, bad, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert "officers[0].rank: 'Sheriff' is not one of PC, DC, DS, DI, DCI, Supt, ChSupt, staff" in lines
    assert "officers[0].team: 'T9' is not a known team id" in lines
    assert "people[0].date_of_birth: 2999-01-01 is in the future" in lines
    assert any(line.startswith("people[0].sex: 'robot' is not one of") for line in lines)
    assert any(line.startswith("teams[2].id: 'T2' is used twice") for line in lines)
    assert any(line.startswith("teams[2].kind: 'nonsense'") for line in lines)
    assert "Traceback" not in err
    assert _counts() == before
    assert not AccessLogEntry.objects.filter(operation="collection").exists()


@pytest.mark.django_db
def test_reimporting_the_same_ids_is_refused_with_the_ids_named(tmp_path, capsys):
    assert _import(tmp_path, GOOD, capsys)[0] == 0
    before = _counts()
    code, _, err = _import(tmp_path, GOOD, capsys)
    assert code == 2
    assert "teams: 1 id(s) already exist and are refused: T1" in err
    assert "people: 1 id(s) already exist and are refused: P1" in err
    assert _counts() == before


@pytest.mark.django_db
def test_references_may_resolve_to_the_database(tmp_path, capsys):
    assert _import(tmp_path, {"format": FORMAT, "teams": GOOD["teams"]}, capsys)[0] == 0
    code, _, err = _import(tmp_path, {"format": FORMAT, "officers": GOOD["officers"]}, capsys)
    assert code == 0, err


@pytest.mark.django_db
@pytest.mark.parametrize("text,message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"format": "other/9"}', "format: 'other/9' is not 'vigil-interchange/1'"),
    ('{"format": "vigil-interchange/1", "teams": {"id": "T1"}}', "teams: expected a list"),
])
def test_malformed_documents_get_one_clear_line(tmp_path, capsys, text, message):
    code, _, err = _import(tmp_path, text, capsys)
    assert code == 2 and message in err and "Traceback" not in err
    assert _counts() == (0, 0, 0)


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, capsys, settings):
    settings.VIGIL_IMPORT_MAX_BYTES = 1024
    f = tmp_path / "big.json"
    f.write_text(" " * 5000)
    with pytest.raises(SystemExit) as exc:
        call_command("vigil_import", str(f))
    assert exc.value.code == 2
    assert "larger than the import limit" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_missing_file_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("vigil_import", "/nonexistent/doc.json")
    assert exc.value.code == 2 and "no such file" in capsys.readouterr().err


@pytest.mark.django_db
def test_export_round_trips_and_is_logged_as_a_disclosure(tmp_path, capsys):
    assert _import(tmp_path, GOOD, capsys)[0] == 0
    buf = io.StringIO()
    export_document(buf, recipients=["inspectorate"], purpose="inspection")
    doc = json.loads(buf.getvalue())
    assert doc["format"] == FORMAT
    assert doc["officers"][0]["specialisms"] == [{"name": "child_abuse", "expires": "2027-01-31"}]
    person = doc["people"][0]
    assert person["aliases"] == [{"given_names": "Marc", "surname": "Ellory"}] and person["identity"]
    entry = AccessLogEntry.objects.get(operation="disclosure")
    assert entry.recipients == ["inspectorate"] and entry.justification == "inspection"
