"""Bad documents found by hand and by fuzzing: each is refused with one line per problem (exit 2), and nothing
is written. Before these fixes each one either crashed the import (exit 1) or stored something it should not."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from vigil.accounts.models import Team
from vigil.core.errors import InputError
from vigil.interchange.services import FORMAT, import_document, parse_document
from vigil.people.models import Person

TEAM = '{"id": "T1", "name": "n", "kind": "other"}'


def _doc(body: str) -> str:
    return '{"format": "' + FORMAT + '", ' + body + "}"


CASES = [
    ("deep nesting", _doc('"x": ' + "[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ("moderate nesting", _doc('"x": ' + "[" * 200 + "]" * 200), "nested too deeply"),
    ("lone surrogate", _doc('"teams": [{"id": "T\\ud800", "name": "n", "kind": "other"}]'),
     "teams[0].id: contains a lone surrogate"),
    ("NUL", _doc('"teams": [{"id": "T1", "name": "a\\u0000b", "kind": "other"}]'),
     "teams[0].name: contains a NUL character"),
    ("NUL in a key", _doc('"teams": [' + TEAM + '], "extra": {"k\\u0000": 1}'), "a key contains a NUL"),
    ("NaN", _doc('"teams": [' + TEAM + '], "x": NaN'), "NaN is not a JSON number"),
    ("Infinity", _doc('"teams": [' + TEAM + '], "x": -Infinity'), "-Infinity is not a JSON number"),
    ("1e400", _doc('"teams": [' + TEAM + '], "x": 1e400'), "1e400 is too large"),
    ("a 5000-digit number", _doc('"x": ' + "9" * 5000), "has more than 30 digits"),
    ("year 1 with an offset", _doc('"people": [{"id": "P1", "given_names": "a", "surname": "b"}], '
                                   '"missing_episodes": [{"id": "M1", "child": "P1", '
                                   '"reported": "0001-01-01T00:00:00+01:00"}]'),
     "missing_episodes[0].reported: 0001-01-01 is outside the dates Vigil answers for"),
    ("year 9999 with an offset", _doc('"people": [{"id": "P1", "given_names": "a", "surname": "b"}], '
                                      '"missing_episodes": [{"id": "M1", "child": "P1", '
                                      '"reported": "2024-01-01T00:00:00", '
                                      '"returned": "9999-12-31T23:59:00-05:00"}]'),
     "missing_episodes[0].returned: 9999-12-31 is outside the dates Vigil answers for"),
    ("a date before 1900", _doc('"teams": [' + TEAM + '], "officers": [{"id": "O1", "name": "n", "rank": "PC", '
                                '"team": "T1", "joined": "1066-10-14"}]'),
     "officers[0].joined: 1066-10-14 is outside the dates Vigil answers for"),
    ("a huge tool score", _doc('"x": 1, "assessments": [{"subject": "S1", "date": "2020-01-01", '
                               '"risk_level": "low", "assessor": "O1", "rationale": "r", '
                               '"tools": [{"tool": "other", "score": 1e300}]}]'),
     "assessments[0].tools[0].score: 1e+300 is not a finite number of sensible size"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_document_is_refused_with_one_line_per_problem(tmp_path, capsys, text, expected):
    f = tmp_path / "doc.json"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = (Team.objects.count(), Person.objects.count())
    with pytest.raises(SystemExit) as exit_:
        call_command("vigil_import", str(f))
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    assert any(expected in line for line in err.splitlines()), err
    assert len(err.splitlines()) <= 5, err
    assert (Team.objects.count(), Person.objects.count()) == before


@pytest.mark.django_db
def test_a_dict_passed_directly_is_checked_as_plain_json_too():
    """Callers that build the document in Python (not from text) get the same refusals."""
    doc = {"format": FORMAT, "teams": [{"id": "T1", "name": "n\x00", "kind": "other", "x": float("nan")}]}
    with pytest.raises(InputError) as exc:
        import_document(doc)
    assert exc.value.problems == ["teams[0].name: contains a NUL character (\\u0000), which cannot be stored",
                                  "teams[0].x: nan is not a finite number"]
    assert not Team.objects.exists()


def test_ordinary_numbers_and_text_still_parse():
    doc = parse_document(_doc('"x": [1.5, -2, 1e10, 123456789012345678901234567890, "é ✓ 😀"]'))
    assert doc["x"][4] == "é ✓ 😀"


def test_export_writes_strict_json():
    """A score stored before imports refused NaN and Infinity is exported as null: they are not JSON."""
    from vigil.interchange import services

    out = services._dumps({"tools": [{"score": float("inf")}, {"score": float("nan")}, {"score": 2.5}]})
    assert "Infinity" not in out and "NaN" not in out
    assert json.loads(out) == {"tools": [{"score": None}, {"score": None}, {"score": 2.5}]}
