"""Red-team regressions for information governance (docs/adr/0020): a restricted person stays out of reach of
anyone outside the holding team and professional standards (break-glass or not); an erasure leaves no personal
value behind and the log still verifies; subject-access packs withhold third parties and say each recipient once;
bad input is a one-line refusal, never a traceback; the access log says only what happened."""
from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests import factories
from tests.factories import verified_login
from tests.investigations.factories import crime
from tests.offenders.factories import subject
from vigil.core import access_log
from vigil.core.breakglass import open_break_glass
from vigil.core.errors import AccessDenied, InputError
from vigil.core.models import AccessLogEntry
from vigil.governance import disclosures, erasure, restriction, subject_access
from vigil.governance.models import ErasureRequest
from vigil.people.models import Address, Alias, Identifier, Identity, Person, Phone
from vigil.work.models import Task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


def _client(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


def _restricted(org, ref="P-R", **kw):
    p = factories.person(ref, given="Rowan", surname="Quillfeather", team=org.teams["om"], **kw)
    restriction.place(actor=org.user("information_manager"), person=p,
                      reason="the data subject contests the accuracy of the record")
    return p


def _second_manager(org):
    return factories.officer(org.teams["adm"], roles=["information_manager"], rank="staff", username="im2",
                             name="Second Manager")


# --- restriction of processing ----------------------------------------------------------------------------------

def test_a_restricted_person_stays_out_of_search_and_the_api_even_with_a_break_glass(org):
    p = _restricted(org)
    outsider = org.user("other_team_offender_manager")
    open_break_glass(user=outsider, record_type="person", record_id=p.ref, reason_code="other",
                     reason_text="a call from the public about this person today")
    api = _client(outsider)
    r = api.get("/api/people/", {"q": "Quillfeather"})
    assert "Quillfeather" not in r.content.decode()
    r = api.get(f"/api/people/{p.ref}/")
    assert r.status_code == 403 and "Quillfeather" not in r.content.decode()
    page = api.get(f"/people/{p.ref}/")
    assert page.status_code in (403, 404) and "Quillfeather" not in page.content.decode()
    # the holding team and professional standards still open it
    assert "Quillfeather" in _client(org.user("offender_manager")).get(f"/api/people/{p.ref}/").content.decode()
    ps = _client(org.user("professional_standards")).get(f"/api/people/{p.ref}/").content.decode()
    assert "restricted" not in ps  # not denied: the ordinary rules (break-glass) apply to them


def test_a_restricted_persons_name_is_not_shown_in_another_teams_work_queue(org):
    p = _restricted(org)
    other = factories.person("P-OTHER", given="Rowan", surname="Quill", team=org.teams["om2"])
    # e.g. a pair of records awaiting linkage review goes to the queue of a team that does not hold the person
    due = dt.datetime(2024, 8, 20, 17, tzinfo=dt.UTC)
    Task.objects.create(source="test:person", kind="test", title="Check a record", record_type="person",
                        record_ref=p.ref, team=org.teams["om2"], due=due, severity="medium", created_at=due,
                        reasons=[f"Person {p.ref} needs a look"])
    Task.objects.create(source="test:other", kind="test", title="Check another record", record_type="person",
                        record_ref=other.ref, team=org.teams["om2"], due=due, severity="medium", reasons=["x"],
                        created_at=due)
    outsider = org.user("other_team_offender_manager")
    page = _client(outsider).get("/work/").content.decode()
    assert "Rowan Quill" in page  # the other record is named as before
    assert "Quillfeather" not in page
    t = Task.objects.get(source="test:person")
    detail = _client(outsider).get(f"/work/tasks/{t.pk}/").content.decode()
    assert "Quillfeather" not in detail


# --- subject access ---------------------------------------------------------------------------------------------

def test_a_pack_names_each_disclosure_once(org, tmp_path):
    p = factories.person("P-D", given="Dana", surname="Ives", team=org.teams["om"])
    disclosures.record(actor=org.user("offender_manager"), person=p, recipient_kind="probation",
                       recipient="Central West probation", lawful_basis="DPA 2018 s.35", what="the home address")
    content, _ = subject_access.answer(actor="system:test", person=p, as_of=TODAY)
    assert [r["recipient"] for r in content["recipients"]] == ["Central West probation"]


@pytest.mark.parametrize("kw", [
    {"given": "", "surname": "", "dob": None},
    {"given": "Jay", "surname": "", "dob": None},
])
def test_a_pack_for_a_partly_known_person_with_no_records(org, kw, tmp_path):
    p = factories.person("P-PART", team=org.teams["om"], sex="unknown", **kw)
    content, _ = subject_access.answer(actor="system:test", person=p, as_of=TODAY)
    assert content["person"]["date_of_birth"] == "not known"
    assert content["records"] == {"management": [], "missing_episodes": [], "crimes": []}
    y = factories.person("P-YEAR", given="", surname="Year", team=org.teams["om"], dob=None)
    Person.objects.filter(pk=y.pk).update(born_earliest=dt.date(1990, 1, 1), born_latest=dt.date(1990, 12, 31))
    y.refresh_from_db()
    content, _ = subject_access.answer(actor="system:test", person=y, as_of=TODAY)
    assert content["person"]["date_of_birth"] == "about 1990"


def test_a_pack_withholds_the_other_people_of_a_crime_and_other_linked_records(org):
    me = factories.person("P-ME", given="Robin", surname="Vale", team=org.teams["cid"])
    other = factories.person("P-THEM", given="Casey", surname="Thorne", team=org.teams["cid"])
    twin = factories.person("P-TWIN", given="Robyn", surname="Vail", team=org.teams["om2"])
    ident = Identity.objects.create(ref="I-RT")
    Person.objects.filter(pk__in=[me.pk, twin.pk]).update(identity=ident)
    crime(org.teams["cid"], "49", ref="CR-RT", victims=[me], suspects=[other])
    me.refresh_from_db()
    content, body = subject_access.answer(actor="system:test", person=me, as_of=TODAY)
    text = body.decode()
    for third in ("Casey", "Thorne", "P-THEM", "Robyn", "Vail", "P-TWIN"):
        assert third not in text, third
    assert content["records"]["crimes"][0]["id"] == "CR-RT"


# --- erasure ----------------------------------------------------------------------------------------------------

def _everything_about(values) -> list[str]:
    """Every text column of every table, searched for the values (the whole database, not a list of places)."""
    from django.apps import apps
    from django.db import models

    hits = []
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
        for row in model._base_manager.values(*fields) if fields else ():
            text = json.dumps(row, default=str)
            hits += [f"{model._meta.label}: {v}" for v in values if v in text]
    return hits


def test_after_an_erasure_no_personal_value_is_left_anywhere_in_the_database(org, capsys):
    p = factories.person("P-GONE", given="Zebedee", surname="Farquharson", team=org.teams["cid"],
                         dob=dt.date(1977, 3, 9), aliases=[("Zeb", "Farqua")],
                         address={"line1": "41 Wrenfield Row", "town": "Oddbury", "postcode": "XQ7 3JJ"})
    Phone.objects.create(person=p, number="07700900123")
    Identifier.objects.create(person=p, type="ni_number", value="QQ123456C")
    crime(org.teams["cid"], "49", ref="CR-OLD", reported=dt.date(2012, 1, 1), closed_on=dt.date(2012, 2, 1),
          victims=[p])
    call_command("erase", "P-GONE", "--reason", "asked by the data subject; a theft closed in 2012")
    capsys.readouterr()
    hits = _everything_about(["Zebedee", "Farquharson", "Farqua", "Wrenfield", "XQ7 3JJ", "07700900123",
                              "QQ123456C", "1977-03-09"])
    assert hits == []
    assert access_log.verify().intact


def test_an_old_subject_is_not_erased_under_its_management_record_and_the_export_stays_whole(org, capsys):
    """A managed offender who would now be over 100, management long ended: MoPI allows disposal."""
    from vigil.interchange.services import export_document

    old = factories.person("P-OLD", given="Ebenezer", surname="Grimsby", team=org.teams["om"],
                           dob=dt.date(1920, 1, 1))
    subject(org.teams["om"], ref="S-OLD", person=old, managed_from=dt.date(2000, 1, 1),
            managed_until=dt.date(2010, 1, 1))
    with pytest.raises(InputError, match="management record of subject S-OLD still describes the person"):
        erasure.erase_now(actor="system:test", person=old, reason="disposal: the subject would be over 100")
    old.refresh_from_db()
    assert old.erased_at is None and old.surname == "Grimsby"
    out = StringIO()
    export_document(out, recipients=["test"], purpose="test")
    doc = json.loads(out.getvalue())
    assert {s["person"] for s in doc.get("subjects", [])} <= {x["id"] for x in doc["people"]}


# --- four eyes and bad input ------------------------------------------------------------------------------------

def test_approving_twice_or_ones_own_request_changes_nothing_and_is_a_clean_refusal(org):
    p = factories.person("P-AP", given="Ada", surname="Pole", team=org.teams["cid"])
    crime(org.teams["cid"], "49", ref="CR-AP", reported=dt.date(2012, 1, 1), closed_on=dt.date(2012, 2, 1),
          victims=[p])
    im, im2 = org.user("information_manager"), _second_manager(org).user
    a, b = _client(im), _client(im2)
    r = a.post("/governance/erasures/", {"person": "P-AP", "reason": "asked by the data subject today",
                                         "submission_key": "e1"})
    assert r.status_code == 302
    req = ErasureRequest.objects.get()
    r = a.post(f"/governance/erasures/{req.pk}/", {"action": "approve"})
    assert r.status_code == 403
    assert ErasureRequest.objects.get().status == "pending"
    assert b.post(f"/governance/erasures/{req.pk}/", {"action": "approve"}).status_code == 302
    r = b.post(f"/governance/erasures/{req.pk}/", {"action": "approve"})
    assert r.status_code == 400 and "already" in r.content.decode()
    done = AccessLogEntry.objects.filter(operation="erasure", outcome="allowed", record_id="P-AP")
    assert done.count() == 1
    with pytest.raises(AccessDenied):
        erasure.approve(actor=org.officers["information_manager"], req=ErasureRequest.objects.create(
            person=Person.objects.get(ref="P-AP"), person_ref="P-AP", reason="x" * 10, requested_by="information_manager",
            requested_at=access_log.clock.now(), requested_officer=org.officers["information_manager"]))


@pytest.mark.parametrize("ref", ["x" * 5000, "P\x00X", "../../etc", "%00", " "])
def test_odd_references_on_the_pages_are_a_clean_not_found(org, ref):
    im = _client(org.user("information_manager"))
    from urllib.parse import quote

    for url in (f"/governance/retention/{quote(ref, safe='')}/", f"/governance/disclosures/{quote(ref, safe='')}/"):
        r = im.get(url)
        assert r.status_code in (400, 404), (url, r.status_code)
    for form in ({"person": ref, "received_on": "2024-08-01"}, {"person": ref, "received_on": "9999-12-31"},
                 {"person": "P-X", "received_on": "0001-01-01"}):
        r = im.post("/governance/access-requests/", {**form, "submission_key": "k" + ref[:10]})
        assert r.status_code == 400


def test_odd_input_to_the_commands_is_one_line_exit_2(org, capsys, tmp_path):
    factories.person("P-C", given="Cal", surname="Reed", team=org.teams["om"])
    for args in (("erase", "P-C", "--reason", "short"), ("erase", "x" * 5000, "--reason", "a long enough reason"),
                 ("sar", "P-C", "--out", str(tmp_path / "no" / "such" / "dir.json")),
                 ("retention", "due", "--as-of", "99999-01-01"), ("retention", "due", "--as-of", "0000-01-01")):
        with pytest.raises(SystemExit) as exc:
            call_command(*args)
        err = capsys.readouterr().err.strip()
        assert exc.value.code == 2 and len(err.splitlines()) == 1, (args, err)


def test_a_restriction_is_refused_for_a_person_already_restricted_twice_from_the_form(org):
    p = factories.person("P-T", given="Toni", surname="Marsh", team=org.teams["om"])
    im = _client(org.user("information_manager"))
    body = {"person": p.ref, "action": "place", "reason": "the data subject contests the accuracy"}
    assert im.post("/governance/restrictions/", {**body, "submission_key": "r1"}).status_code == 302
    r = im.post("/governance/restrictions/", {**body, "submission_key": "r2"})
    assert r.status_code == 400 and "already restricted" in r.content.decode()
    r = im.post("/governance/restrictions/", {**body, "reason": "x" * 100000, "submission_key": "r3"})
    assert r.status_code == 400
    assert AccessLogEntry.objects.filter(detail__startswith="processing restricted").count() == 1


def test_the_erasure_entry_says_only_what_was_removed(org, capsys):
    p = factories.person("P-L", given="Lou", surname="Penn", team=org.teams["cid"])
    Alias.objects.create(person=p, given_names="Lulu", surname="")
    Address.objects.create(person=p, line1="1 Any Road", match_key="k1")
    crime(org.teams["cid"], "49", ref="CR-L", reported=dt.date(2012, 1, 1), closed_on=dt.date(2012, 2, 1),
          victims=[p])
    req = erasure.erase_now(actor="system:test", person=p, reason="asked by the data subject")
    entry = AccessLogEntry.objects.get(operation="erasure", record_id="P-L")
    assert req.removed == {"aliases": 1, "addresses": 1}
    assert "1 aliases" in entry.detail and "1 addresses" in entry.detail
    assert "alert reasons" not in entry.detail and "task reasons" not in entry.detail
