"""Fuzzing the import (Hypothesis): valid interchange documents, built from small strategies for each section, then
mutated: wrong types, missing keys, huge, NaN and infinite numbers, odd Unicode (lone surrogates, NUL, line
separators), deep nesting, dates far out of range, duplicate ids and dangling references.

Whatever the document, the import either succeeds or raises InputError whose every problem is one line, and then
the database is exactly as it was (row counts of the main tables). A traceback of any other kind is a bug.
Each example runs inside a savepoint that is rolled back, so the examples do not see each other's records.
Bounded: ``EXAMPLES`` documents per test, no deadline; the file runs in well under a minute.
"""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.accounts.models import Officer, Team
from vigil.core.errors import InputError
from vigil.interchange.services import FORMAT, import_document, parse_document
from vigil.investigations.models import Crime
from vigil.missing.models import MissingEpisode
from vigil.offenders.models import Assessment, Subject, Visit
from vigil.people.models import Address, Person
from vigil.standards.models import OfficerCase

EXAMPLES = 60
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
MODELS = (Team, Officer, Person, Address, Subject, Assessment, Visit, Crime, OfficerCase, MissingEpisode)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


# --- valid documents ---------------------------------------------------------------------------------------------

day = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2023, 12, 31)).map(dt.date.isoformat)
moment = st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2023, 12, 31)).map(
    lambda d: d.replace(microsecond=0).isoformat())
name = st.text(st.characters(codec="utf-8", categories=("L", "Zs"), exclude_characters="\x00"),
               min_size=1, max_size=20).filter(str.strip)


@st.composite
def documents(draw) -> dict:
    n_teams = draw(st.integers(1, 2))
    teams = [{"id": f"FT{i}", "name": draw(name), "kind": draw(st.sampled_from(
        ["offender_management", "investigation", "missing_persons", "other"])),
        "borough": draw(st.none() | name)} for i in range(n_teams)]
    team_ids = [t["id"] for t in teams]
    officers = [{"id": f"FO{i}", "name": draw(name), "rank": draw(st.sampled_from(["PC", "DC", "DS", "DI"])),
                 "team": draw(st.sampled_from(team_ids)), "joined": draw(day),
                 "pip_level": draw(st.integers(0, 4)), "student_officer": draw(st.booleans()),
                 "specialisms": draw(st.lists(st.sampled_from(["child_abuse", "online_csa"]), max_size=2,
                                              unique=True).map(lambda xs: [{"name": x, "expires": "2030-01-01"}
                                                                           for x in xs])),
                 "roles": draw(st.lists(st.sampled_from(["offender_manager", "investigator"]), max_size=2))}
                for i in range(draw(st.integers(1, 3)))]
    officer_ids = [o["id"] for o in officers]
    people = [{"id": f"FP{i}", "given_names": draw(name), "surname": draw(name),
               "date_of_birth": draw(st.none() | day), "sex": draw(st.sampled_from(["male", "female", "unknown"])),
               "team": draw(st.sampled_from(team_ids)),
               "addresses": [{"line1": draw(name), "town": "London", "postcode": "XW1 1AA", "kind": "home",
                              "from": "2015-01-01"}],
               "phones": draw(st.lists(st.from_regex(r"07700 ?9\d{5}", fullmatch=True), max_size=2)),
               "identifiers": [{"type": "pnc_id", "value": f"20/{i:07d}X"}]}
              for i in range(draw(st.integers(1, 4)))]
    person_ids = [p["id"] for p in people]
    subjects = [{"id": f"FS{i}", "person": person_ids[i % len(person_ids)],
                 "kind": draw(st.sampled_from(["registered_offender", "suspect"])),
                 "team": draw(st.sampled_from(team_ids)), "manager": draw(st.sampled_from(officer_ids)),
                 "managed_from": "2015-06-01", "mode": "active"} for i in range(draw(st.integers(0, 2)))]
    for s in subjects:
        if s["kind"] == "registered_offender":
            s["notification"] = {"start": "2015-06-01", "end": None}
    visits = [{"subject": s["id"], "date": draw(day.filter(lambda d: d >= "2015-06-01")),
               "time": draw(st.none() | st.sampled_from(["09:00", "19:30"])), "officers": [officer_ids[0]],
               "announced": False, "outcome": draw(st.sampled_from(["seen_at_home", "no_reply"]))}
              for s in subjects for _ in range(draw(st.integers(0, 2)))]
    assessments = [{"subject": s["id"], "date": "2016-01-01", "risk_level": draw(st.sampled_from(["low", "high"])),
                    "assessor": officer_ids[0], "rationale": draw(name),
                    "tools": [{"tool": "rm2000", "score": draw(st.integers(0, 10)), "band": "high"}]}
                   for s in subjects[:1]]
    crimes = [{"id": f"FC{i}", "offence_code": draw(st.sampled_from(["56A", "58A", "92C"])), "reported": draw(day),
               "team": draw(st.sampled_from(team_ids)), "flags": draw(st.lists(st.sampled_from(
                   ["child_victim", "weapon"]), max_size=2, unique=True)), "status": "open"}
              for i in range(draw(st.integers(0, 2)))]
    cases = [{"id": f"FK{i}", "officer": draw(st.sampled_from(officer_ids)), "category": "other",
              "opened": draw(day), "closed": None} for i in range(draw(st.integers(0, 1)))]
    episodes = [{"id": f"FM{i}", "child": draw(st.sampled_from(person_ids)), "reported": draw(moment),
                 "risk_grade": draw(st.sampled_from(["high", "medium", "low"]))}
                for i in range(draw(st.integers(0, 2)))]
    return {"format": FORMAT, "teams": teams, "officers": officers, "people": people, "subjects": subjects,
            "assessments": assessments, "visits": visits, "crimes": crimes, "officer_cases": cases,
            "missing_episodes": episodes}


# --- mutations ---------------------------------------------------------------------------------------------------

def _nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


weird = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10 ** 20, max_value=10 ** 29),
    st.just(2 ** 63), st.just(-(2 ** 63) - 1), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0, 1e-320]),
    st.text(max_size=30), st.text(st.characters(codec=None, categories=None), max_size=10),
    st.sampled_from(["\ud800", "a\x00b", "\x00", "\udfff\ud800", "line\nbreak", "\u2028", "\x85", "é" * 600,
                     "T1", "FT0", "FP0", "FS0", "FO0", "", " ", "0001-01-01", "0001-01-01T00:00:00+01:00",
                     "9999-12-31T23:59:59-14:00", "9999-12-31", "1899-12-31", "2024-02-30", "24:00",
                     "2024-06-01T25:00:00", "1e400", "NaN", "--", "'; DROP TABLE x; --", "=cmd|' /C calc'!A0"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.integers(30, 60).map(_nested),
)


def _paths(value, path=()):
    """Every (path, value) in a JSON value, the root first."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _parent(doc, path):
    for step in path[:-1]:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw) -> dict:
    doc = copy.deepcopy(draw(documents()))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p, _ in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "duplicate", "dangle",
                                       "add_key"]))
        if action == "replace":
            parent[path[-1]] = draw(weird)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif action == "dangle":
            parent[path[-1]] = draw(st.sampled_from(["NO-SUCH", "FT9", "FP9", "FS9", "FO9"]))
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(weird)
    return doc


# --- properties --------------------------------------------------------------------------------------------------

def _attempt(doc) -> str:
    """Import ``doc`` in a savepoint that is always rolled back; return 'ok' or 'refused'."""
    with transaction.atomic():
        before = _counts()
        try:
            import_document(doc)
        except InputError as exc:
            assert exc.problems, "a refusal lists its problems"
            for line in [str(exc), *exc.problems]:
                assert line.strip() and len(line.splitlines()) == 1 and "\n" not in line, repr(line)
                assert "Traceback" not in line
            assert _counts() == before, "a refused import changed the database"
            outcome = "refused"
        else:
            outcome = "ok"
        transaction.set_rollback(True)
    return outcome


@pytest.mark.django_db
@FUZZ
@given(doc=documents())
def test_valid_documents_import(doc):
    assert _attempt(doc) == "ok"


@pytest.mark.django_db
@FUZZ
@given(doc=mutated())
def test_mutated_documents_import_or_are_refused_one_line_per_problem(doc):
    _attempt(doc)


@pytest.mark.django_db
@FUZZ
@given(doc=mutated(), cut=st.integers(0, 400), junk=st.sampled_from(
    ["", "[" * 100_000, "NaN", "1e400", "\\ud800", "\x00", "\ufeff", "}", '"', "9" * 5000, "\\u0000"]))
def test_mutated_json_text_is_parsed_or_refused_one_line_per_problem(doc, cut, junk):
    """The same documents as text (NaN and surrogates survive as JSON escapes), sometimes cut short or spliced."""
    text = json.dumps(doc, ensure_ascii=True)
    if junk:
        text = text[:cut] + junk + text[cut:]
    try:
        parsed = parse_document(text.encode("utf-8", "surrogatepass"))
    except InputError as exc:
        for line in [str(exc), *exc.problems]:
            assert len(line.splitlines()) == 1, repr(line)
        return
    _attempt(parsed)
