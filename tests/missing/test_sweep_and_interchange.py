"""The §3 rule set in the sweep (set-based, idempotent, the past gives the same answer) and the interchange section
``missing_episodes`` (the contract's example, round trip, bad input refused whole)."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from tests.missing.factories import at, child, episode, screening
from vigil.interchange.services import ImportRefused, export_document, import_document
from vigil.missing.models import MissingEpisode, Screening, StrategyMeeting
from vigil.sweep.engine import evaluate, finding_json, run_sweep
from vigil.sweep.models import Alert

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def _missing_codes(findings):
    return sorted((f.code, f.entity_id) for f in findings if f.code in {
        "MISSING_NOT_SCREENED", "RETURN_INTERVIEW_OVERDUE", "REPEAT_MISSING_NO_STRATEGY", "EXPLOITATION_LOCATION",
        "CO_MISSING_GROUP", "CHILD_LINKED_TO_OFFENDER"})


def test_the_sweep_raises_each_section_3_alert_once(org, django_assert_max_num_queries):
    mp = org.teams["mp"]
    kid, friend = child(mp, "P20"), child(mp, "P22", given="Jade")
    place = {"line1": "Flat 2, 9 Wharf Road", "postcode": "XS1 4QT"}
    for i, day in enumerate(["2024-06-03", "2024-06-10", "2024-06-21"]):
        e = episode(kid, mp, ref=f"M{i + 1}", reported=f"{day}T20:00", returned=f"{day}T23:00", found_at=place,
                    return_interview_at=at(f"{day}T23:30"))
        screening(e, "report", f"{day}T20:30")
        screening(e, "return", f"{day}T23:30")
    with_kid = episode(friend, mp, ref="M9", reported="2024-06-21T19:00", returned="2024-06-21T23:30",
                       found_at={"line1": "9 Wharf Rd Flat 2", "postcode": "xs14qt"})
    with django_assert_max_num_queries(41):  # a fixed number (41: the review triggers are read once)
        findings, _ = evaluate(D("2024-07-01"))
    assert _missing_codes(findings) == [
        ("CO_MISSING_GROUP", "M9"),                       # missing together, found together
        ("EXPLOITATION_LOCATION", "XS14QT|9|2"),          # two different children at one place
        ("MISSING_NOT_SCREENED", "M9"),                   # never screened
        ("REPEAT_MISSING_NO_STRATEGY", "P20"),            # 3 in 30 days, no meeting by 28 June
        ("RETURN_INTERVIEW_OVERDUE", "M9"),
    ]
    run_sweep(D("2024-07-01"))
    run_sweep(D("2024-07-01"))
    assert Alert.objects.filter(status="open", code="REPEAT_MISSING_NO_STRATEGY").count() == 1
    # The meeting is held (late): the alert closes at the next sweep; the past still gives the old answer.
    StrategyMeeting.objects.create(child=kid, held_at=at("2024-07-02T10:00"), outcome="plan agreed")
    Screening.objects.create(episode=with_kid, stage="report", at=at("2024-07-02T09:00"))
    run_sweep(D("2024-07-02"))
    assert not Alert.objects.filter(status="open", code="REPEAT_MISSING_NO_STRATEGY").exists()
    past, _ = evaluate(D("2024-07-01"))
    assert ("REPEAT_MISSING_NO_STRATEGY", "P20") in _missing_codes(past)
    j = finding_json(next(f for f in past if f.code == "REPEAT_MISSING_NO_STRATEGY"), D("2024-07-01"))
    assert set(j) == {"code", "severity", "entity", "as_of", "since", "owner", "reasons"}
    assert j["entity"] == {"type": "person", "id": "P20"} and j["since"] == "2024-06-29"


EXAMPLE = {
    "format": "vigil-interchange/1",
    "teams": [{"id": "T9", "name": "Central West Missing Persons", "kind": "missing_persons",
               "borough": "Central West"}],
    "people": [{"id": "P20", "given_names": "Kayla", "surname": "Brook", "date_of_birth": "2009-05-01",
                "team": "T9"},
               {"id": "P21", "given_names": "Marc", "surname": "Ellory", "date_of_birth": "1971-02-03"}],
    "missing_episodes": [{"id": "M1", "child": "P20", "reported": "2024-06-01T22:10:00", "last_seen_at": "…",
                          "risk_grade": "medium", "returned": "2024-06-03T08:00:00",
                          "found_at": {"line1": "12 Hill Road", "town": "London", "postcode": "W12 7AB"},
                          "found_with": ["P21"],
                          "screenings": [{"at": "2024-06-03T12:00:00", "indicators": ["older_associates"]}],
                          "prevention_interview": "2024-06-03T15:00:00", "return_interview": None,
                          "strategy_meeting": None}],
}


def test_the_contract_example_imports_and_exports_back(org):
    counts = import_document(json.loads(json.dumps(EXAMPLE)))
    assert counts["missing_episodes"] == 1
    ep = MissingEpisode.objects.get(ref="M1")
    assert ep.team.ref == "T9" and ep.risk_grade == "medium" and ep.found_key == "W127AB|12|"
    assert [p.ref for p in ep.found_with.all()] == ["P21"]
    s = ep.screenings.get()
    assert (s.stage, s.indicators) == ("return", ["older_associates"])  # at or after the return
    out = io.StringIO()
    export_document(out)
    doc = json.loads(out.getvalue())
    item = doc["missing_episodes"][0]
    assert item["id"] == "M1" and item["child"] == "P20" and item["returned"] == "2024-06-03T08:00:00+01:00"
    assert item["found_with"] == ["P21"] and item["screenings"][0]["indicators"] == ["older_associates"]
    assert {p["id"]: p["identity"] for p in doc["people"]} == {"P20": "I-P20", "P21": "I-P21"}


def test_bad_episodes_are_refused_whole_with_one_line_each(org):
    doc = json.loads(json.dumps(EXAMPLE))
    ep = doc["missing_episodes"][0]
    ep["risk_grade"] = "severe"
    ep["screenings"][0]["indicators"] = ["gang_tattoo"]
    doc["missing_episodes"].append({"id": "M2", "child": "P404", "reported": "2024-06-05T10:00:00",
                                    "returned": "2024-06-04T10:00:00"})
    doc["missing_episodes"].append({"id": "M3", "child": "P20", "reported": "2099-01-01T10:00:00"})
    with pytest.raises(ImportRefused) as info:
        import_document(doc)
    problems = info.value.problems
    assert "missing_episodes[0].risk_grade: 'severe' is not one of high, medium, low, very_low" in problems
    assert any(p.startswith("missing_episodes[0].screenings[0].indicators[0]: 'gang_tattoo' is not one of")
               for p in problems)
    assert "missing_episodes[1].child: 'P404' is not a known people id" in problems
    assert not MissingEpisode.objects.exists()
    good = json.loads(json.dumps(EXAMPLE))
    good["missing_episodes"][0]["returned"] = "2024-05-01T10:00:00"
    with pytest.raises(ImportRefused) as info:
        import_document(good)
    assert "missing_episodes[0].returned: is before the report" in info.value.problems
    import_document(json.loads(json.dumps(EXAMPLE)))
    with pytest.raises(ImportRefused, match="problem"):
        import_document(json.loads(json.dumps({"format": "vigil-interchange/1",
                                               "missing_episodes": EXAMPLE["missing_episodes"]})))
    assert MissingEpisode.objects.count() == 1
