"""Professional-standards restrictions against the database: automatic on opening a case, lifted the day after
it closes, applied to every record a restricted officer must not reach (crimes in the restricted categories,
their victims, public-protection subjects, missing children), never break-glassable, refused attempts logged
and shown to professional standards; the page counts restricted officers against force strength."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps

from tests import factories
from tests.investigations import factories as inv
from tests.standards.factories import open_case
from vigil.core import clock
from vigil.core.errors import InputError
from vigil.core.models import AccessLogEntry
from vigil.core.scope import access
from vigil.investigations.models import Crime
from vigil.people.models import Person
from vigil.standards import services
from vigil.standards.models import OfficerCase
from vigil.standards.restrictions import active_restriction, active_restrictions

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())  # denials decide access today


@pytest.fixture
def restricted(org):
    officer = factories.officer(org.teams["om"], roles=["offender_manager", "investigator"], username="res",
                                ref="O-RES")
    open_case(officer, "vawg", dt.date(2024, 1, 10), ref="PS-R")
    return officer


def test_a_case_restricts_while_open_and_only_in_the_three_categories(org):
    o = org.officers["investigator"]
    case = open_case(o, "domestic_abuse", dt.date(2024, 3, 1), closed=dt.date(2024, 6, 30))
    open_case(o, "dishonesty", dt.date(2024, 1, 1))
    assert active_restriction(o, dt.date(2024, 2, 29)) is None
    r = active_restriction(o, dt.date(2024, 3, 1))
    assert r.case_refs == (case.ref,) and r.since == dt.date(2024, 3, 1)
    assert r.crime_categories == {"sexual_offences", "domestic_abuse", "stalking_harassment", "child_victim"}
    assert active_restriction(o, dt.date(2024, 6, 30)) is not None
    assert active_restriction(o, dt.date(2024, 7, 1)) is None
    assert active_restrictions(dt.date(2024, 4, 1)) == {o.pk: r}


def test_restricted_crimes_and_their_victims_are_denied_others_are_not(org, restricted):
    team = org.teams["om"]
    victim = factories.person("P-VIC", team=team)
    other_victim = factories.person("P-OK", team=team)
    inv.crime(team, "19C", ref="CR-RAPE", victims=[victim])
    inv.crime(team, "46", ref="CR-SHOP", victims=[other_victim])
    inv.crime(team, "8N", ref="CR-DA", flags=["domestic_abuse"])
    inv.crime(team, "8N", ref="CR-CHILD", flags=["child_victim"])
    inv.crime(team, "8L", ref="CR-HARASS")
    user = restricted.user
    assert set(Crime.objects.restrict(user).values_list("ref", flat=True)) == {"CR-SHOP"}
    assert set(Crime.objects.denied_to(user).values_list("ref", flat=True)) == {"CR-RAPE", "CR-DA", "CR-CHILD",
                                                                                 "CR-HARASS"}
    assert list(Person.objects.denied_to(user).values_list("ref", flat=True)) == ["P-VIC"]
    decision = access(user, Person.objects.get(ref="P-VIC"), record_type="person", record_id="P-VIC")
    assert not decision.allowed and not decision.needs_break_glass
    assert access(user, Person.objects.get(ref="P-OK"), record_type="person", record_id="P-OK").allowed


def test_the_person_page_refuses_a_restricted_victim_and_professional_standards_see_the_attempt(login, org,
                                                                                              restricted):
    victim = factories.person("P-VIC", team=org.teams["om"])
    inv.crime(org.teams["om"], "88A", victims=[victim])
    resp = login(restricted.user).get("/people/P-VIC/")
    assert resp.status_code == 403
    assert AccessLogEntry.objects.filter(record_id="P-VIC", outcome="refused", actor="res").exists()
    page = login(org.user("professional_standards")).get("/standards/").content.decode()
    assert "person P-VIC" in page and "res (O-RES)" in page


def test_public_protection_subjects_and_missing_children_are_denied(org, restricted):
    from tests.missing.factories import child, episode
    from tests.offenders.factories import subject

    team = org.teams["om"]
    s = subject(team, ref="S-R")
    kid = child(org.teams["mp"], "P-KID")
    ep = episode(kid, org.teams["mp"], ref="M-R")
    user = restricted.user
    Subject, Episode = apps.get_model("offenders.subject"), apps.get_model("missing.missingepisode")
    assert list(Subject.objects.denied_to(user)) == [s]
    assert list(Episode.objects.denied_to(user)) == [ep]
    assert set(Person.objects.denied_to(user).values_list("ref", flat=True)) == {s.person.ref, "P-KID"}
    assert not Subject.objects.denied_to(org.user("offender_manager")).exists()
    assert not Person.objects.denied_to(org.user("offender_manager")).exists()
    assert not access(user, s, record_type="subject", record_id="S-R").needs_break_glass


def test_nobody_sees_a_case_about_themselves(org):
    pso = org.officers["professional_standards"]
    mine = open_case(pso, "other", dt.date(2024, 2, 1))
    other = open_case(org.officers["investigator"], "vawg", dt.date(2024, 2, 1))
    visible = set(OfficerCase.objects.restrict(pso.user))
    assert other in visible and mine not in visible
    assert not OfficerCase.objects.restrict(org.user("auditor")).exists()


def test_a_restricted_administrator_cannot_export(org):
    admin = org.officers["administrator"]
    assert admin.user.has_perm("vigil.export")
    open_case(admin, "sexual_misconduct", dt.date(2024, 8, 1))
    admin.user.officer._vigil_restriction = None
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=admin.user.pk)
    assert not fresh.has_perm("vigil.export")


def test_opening_and_closing_cases(org):
    pso = org.user("professional_standards")
    case = services.open_case(actor=pso, officer_ref=org.officers["investigator"].ref, category="vawg",
                              opened=dt.date(2024, 8, 1), summary="Allegation from a member of the public")
    assert active_restriction(org.officers["investigator"], TODAY) is not None
    with pytest.raises(InputError, match="cannot close before then"):
        services.close_case(actor=pso, case=case, closed=dt.date(2024, 7, 1), outcome="no_case_to_answer",
                            reason="Investigation found no case to answer.")
    with pytest.raises(InputError, match="reason"):
        services.close_case(actor=pso, case=case, closed=dt.date(2024, 8, 10), outcome="no_case_to_answer",
                            reason="done")
    with pytest.raises(InputError, match="outcome"):
        services.close_case(actor=pso, case=case, closed=dt.date(2024, 8, 10), outcome="sacked",
                            reason="Investigation found no case to answer.")
    assert active_restriction(org.officers["investigator"], TODAY) is not None  # refused: nothing changed
    services.close_case(actor=pso, case=case, closed=dt.date(2024, 8, 10), outcome="no_case_to_answer",
                        reason="Investigation found no case to answer.")
    case.refresh_from_db()
    assert (case.close_outcome, case.closed_by) == ("no_case_to_answer", pso)
    assert active_restriction(org.officers["investigator"], TODAY) is None
    with pytest.raises(InputError, match="already closed"):
        services.close_case(actor=pso, case=case, closed=dt.date(2024, 8, 11), outcome="no_case_to_answer",
                            reason="Investigation found no case to answer.")
    with pytest.raises(InputError, match="about themselves"):
        services.open_case(actor=pso, officer_ref=org.officers["professional_standards"].ref, category="other",
                           opened=TODAY)
    with pytest.raises(InputError, match="no officer"):
        services.open_case(actor=pso, officer_ref="O-NOBODY", category="other", opened=TODAY)
    logged = AccessLogEntry.objects.filter(record_type="officer_case", record_id=case.ref)
    assert {e.operation for e in logged} == {"collection", "alteration"}


def test_the_page_counts_restricted_officers_against_force_strength(login, org, restricted):
    open_case(org.officers["investigator"], "dishonesty", dt.date(2024, 2, 1))  # does not restrict
    page = login(org.user("professional_standards")).get("/standards/").content.decode()
    strength = sum(1 for o in org.officers.values() if o.rank != "staff") + 1  # + the restricted officer
    assert f"1 of {strength}" in page
    assert "Violence against women and girls" in page


def test_the_page_lists_restricted_officers_still_holding_covered_crimes(login, org, restricted):
    crime = inv.crime(org.teams["om"], "8Q", ref="CR-HELD", reported=dt.date(2023, 12, 1))
    inv.allocate(crime, restricted, dt.date(2023, 12, 2))
    page = login(org.user("professional_standards")).get("/standards/?as_of=2024-08-15").content.decode()
    assert re.search(r"DC Test O-RES \(O-RES\): (<a href=\"/crimes/CR-HELD/\">)?CR-HELD", page)  # named


def test_the_case_form_reports_problems_next_to_the_field(login, org):
    client = login(org.user("professional_standards"))
    resp = client.post("/standards/cases/new/", {"officer": "O-NOBODY", "category": "vawg", "opened": "2024-08-01"})
    assert resp.status_code == 400 and 'id="id_officer_error"' in resp.content.decode()
    resp = client.post("/standards/cases/new/", {"officer": org.officers["investigator"].ref, "category": "vawg",
                                                 "opened": "2024-08-01", "summary": "Reported by a colleague"})
    assert resp.status_code == 302
    case = OfficerCase.objects.get()
    assert case.recorded_by == org.user("professional_standards")
    assert clock.today() == TODAY
