"""Sections subjects, assessments and visits: the document of interchange.md loads exactly; export gives it
back; every problem is one line naming its JSON path and nothing is written."""
from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command

from vigil.interchange.services import FORMAT, export_document
from vigil.offenders.models import Assessment, ModePeriod, NotificationRecord, Subject, Visit
from vigil.sweep.engine import finding_json, run_sweep

DOC = {
    "format": FORMAT,
    "exported_at": "2024-08-15T09:00:00Z",
    "teams": [{"id": "T1", "name": "Central West MOSOVO", "kind": "offender_management", "borough": "Central West"}],
    "officers": [
        {"id": "O1", "name": "DC Sam Okafor", "rank": "DC", "team": "T1", "joined": "2019-04-01", "pip_level": 2,
         "student_officer": False, "specialisms": [{"name": "child_abuse", "expires": "2027-01-31"}],
         "roles": ["offender_manager"]},
        {"id": "O2", "name": "DI Jo Marsh", "rank": "DI", "team": "T1", "joined": "2004-04-01", "pip_level": 2,
         "roles": ["senior_officer", "supervisor"]},
        {"id": "O3", "name": "DS Ade Bello", "rank": "DS", "team": "T1", "joined": "2010-04-01", "pip_level": 2,
         "roles": ["supervisor"]}],
    "people": [{"id": "P1", "given_names": "Mark", "surname": "Ellery",
                "aliases": [{"given_names": "Marc", "surname": "Ellory"}], "date_of_birth": "1971-02-03",
                "sex": "male", "addresses": [{"line1": "12 Hill Road", "town": "London", "postcode": "XW12 7AB",
                                              "kind": "home", "from": "2015-01-01"}],
                "phones": ["07700900123"], "vehicles": ["XX12CDE"],
                "identifiers": [{"type": "pnc_id", "value": "2012/0123456X"}]}],
    "subjects": [{"id": "S1", "person": "P1", "kind": "registered_offender", "team": "T1", "manager": "O1",
                  "managed_from": "2012-05-01", "mode": "active",
                  "mode_history": [{"mode": "custody", "from": "2013-01-10", "to": "2013-09-30"}],
                  "mappa": {"category": 1, "level": 2},
                  "notification": {"start": "2012-05-01", "end": None, "last_periodic": "2024-02-01"}}],
    "assessments": [{"subject": "S1", "date": "2016-05-01", "risk_level": "high", "assessor": "O1",
                     "approved_by": "O2", "tools": [{"tool": "static99r", "score": 6, "band": "IVb"}],
                     "rationale": "…"}],
    "visits": [
        {"subject": "S1", "date": "2017-03-02", "time": "19:30", "officers": ["O1"], "announced": False,
         "announce_reason": None, "outcome": "seen_at_home"},
        {"subject": "S1", "date": "2019-10-28", "time": "18:10", "officers": ["O1"], "announced": False,
         "announce_reason": None, "outcome": "no_reply"},
        {"subject": "S1", "date": "2019-11-04", "time": "08:05", "officers": ["O1", "O3"], "announced": False,
         "announce_reason": None, "outcome": "refused_entry"}],
}


def run_import(tmp_path, doc, capsys):
    f = tmp_path / "doc.json"
    f.write_text(json.dumps(doc))
    try:
        call_command("vigil_import", str(f))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.django_db
def test_the_documented_example_loads_and_the_sweep_reproduces_the_documented_alert(tmp_path, capsys):
    code, _, err = run_import(tmp_path, DOC, capsys)
    assert code == 0, err
    s = Subject.objects.get(ref="S1")
    assert (s.person.ref, s.team.ref, s.manager.ref, s.mappa_category, s.mappa_level) == ("P1", "T1", "O1", 1, 2)
    assert list(ModePeriod.objects.values_list("mode", "start", "end")) == [
        ("custody", DOC_DATE("2013-01-10"), DOC_DATE("2013-09-30"))]
    assert NotificationRecord.objects.get().on == DOC_DATE("2024-02-01")
    a = Assessment.objects.get()
    assert a.approved_by.ref == "O2" and a.approved_on == a.date
    assert list(a.tools.values_list("tool", "score", "band", "calculated")) == [("static99r", 6, "IVb", False)]
    assert Visit.objects.count() == 3
    assert list(Visit.objects.get(outcome="refused_entry").other_officers.values_list("ref", flat=True)) == ["O3"]
    findings, _ = run_sweep(DOC_DATE("2024-08-15"))
    s96b = [finding_json(f, DOC_DATE("2024-08-15")) for f in findings if f.code == "S96B_WARRANT_CONSIDERATION"]
    assert s96b == [{"code": "S96B_WARRANT_CONSIDERATION", "severity": "critical",
                     "entity": {"type": "subject", "id": "S1"}, "as_of": "2024-08-15", "since": "2019-11-04",
                     "owner": "O2", "reasons": ["2 failed home attempts since the last successful visit on "
                                                "2017-03-02 (no_reply 2019-10-28, refused_entry 2019-11-04)"]}]


def DOC_DATE(text):
    import datetime as dt

    return dt.date.fromisoformat(text)


@pytest.mark.django_db
def test_export_gives_the_sections_back_and_reimport_of_the_same_ids_is_refused(tmp_path, capsys):
    assert run_import(tmp_path, DOC, capsys)[0] == 0
    out = io.StringIO()
    export_document(out)
    exported = json.loads(out.getvalue())
    subj = exported["subjects"][0]
    for key in ("id", "person", "kind", "team", "manager", "managed_from", "mode", "mode_history", "mappa",
                "notification"):
        assert subj[key] == DOC["subjects"][0][key], key
    assert exported["assessments"][0] | {"approved_on": None} == DOC["assessments"][0] | {"approved_on": None}
    assert [{k: v[k] for k in DOC["visits"][0]} for v in exported["visits"]] == DOC["visits"]
    # the same document again: every id is refused, and nothing is duplicated
    code, _, err = run_import(tmp_path, DOC, capsys)
    assert code == 2 and "subjects: 1 id(s) already exist and are refused: S1" in err
    assert Visit.objects.count() == 3


@pytest.mark.django_db
def test_visits_and_assessments_without_ids_repeated_are_duplicates(tmp_path, capsys):
    assert run_import(tmp_path, DOC, capsys)[0] == 0
    again = {"format": FORMAT, "visits": [DOC["visits"][0], DOC["visits"][0]],
             "assessments": [DOC["assessments"][0]]}
    code, _, err = run_import(tmp_path, again, capsys)
    assert code == 2
    lines = err.splitlines()
    assert "visits[0]: is already in the database (same subject, date, time and outcome)" in lines
    assert "visits[1]: duplicates visits[0] (same subject, date, time and outcome, and no id)" in lines
    assert "assessments[0]: is already in the database (same subject, date and assessor)" in lines
    assert Visit.objects.count() == 3 and Assessment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("mutate", "line"), [
    (lambda d: d["visits"][0].update(outcome="gone"),
     "visits[0].outcome: 'gone' is not one of seen_at_home, seen_elsewhere, no_reply, refused_entry, "
     "not_at_address, address_invalid"),
    (lambda d: d["visits"][1].update(date="2011-01-01"),
     "visits[1].date: 2011-01-01 is before the subject S1 existed (managed from 2012-05-01)"),
    (lambda d: d["assessments"][0].update(date="2010-01-01"),
     "assessments[0].date: 2010-01-01 is before the subject S1 existed (managed from 2012-05-01)"),
    (lambda d: d["visits"][2].update(announced=True),
     "visits[2].announce_reason: an announced visit needs a reason"),
    (lambda d: d["subjects"][0].update(kind="witness"),
     "subjects[0].kind: 'witness' is not one of registered_offender, suspect"),
    (lambda d: d["subjects"][0].update(manager="O99"), "subjects[0].manager: 'O99' is not a known officer id"),
    (lambda d: d["visits"][0].update(subject="S9"), "visits[0].subject: 'S9' is not a known subject id"),
    (lambda d: d["subjects"][0]["mappa"].update(level=4), "subjects[0].mappa.level: 4 is outside 1–3"),
    (lambda d: d["subjects"][0]["mode_history"][0].update(to="2012-12-01"),
     "subjects[0].mode_history[0].to: is before 'from'"),
    (lambda d: d["assessments"][0].update(risk_level="extreme"),
     "assessments[0].risk_level: 'extreme' is not one of low, medium, high, very_high"),
    (lambda d: d["assessments"][0]["tools"][0].update(items={
        "age_at_release": 30, "never_lived_with_partner_2_years": True, "index_nonsexual_violence": False,
        "prior_nonsexual_violence": False, "prior_sex_offence_charges": 0, "prior_sex_offence_convictions": 1,
        "prior_sentencing_dates": 0, "noncontact_sex_offence_conviction": False, "unrelated_victim": True,
        "stranger_victim": False, "male_victim": False}),
     "assessments[0].tools[0].score: 6 does not match the static99r item codings, which total 4"),
    (lambda d: d["visits"][0].update(date="2999-01-01"), "visits[0].date: 2999-01-01 is in the future"),
    (lambda d: d["visits"][0].update(time="25:00"), "visits[0].time: '25:00' is not a time (HH:MM)"),
])
def test_every_problem_is_one_line_with_its_path_and_nothing_is_written(tmp_path, capsys, mutate, line):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    code, _, err = run_import(tmp_path, doc, capsys)
    assert code == 2
    assert line in err.splitlines(), err
    assert not Subject.objects.exists() and not Visit.objects.exists()
