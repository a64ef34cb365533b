"""Information governance (issue 14): MoPI groups and the retention review, subject access with third parties
withheld, erasure with four eyes that leaves placeholders and a log that still verifies, restriction of processing,
and disclosures to partner agencies. The command-line contract: ``vigil retention due``, ``vigil sar``,
``vigil erase``."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tests import factories
from tests.investigations.factories import crime
from tests.missing.factories import child, episode
from tests.offenders.factories import seed_case
from vigil.core import access_log, policy
from vigil.core.errors import AccessDenied, InputError
from vigil.core.models import AccessLogEntry
from vigil.governance import disclosures, erasure, restriction, retention, subject_access
from vigil.governance.models import ErasureRequest, RetentionReview, SubjectAccessRequest
from vigil.people.models import Identity, Person
from vigil.work.models import Task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.fixture
def world(org):
    """A managed offender (S1) and another record of him; a child found with him; the victims of a sexual assault
    and of a theft; and someone on file with nothing at all."""
    s1 = seed_case(org)
    alias_record = factories.person("P-ALIAS", given="Marc", surname="Ellory", team=org.teams["om"])
    identity = Identity.objects.create(ref="I-1")
    Person.objects.filter(pk__in=[s1.person.pk, alias_record.pk]).update(identity=identity)
    kid = child(org.teams["mp"], "PC-KID", given="Kayla", surname="Brook")
    episode(kid, org.teams["mp"], ref="M-1", reported="2024-06-01T22:10", returned="2024-06-03T08:00",
            found_with=[s1.person])
    assaulted = factories.person("P-VIC2", given="Jordan", surname="Hale", team=org.teams["cid"])
    crime(org.teams["cid"], "17A", ref="CR-SEX", reported=dt.date(2019, 1, 5), closed_on=dt.date(2020, 2, 1),
          victims=[assaulted])
    robbed = factories.person("P-VIC3", given="Sam", surname="Fenwick", team=org.teams["cid"])
    crime(org.teams["cid"], "49", ref="CR-THEFT", reported=dt.date(2015, 3, 1), closed_on=dt.date(2015, 4, 1),
          victims=[robbed], suspects=[factories.person("P-SUS", given="Lee", surname="Marsh", team=org.teams["cid"])])
    nobody = factories.person("P-NONE", given="Alex", surname="Nobody", team=org.teams["om"], dob=None)
    return {"s1": s1, "alias": alias_record, "kid": kid, "assaulted": assaulted, "robbed": robbed, "nobody": nobody}


def _standing(person):
    return retention.standings(TODAY, people={person.pk})[person.pk]


def test_each_record_falls_in_the_mopi_group_of_the_gravest_matter_it_is_part_of(world):
    assert _standing(world["s1"].person).group == 1
    assert _standing(world["alias"]).group == 1  # another record of the same person
    assert _standing(world["kid"]).group == 2    # a missing child (safeguarding)
    assert _standing(world["assaulted"]).group == 2
    assert _standing(world["robbed"]).group == 3
    nobody = _standing(world["nobody"])
    assert nobody.group == 3 and nobody.due_on(policy.current()) is None
    s1 = _standing(world["s1"].person)
    assert "subject S1 is managed" in s1.live[0]
    assert s1.keep_until(policy.current()) == dt.date(2080, 1, 1)


def test_vigil_retention_due_lists_what_is_due_with_reasons_and_more_in_ten_years(world, capsys):
    call_command("retention", "due", "--as-of", TODAY.isoformat(), "--json")
    due = {r["record"]["id"]: r for r in json.loads(capsys.readouterr().out)}
    # S1 managed from 2012: first review 2022, overdue; the theft victim's clear period (6 years from 2015) has run;
    # the sexual-assault victim's (10 years from 2020) has not; nobody is dated by nothing: due now.
    assert {"P-S1", "P-ALIAS", "P-VIC3", "P-SUS", "P-NONE"} <= set(due)
    assert "P-VIC2" not in due and "PC-KID" not in due
    s1 = due["P-S1"]
    assert s1["group"] == 1 and s1["due"] == "2022-05-01" and s1["overdue"] and not s1["may_dispose"]
    assert any("managed sex offender (subject S1)" in r for r in s1["reasons"])
    assert due["P-VIC3"]["may_dispose"] and due["P-VIC3"]["due"] == "2021-04-01"
    call_command("retention", "due", "--as-of", "2034-08-15", "--json")  # ten years on
    later = {r["record"]["id"] for r in json.loads(capsys.readouterr().out)}
    assert "PC-KID" in later and "P-VIC2" in later
    call_command("retention", "due", "--as-of", TODAY.isoformat())
    out = capsys.readouterr().out
    assert out.startswith("5 record(s) due a MoPI retention review on 15 Aug 2024") and "person P-S1  group 1" in out


def test_a_bad_date_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("retention", "due", "--as-of", "2024-13-01")
    assert exc.value.code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_review_retains_with_its_rationale_or_decides_disposal_which_a_second_person_approves(world, org):
    reviewer = org.officers["information_manager"]
    with pytest.raises(InputError, match="MoPI keeps this record now"):
        retention.record_review(actor=reviewer.user, person=world["s1"].person, decision="dispose",
                                rationale="no longer needed, we think", reviewed_on=TODAY)
    kept = retention.record_review(actor=reviewer.user, person=world["s1"].person, decision="retain",
                                   rationale="still managed; risk remains high", reviewed_on=TODAY)
    assert kept.next_review_on == dt.date(2034, 8, 15) and kept.group == 1
    assert _standing(world["s1"].person).due_on(policy.current()) == \
        dt.date(2034, 8, 15)
    retention.record_review(actor=reviewer.user, person=world["robbed"], decision="dispose",
                            rationale="a closed theft nine years ago: no policing purpose remains", reviewed_on=TODAY)
    req = ErasureRequest.objects.get(person_ref="P-VIC3")
    assert req.status == "pending" and req.source.startswith("retention review #")
    with pytest.raises(AccessDenied, match="four eyes"):
        erasure.approve(actor=reviewer.user, req=req)
    second = factories.officer(org.teams["adm"], roles=["information_manager"], rank="staff", username="im2",
                               name="Second Manager")
    erasure.approve(actor=second.user, req=req)
    world["robbed"].refresh_from_db()
    assert world["robbed"].erased_at and world["robbed"].display_name == "erased record"
    assert RetentionReview.objects.filter(person_ref="P-VIC3", decision="dispose").count() == 1


def test_erasure_is_refused_while_a_retention_rule_or_a_live_case_requires_the_record(world, capsys):
    for ref, why in (("P-S1", "a live case requires the record: subject S1 is managed"),
                     ("P-ALIAS", "MoPI group 1 (certain public protection matters) keeps the record until"),
                     ("P-VIC2", "MoPI group 2 keeps the record until its retention review on 1 Feb 2030")):
        with pytest.raises(SystemExit) as exc:
            call_command("erase", ref, "--reason", "asked by the data subject")
        err = capsys.readouterr().err.strip()
        assert exc.value.code == 2 and len(err.splitlines()) == 1 and why in err, err
        assert Person.objects.get(ref=ref).erased_at is None
    refused = AccessLogEntry.objects.filter(operation="erasure", outcome="refused")
    assert set(refused.values_list("record_id", flat=True)) == {"P-S1", "P-ALIAS", "P-VIC2"}
    kid = child(world["kid"].team, "PC-OPEN")
    episode(kid, world["kid"].team, ref="M-OPEN", reported="2024-08-14T20:00")
    with pytest.raises(InputError, match="missing episode M-OPEN is open"):
        erasure.erase_now(actor="system:test", person=kid, reason="asked by the data subject")
    with pytest.raises(SystemExit) as exc:
        call_command("erase", "P-UNKNOWN", "--reason", "asked by the data subject")
    assert exc.value.code == 2


def test_an_erasure_removes_what_only_describes_the_person_keeps_placeholders_and_logs_metadata_only(world, capsys):
    from vigil.investigations.models import CrimePerson

    p = world["robbed"]
    from vigil.people.models import Address, Alias, Phone  # the theft victim: an alias, an address, a phone

    Alias.objects.create(person=p, given_names="Sammy", surname="Fenwick")
    Address.objects.create(person=p, line1="9 Quarry Lane", town="Fictionton", postcode="XW9 9ZZ", match_key="k")
    Phone.objects.create(person=p, number="07700900999")
    before = AccessLogEntry.objects.count()
    call_command("erase", "P-VIC3", "--reason", "the data subject asked; the theft closed in 2015")
    assert "person P-VIC3 erased" in capsys.readouterr().out
    p.refresh_from_db()
    assert (p.given_names, p.surname, p.date_of_birth, p.erased_at is not None) == ("", "", None, True)
    assert not p.aliases.exists() and not p.addresses.exists() and not p.phones.exists()
    assert CrimePerson.objects.filter(person=p, crime__ref="CR-THEFT").exists()  # the crime keeps a placeholder
    new = list(AccessLogEntry.objects.filter(pk__gt=0).order_by("pk")[before:])
    [entry] = [e for e in new if e.operation == "erasure"]
    text = json.dumps([[e.detail, e.justification, e.recipients] for e in new])
    for value in ("Sam", "Fenwick", "Sammy", "Quarry", "XW9 9ZZ", "07700900999", "1980-01-01"):
        assert value not in text, value
    assert "1 aliases" in entry.detail and "1 phones" in entry.detail
    assert access_log.verify().intact
    # Gone from the pack and the export; a second erasure or a pack is refused, exit 2.
    for command in (("sar", "P-VIC3", "--out", "/dev/null"), ("erase", "P-VIC3", "--reason", "once more please")):
        with pytest.raises(SystemExit) as exc:
            call_command(*command)
        assert exc.value.code == 2 and "was erased" in capsys.readouterr().err
    from io import StringIO

    from vigil.interchange.services import export_document

    out = StringIO()
    export_document(out, recipients=["test"], purpose="test")
    doc = json.loads(out.getvalue())
    assert "P-VIC3" not in {p["id"] for p in doc["people"]}
    assert all("P-VIC3" not in json.dumps(c) for c in doc.get("crimes", []))


def test_a_subject_access_pack_holds_the_persons_own_data_and_withholds_other_people(world, org, tmp_path, capsys):
    s1 = world["s1"]
    disclosures.record(actor=org.officers["offender_manager"].user, person=s1.person, recipient_kind="probation",
                       recipient="Central West probation", lawful_basis="DPA 2018 s.35; MAPPA",
                       what="risk level and the last home visit")
    sar = subject_access.log_request(actor=org.officers["information_manager"].user, person=s1.person,
                                     received_on=dt.date(2024, 8, 1))
    assert sar.due_on == dt.date(2024, 9, 1)
    task = Task.objects.get(source=f"subject-access:{sar.pk}")
    assert task.owner == org.officers["information_manager"] and task.status == "open"  # named, not the team
    from vigil.sweep.engine import run_sweep

    run_sweep(TODAY)  # records the link: Kayla was found with S1's person
    out = tmp_path / "pack.json"
    call_command("sar", "P-S1", "--out", str(out))
    pack = json.loads(out.read_text())
    assert pack["person"]["id"] == "P-S1" and pack["person"]["surname"].startswith("Ellery")
    [managed] = pack["records"]["management"]
    assert managed["id"] == "S1" and [v["outcome"] for v in managed["home_visits"]] == [
        "Seen at home", "No reply", "Refused entry"]
    assert pack["recipients"][0]["recipient"] == "Central West probation"
    assert pack["retention"]["group"] == 1 and "Information Commissioner" in pack["complaints"]
    withheld = {w["what"]: w for w in pack["withheld"]}
    assert withheld["other records linked to this person by record linkage"]["count"] == 1
    assert "rationales and factors of risk assessments (officers' notes)" in withheld
    assert withheld["missing children linked to the subject (found at their address or with them)"]["count"] == 1
    body = out.read_text()
    for third_party in ("Kayla", "Brook", "PC-KID", "Marc", "Ellory", "P-ALIAS", "Offender Manager", "Supervisor"):
        assert third_party not in body, third_party
    sar.refresh_from_db()
    task.refresh_from_db()
    assert sar.status == "answered" and len(sar.pack_sha256) == 64 and task.status == "done"
    logged = AccessLogEntry.objects.get(operation="disclosure", record_id="P-S1", detail__startswith="subject access")
    assert logged.recipients == [f"the data subject (subject access request #{sar.pk})"]
    # The child's own pack: the adult she was found with is withheld.
    call_command("sar", "PC-KID", "--out", str(out))
    kid = json.loads(out.read_text())
    assert kid["records"]["missing_episodes"][0]["id"] == "M-1" and "Ellery" not in out.read_text()
    assert {w["what"] for w in kid["withheld"]} >= {"the people a missing child was found with"}
    with pytest.raises(SystemExit) as exc:
        call_command("sar", "NOBODY", "--out", str(out))
    assert exc.value.code == 2 and capsys.readouterr().err.strip().splitlines()[-1] == "'NOBODY' is not a person"


def test_a_restricted_record_opens_only_for_its_team_and_professional_standards(world, org):
    from vigil.core.breakglass import open_break_glass
    from vigil.people.selectors import open_person

    p = world["nobody"]  # held by the offender-management team
    restriction.place(actor=org.officers["information_manager"].user, person=p,
                      reason="the data subject contests the accuracy of the record")
    with pytest.raises(InputError, match="already restricted"):
        restriction.place(actor="system:test", person=p, reason="the data subject contests it again")
    assert open_person(actor=org.officers["offender_manager"].user, ref="P-NONE")[1].allowed
    outsider = org.officers["other_team_offender_manager"].user
    _, decision = open_person(actor=outsider, ref="P-NONE")
    assert not decision.allowed and not decision.needs_break_glass
    assert "restricted (DPA 2018 s.47)" in decision.refused_reason
    open_break_glass(user=outsider, record_type="person", record_id="P-NONE", reason_code="other",
                     reason_text="a call from the public about this person today")
    assert not open_person(actor=outsider, ref="P-NONE")[1].allowed  # a restriction is not break-glassed
    refused = AccessLogEntry.objects.filter(outcome="refused", record_id="P-NONE").first()
    assert refused and "professional-standards" not in refused.justification  # the log says which restriction
    restriction.lift(actor="system:test", person=p, reason="accuracy confirmed with the data subject")
    _, decision = open_person(actor=outsider, ref="P-NONE")
    assert decision.allowed and decision.justification.startswith("break-glass")  # the ordinary rule again


def test_a_disclosure_is_logged_with_its_recipient_and_bad_input_changes_nothing(world, org):
    user = org.officers["offender_manager"].user
    with pytest.raises(InputError) as exc:
        disclosures.record(actor=user, person=world["s1"].person, recipient_kind="probation", recipient="",
                           lawful_basis="", what="x")
    assert len(exc.value.problems) == 3
    with pytest.raises(InputError, match="recipient_kind"):
        disclosures.record(actor=user, person=world["s1"].person, recipient_kind="the press", recipient="A paper",
                           lawful_basis="none", what="everything")
    assert not AccessLogEntry.objects.filter(operation="disclosure").exists()
    d = disclosures.record(actor=user, person=world["s1"].person, recipient_kind="childrens_social_care",
                           recipient="Fictionshire children's services", lawful_basis="Children Act 2004 s.11",
                           what="that a child was found at the subject's address")
    entry = AccessLogEntry.objects.get(operation="disclosure", record_id="P-S1")
    assert entry.recipients == ["Children's social care: Fictionshire children's services"]
    assert f"disclosure #{d.pk}" in entry.detail


def test_subject_access_requests_cannot_be_logged_twice_or_for_the_future(world, org):
    im = org.officers["information_manager"].user
    subject_access.log_request(actor=im, person=world["robbed"], received_on=TODAY)
    with pytest.raises(InputError, match="already open"):
        subject_access.log_request(actor=im, person=world["robbed"], received_on=TODAY)
    with pytest.raises(InputError, match="future"):
        subject_access.log_request(actor=im, person=world["nobody"], received_on=TODAY + dt.timedelta(days=1))
    assert SubjectAccessRequest.objects.count() == 1
    # An open request keeps the record: erasing now would destroy what was asked for.
    with pytest.raises(InputError, match="subject access request received on 15 Aug 2024 is still open"):
        erasure.erase_now(actor="system:test", person=world["robbed"], reason="asked by the data subject")


def test_one_month_after_keeps_to_the_calendar():
    assert subject_access.one_month_after(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)
    assert subject_access.one_month_after(dt.date(2024, 12, 15)) == dt.date(2025, 1, 15)


def test_a_childs_pack_withholds_a_place_that_is_another_persons_address(world, tmp_path):
    from vigil.people.addresses import match_key
    from vigil.people.models import Address

    s1 = world["s1"]
    Address.objects.create(person=s1.person, line1="12 Hill Road", town="Fictionton", postcode="XW3 1AB",
                           match_key=match_key("12 Hill Road", "", "Fictionton", "XW3 1AB"))
    episode(world["kid"], world["kid"].team, ref="M-2", reported="2024-07-01T20:00", returned="2024-07-02T09:00",
            found_at={"line1": "12 Hill Road", "town": "Fictionton", "postcode": "XW3 1AB"})
    episode(world["kid"], world["kid"].team, ref="M-3", reported="2024-07-10T20:00", returned="2024-07-11T09:00",
            found_at={"line1": "Bus station", "town": "Fictionton"})
    content, body = subject_access.answer(actor="system:test", person=world["kid"], as_of=TODAY)
    places = {e["id"]: e["found_at"] for e in content["records"]["missing_episodes"]}
    assert places["M-2"] is None and places["M-3"] == "Bus station, Fictionton"
    assert b"Hill Road" not in body
    withheld = {w["what"]: w["count"] for w in content["withheld"]}
    assert withheld["places the child was found that are another person's address"] == 1


def test_assurance_counts_reviews_due_once_in_ten_minutes_and_says_so(world, org):
    """Where every record stands takes seconds at force scale and moves by the day: the dashboard's counts are kept
    for ten minutes, and the figure says so."""
    from django.core.cache import cache

    from vigil.assurance.indicators import indicator
    from vigil.governance.assurance import NOTE, reviews_overdue

    before = reviews_overdue(TODAY)
    assert before.get(org.teams["om"].pk, 0) >= 1  # P-NONE: nothing dates the record, its review is due now
    retention.record_review(actor=org.officers["information_manager"].user, person=world["nobody"],
                            decision="retain", rationale="named in an open enquiry", reviewed_on=TODAY)
    assert reviews_overdue(TODAY) == before  # kept, as the figure says
    assert indicator("retention_overdue").note == NOTE == "counted at most 10 minutes ago"
    cache.clear()  # ten minutes on
    assert reviews_overdue(TODAY).get(org.teams["om"].pk, 0) == before[org.teams["om"].pk] - 1
