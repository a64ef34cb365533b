"""Partly known people (issue 10 part 4): an unknown given name or surname, a nickname only, a date of birth known
only as a year or a range. Import and export, pages, search and record linkage handle them; a person with no
identifying element at all is refused with one line naming the path; linkage reads a missing value as no evidence."""
from __future__ import annotations

import datetime as dt
import io
import json
import re

import pyarrow as pa
import pytest
from django.core.management import call_command

from tests import factories
from tests.interchange.test_import_export import _import
from vigil.core import policy
from vigil.interchange.services import FORMAT, export_document
from vigil.people import birth
from vigil.people.linkage import model, records
from vigil.people.models import Person
from vigil.people.selectors import search_people

pytestmark = pytest.mark.django_db

PARTLY_KNOWN = [
    {"id": "PX1", "given_names": None, "surname": "", "aliases": [{"given_names": "Jay"}], "sex": "male"},
    {"id": "PX2", "given_names": "Mark", "surname": None, "date_of_birth": "1990"},
    {"id": "PX3", "surname": "Ellery", "date_of_birth": "1988/1992"},
    {"id": "PX4", "date_of_birth": "1971-02-03"},
    {"id": "PX5", "identifiers": [{"type": "pnc_id", "value": "2012/0123456X"}]},
]


def _people(tmp_path, capsys, people=PARTLY_KNOWN):
    code, _out, err = _import(tmp_path, {"format": FORMAT, "people": people}, capsys)
    assert code == 0, err
    return {p.ref: p for p in Person.objects.all()}


# --- the date of birth as records hold it -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "exact", "earliest", "latest", "shown"), [
    ("1971-02-03", dt.date(1971, 2, 3), None, None, "born 3 February 1971"),
    ("1990", None, dt.date(1990, 1, 1), dt.date(1990, 12, 31), "born about 1990"),
    ("1988/1992", None, dt.date(1988, 1, 1), dt.date(1992, 12, 31), "born 1988–1992"),
    ("1990-03-01/1990-06-30", None, dt.date(1990, 3, 1), dt.date(1990, 6, 30),
     "born between 1 March 1990 and 30 June 1990"),
])
def test_a_date_of_birth_is_exact_a_year_or_a_range_and_reads_back_as_written(text, exact, earliest, latest, shown):
    b = birth.parse(text)
    assert (b.exact, b.earliest, b.latest) == (exact, earliest, latest)
    assert b.text() == text and b.sentence() == shown


@pytest.mark.parametrize("text", ["1990-13-01", "199", "90", "1990/", "/1990", "1990-02-30", "about 1990", ""])
def test_anything_else_is_not_a_date_of_birth(text):
    assert isinstance(birth.parse(text), str)


def test_no_date_of_birth_is_said_plainly():
    assert birth.Birth().sentence() == "date of birth not known" and birth.Birth().text() is None


# --- import, export ----------------------------------------------------------------------------------------------

def test_partly_known_people_import(tmp_path, capsys):
    p = _people(tmp_path, capsys)
    assert (p["PX1"].given_names, p["PX1"].surname, p["PX1"].aliases.get().given_names) == ("", "", "Jay")
    assert (p["PX2"].date_of_birth, p["PX2"].born_earliest, p["PX2"].born_latest) == (
        None, dt.date(1990, 1, 1), dt.date(1990, 12, 31))
    assert (p["PX3"].born_earliest, p["PX3"].born_latest) == (dt.date(1988, 1, 1), dt.date(1992, 12, 31))
    assert p["PX4"].date_of_birth == dt.date(1971, 2, 3) and p["PX4"].born_earliest is None


def test_a_person_with_nothing_to_identify_them_is_one_line_naming_the_path(tmp_path, capsys):
    doc = {"format": FORMAT, "people": [
        {"id": "PY1", "given_names": "Mark"},
        {"id": "PY2", "given_names": " ", "surname": None, "aliases": [], "date_of_birth": None, "identifiers": [],
         "phones": ["07700900123"]},
    ]}
    code, _, err = _import(tmp_path, doc, capsys)
    lines = [x for x in err.splitlines() if x.strip()]
    assert code == 2 and Person.objects.count() == 0
    assert ("people[1]: give at least one of given_names, surname, aliases, date_of_birth or identifiers"
            in [x.strip() for x in lines])
    assert not any("people[0]" in x for x in lines)


@pytest.mark.parametrize(("item", "line"), [
    ({"id": "PZ", "aliases": [{"given_names": "", "surname": None}]},
     "people[0].aliases[0]: give at least one of given_names or surname"),
    ({"id": "PZ", "given_names": "A", "date_of_birth": "1990-13"}, "people[0].date_of_birth: '1990-13' is not a "
                                                                   "date of birth"),
    ({"id": "PZ", "given_names": "A", "date_of_birth": "1992/1988"}, "the range ends before it starts"),
    ({"id": "PZ", "given_names": "A", "date_of_birth": "2999"}, "people[0].date_of_birth: 2999 is in the future"),
    ({"id": "PZ", "given_names": "A", "date_of_birth": "1850/1890"}, "outside the dates Vigil answers for"),
])
def test_bad_partial_identities_are_refused_with_the_path(tmp_path, capsys, item, line):
    code, _, err = _import(tmp_path, {"format": FORMAT, "people": [item]}, capsys)
    assert code == 2 and Person.objects.count() == 0
    assert line in err


def test_partly_known_people_round_trip_exactly(tmp_path, capsys):
    _people(tmp_path, capsys)
    buf = io.StringIO()
    export_document(buf)
    exported = {p["id"]: p for p in json.loads(buf.getvalue())["people"]}
    assert (exported["PX1"]["given_names"], exported["PX1"]["surname"]) == (None, None)
    assert exported["PX1"]["aliases"] == [{"given_names": "Jay", "surname": ""}]
    assert [exported[r]["date_of_birth"] for r in ("PX1", "PX2", "PX3", "PX4")] == [
        None, "1990", "1988/1992", "1971-02-03"]
    # Loaded again into an empty database, the export is the same document.
    Person.objects.all().delete()
    again = [{k: v for k, v in p.items() if k != "identity"} for p in exported.values()]
    _people(tmp_path, capsys, again)
    buf2 = io.StringIO()
    export_document(buf2)
    assert {p["id"]: p for p in json.loads(buf2.getvalue())["people"]} == exported


def _prints_none(page: str) -> bool:
    """A Python None printed on a page (the sentence 'None recorded.' is the page's own words)."""
    return re.search(r"\bNone\b(?! recorded)", page) is not None


# --- pages and search --------------------------------------------------------------------------------------------

def test_a_partly_known_person_is_named_in_plain_english():
    jay = factories.person("PJ1", given="", surname="", dob=None, aliases=[("Jay", "")])
    assert jay.display_name == "name not known, known as Jay" and jay.born == "date of birth not known"
    assert Person(given_names="Mark", surname="").display_name == "Mark (surname not known)"
    assert Person(given_names="", surname="Ellery").display_name == "Ellery (given names not known)"
    assert Person(given_names="", surname="").display_name == "name not known"
    assert Person(given_names="Mark", surname="Ellery").display_name == "Mark Ellery"


def test_the_person_page_and_search_show_a_partly_known_person_without_none(org, login, tmp_path, capsys):
    _people(tmp_path, capsys)
    Person.objects.update(team=org.teams["om"])
    c = login(org.user("offender_manager"))
    page = c.get("/people/PX1/").content.decode()
    assert "name not known, known as Jay" in page and not _prints_none(page)
    assert "about 1990" in c.get("/people/PX2/").content.decode()
    page = c.get("/people/PX3/").content.decode()
    assert "Ellery (given names not known)" in page and "1988–1992" in page and not _prints_none(page)
    results = c.get("/people/?q=Jay").content.decode()
    assert "PX1" in results and "name not known, known as Jay" in results and not _prints_none(results)


def test_a_person_known_only_by_a_nickname_is_found_by_it(org, tmp_path, capsys):
    _people(tmp_path, capsys)
    Person.objects.update(team=org.teams["om"])
    results, _ = search_people(actor=org.user("offender_manager"), q="jay")
    assert [p.ref for p in results] == ["PX1"]


# --- record linkage: missing is no evidence ---------------------------------------------------------------------

def _row(uid, *, given="William", surname="Hartley", dob="1980-03-04", born=None):
    return records.row(uid=uid, person=uid, given=given, surname=surname, dob=dob, born=born, sex="male",
                       addresses=[{"line1": "41 Kings Road", "town": "London", "postcode": "XW3 1AB"}])


def _evidence(a: dict, b: dict) -> dict:
    scored = model.score(records.table([a, b]), policy.defaults(), min_probability=0.0, train=False)
    assert len(scored.pairs) == 1
    return {e["comparison"]: e for e in scored.evidences([True])[0]}


@pytest.mark.parametrize(("missing", "comparison"), [
    ({"surname": None}, "surname"), ({"given": None}, "forename"), ({"dob": None}, "dob"),
    ({"given": "", "surname": ""}, "forename"),
])
def test_a_missing_value_is_neither_a_match_nor_a_mismatch(missing, comparison):
    e = _evidence(_row("a"), _row("b", **missing))
    assert e[comparison]["weight"] == 0 and e[comparison]["level"] == "not recorded on one side"


def test_a_year_of_birth_is_compared_as_a_range_not_as_a_date():
    same_year = _evidence(_row("a"), _row("b", dob=None, born=("1980-01-01", "1980-12-31")))["dob"]
    assert same_year["level"] == "born in the year given" and same_year["weight"] > 0
    assert same_year["right"]["born"] == "1980"
    in_range = _evidence(_row("a"), _row("b", dob=None, born=("1978-01-01", "1982-12-31")))["dob"]
    assert in_range["level"] == "born within the range given" and 0 < in_range["weight"] < same_year["weight"]
    far = _evidence(_row("a"), _row("b", dob=None, born=("1960-01-01", "1960-12-31")))["dob"]
    assert far["level"] == "different date of birth" and far["weight"] < 0


def test_vigil_link_runs_over_partly_known_people(tmp_path, capsys):
    _people(tmp_path, capsys, [*PARTLY_KNOWN, {"id": "PX6", "given_names": "Jay", "date_of_birth": "1990"}])
    rows = records.person_rows()
    assert isinstance(records.table(rows), pa.Table)
    call_command("vigil_link")
    assert "link" in capsys.readouterr().out.lower()


def test_a_missing_child_may_be_recorded_with_one_name(org):
    from vigil.core.errors import InputError
    from vigil.missing.forms import ReportForm
    from vigil.missing.services import new_child_record

    user = org.user("missing_persons_coordinator")
    child = new_child_record(actor=user, given_names="Kayla", surname="", date_of_birth=None)
    assert child.display_name == "Kayla (surname not known)" and child.born == "date of birth not known"
    with pytest.raises(InputError, match="given name or a surname"):
        new_child_record(actor=user, given_names=" ", surname="", date_of_birth=None)
    form = ReportForm({"surname": "Brook", "reported_at": "2024-06-01T22:10"})
    form.is_valid()
    assert "child" not in form.errors
    assert "child" in ReportForm({"given_names": " ", "reported_at": "2024-06-01T22:10"}).errors
