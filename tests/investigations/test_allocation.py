"""Recommendation, allocation and override against the database: who is eligible, why, the stated cost and
impact, the override only a supervisor may record, restrictions no override sets aside, and the access log."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from tests import factories
from tests.investigations import factories as inv
from tests.standards.factories import open_case
from vigil.core.errors import AccessDenied, InputError
from vigil.core.models import AccessLogEntry
from vigil.investigations import services
from vigil.investigations.models import Allocation
from vigil.investigations.recommendation import recommend

pytestmark = pytest.mark.django_db


def _images(cid, **kw):
    return inv.crime(cid["teams"]["cid"], "86", flags=["child_victim"], reported=dt.date(2024, 8, 14), ref="CR-IIOC",
                     **kw)


def test_recommendation_ranks_the_eligible_and_explains_the_ineligible(org, cid, as_of):
    rec = recommend(_images(cid), as_of=as_of)
    doc = rec.as_json()
    assert doc["crime"] == "CR-IIOC"
    assert doc["required"] == {"pip_level": 2, "specialisms": ["online_csa"]}
    eligible = [e["officer"] for e in doc["eligible"]]
    assert eligible == ["O-OCSA", "O-P3"]  # the borough's specialist before the over-qualified one far away
    assert doc["eligible"][0]["cost"] < doc["eligible"][1]["cost"]
    assert doc["eligible"][0]["reasons"][0].startswith("workload from 0% to 8% of capacity")
    assert "outside the crime's borough (South East)" in doc["eligible"][1]["reasons"]
    reasons = {i["officer"]: i["reasons"] for i in doc["ineligible"]}
    assert "student officer: not eligible for a crime flagged child_victim" in reasons["O-STU"]
    assert reasons["O-EXP"] == ["online_csa specialism expired on 2024-08-14"]
    assert reasons["O-RES"][0].startswith("an active professional-standards restriction: not eligible for")
    assert "PS-1" not in json.dumps(doc)  # the case is never disclosed to the allocator


def test_workload_and_continuity_change_the_ranking(org, cid, as_of):
    team = cid["teams"]["cid"]
    victim = factories.person("P-V", team=team)
    crime = inv.crime(team, "46", reported=dt.date(2024, 8, 14), victims=[victim])
    inv.load(cid["pip1"], 12, team)  # a busy officer …
    earlier = inv.crime(team, "46", reported=dt.date(2024, 7, 1), victims=[victim])
    inv.allocate(earlier, cid["pip2"], dt.date(2024, 7, 2))  # … and one already investigating the same victim
    rec = recommend(crime, as_of=as_of)
    by = {c.officer.ref: c for c in rec.eligible}
    assert rec.eligible[0].officer.ref == "O-P2"
    assert any(r.startswith("continuity: already investigating") and earlier.ref in r for r in by["O-P2"].reasons)
    assert by["O-P1"].impact.startswith("workload from 60% to 65% of capacity")


def test_the_command_prints_the_contract_json_and_refuses_an_unknown_crime(org, cid, as_of, capsys):
    _images(cid)
    out = io.StringIO()
    call_command("recommend", "CR-IIOC", "--json", "--as-of", "2024-08-15", stdout=out)
    doc = json.loads(out.getvalue())
    assert set(doc) == {"crime", "required", "eligible", "ineligible"}
    assert {"officer", "cost", "reasons"} <= set(doc["eligible"][0])
    assert {"officer", "reasons"} <= set(doc["ineligible"][0])
    assert AccessLogEntry.objects.filter(record_type="crime", record_id="CR-IIOC", actor="system:recommend").exists()
    with pytest.raises(SystemExit) as exc:
        call_command("recommend", "CR-NOPE", "--json")
    assert exc.value.code == 2
    assert "'CR-NOPE' is not a known crime id" in capsys.readouterr().err


def test_an_eligible_officer_is_allocated_and_the_change_is_logged(org, cid, as_of):
    crime = _images(cid)
    alloc = org.user("allocation_manager")
    a = services.allocate(actor=alloc, crime=crime, officer_ref="O-OCSA", on=as_of)
    assert a.officer.ref == "O-OCSA" and not a.overridden and a.ineligible_reasons == []
    entry = AccessLogEntry.objects.filter(record_type="crime", record_id="CR-IIOC", operation="alteration").get()
    assert entry.actor == "allocation_manager" and "allocated to O-OCSA" in entry.detail


def test_a_student_officer_is_refused_without_an_override(org, cid, as_of):
    crime = _images(cid)
    with pytest.raises(services.NeedsOverride, match="student officer: not eligible for a crime flagged child_victim"):
        services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref="O-STU", on=as_of)
    assert not Allocation.objects.filter(crime=crime).exists()


def test_a_supervisor_records_an_override_with_a_rationale(org, cid, as_of):
    crime = _images(cid)
    ds = org.user("allocation_manager")  # a DS
    a = services.allocate(actor=ds, crime=crime, officer_ref="O-STU", on=as_of,
                          rationale="Only officer on duty; DS will review the case within 24 hours")
    assert a.overridden and a.override_by == org.officers["allocation_manager"] and a.override_on == as_of
    assert "student officer: not eligible for a crime flagged child_victim" in a.ineligible_reasons
    assert "supervisor override" in AccessLogEntry.objects.get(record_id="CR-IIOC", operation="alteration").detail


def test_only_a_ds_or_above_may_override_and_with_a_real_rationale(org, cid, as_of):
    crime = _images(cid)
    dc_allocator = factories.officer(cid["teams"]["cid"], roles=["allocation_manager"], rank="DC",
                                     username="dc_alloc")
    with pytest.raises(services.NeedsOverride, match="only a supervisor"):
        services.allocate(actor=dc_allocator.user, crime=crime, officer_ref="O-STU", on=as_of,
                          rationale="I think it will be fine really")
    with pytest.raises(services.NeedsOverride, match="at least 15 characters"):
        services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref="O-STU", on=as_of,
                          rationale="ok")
    assert not Allocation.objects.exists()


def test_a_restriction_can_never_be_overridden_and_the_attempt_is_logged(org, cid, as_of):
    crime = _images(cid)
    with pytest.raises(InputError, match="cannot be overridden"):
        services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref="O-RES", on=as_of,
                          rationale="Supervisor accepts the risk for this one")
    assert not Allocation.objects.exists()
    refused = AccessLogEntry.objects.get(record_id="CR-IIOC", outcome="refused")
    assert refused.operation == "alteration" and "O-RES" in refused.detail


def test_capacity_can_be_overridden_by_a_supervisor(org, cid, as_of):
    inv.load(cid["online"], 12, cid["teams"]["pp"], offence_code="86")  # 24 units: full
    crime = _images(cid)
    with pytest.raises(services.NeedsOverride, match="no capacity: 24 of 24"):
        services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref="O-OCSA", on=as_of)
    a = services.allocate(actor=org.user("allocation_manager"), crime=crime, officer_ref="O-OCSA", on=as_of,
                          rationale="Continuity with the suspect's other case outweighs the load")
    assert a.overridden


def test_reallocation_ends_the_previous_allocation(org, cid, as_of):
    crime = _images(cid)
    alloc = org.user("allocation_manager")
    first = services.allocate(actor=alloc, crime=crime, officer_ref="O-OCSA", on=dt.date(2024, 8, 14))
    services.allocate(actor=alloc, crime=crime, officer_ref="O-P3", on=as_of)
    first.refresh_from_db()
    assert first.end == as_of
    assert list(crime.allocations.filter(end__isnull=True).values_list("officer__ref", flat=True)) == ["O-P3"]
    with pytest.raises(InputError, match="already allocated"):
        services.allocate(actor=alloc, crime=crime, officer_ref="O-P3", on=as_of)


def test_bad_dates_and_officers_are_refused_with_one_line(org, cid, as_of):
    crime = _images(cid)
    alloc = org.user("allocation_manager")
    with pytest.raises(InputError, match="cannot be allocated before then"):
        services.allocate(actor=alloc, crime=crime, officer_ref="O-OCSA", on=dt.date(2024, 8, 1))
    with pytest.raises(InputError, match="no active officer"):
        services.allocate(actor=alloc, crime=crime, officer_ref="O-GHOST", on=as_of)
    with pytest.raises(InputError, match="is not an investigator"):
        services.allocate(actor=alloc, crime=crime, officer_ref=org.officers["auditor"].ref, on=as_of)


def test_a_crime_outside_the_actors_work_cannot_be_allocated(org, cid, as_of):
    crime = _images(cid)
    with pytest.raises(AccessDenied):
        services.allocate(actor=org.user("supervisor"), crime=crime, officer_ref="O-OCSA", on=as_of)
    assert AccessLogEntry.objects.filter(record_id="CR-IIOC", outcome="refused").exists()


def test_closing_ends_the_allocation_and_frees_the_officer(org, cid, as_of):
    crime = _images(cid)
    alloc = org.user("allocation_manager")
    services.allocate(actor=alloc, crime=crime, officer_ref="O-OCSA", on=dt.date(2024, 8, 14))
    services.close_crime(actor=alloc, crime=crime, on=as_of, outcome="no_suspect", reason=WHY)
    crime.refresh_from_db()
    assert crime.closed_on == as_of and crime.status == "closed"
    assert Allocation.objects.get(crime=crime).end == as_of
    other = inv.crime(cid["teams"]["cid"], "86", reported=as_of)
    assert recommend(other, as_of=as_of).eligible[0].officer.units == 0
    with pytest.raises(InputError, match="already closed"):
        services.close_crime(actor=alloc, crime=crime, on=as_of, outcome="no_suspect", reason=WHY)


WHY = "All lines of enquiry completed; no suspect identified."


def test_thrive_and_solvability_are_recorded(org, cid, as_of):
    crime = inv.crime(cid["teams"]["cid"], "46", reported=as_of)
    services.assess(actor=org.user("investigator"), crime=crime, on=as_of, threat="low", harm="low", risk="medium",
                    engagement="engaged", notes="Store has CCTV", solvability=["cctv"])
    crime.refresh_from_db()
    assert (crime.threat, crime.risk, crime.solvability, crime.screened_on) == ("low", "medium", ["cctv"], as_of)
    with pytest.raises(InputError, match="threat"):
        services.assess(actor=org.user("investigator"), crime=crime, on=as_of, threat="huge", harm="low", risk="low")


def test_a_restricted_officer_is_never_recommended_for_a_restricted_crime_but_is_for_others(org, cid, as_of):
    crime = inv.crime(cid["teams"]["pp"], "46", reported=as_of)
    assert "O-RES" in [c.officer.ref for c in recommend(crime, as_of=as_of).eligible]
    open_case(cid["pip2"], "sexual_misconduct", dt.date(2024, 8, 16))  # opens tomorrow: not yet restricted
    assert "O-P2" in [c.officer.ref for c in recommend(_images(cid), as_of=as_of).ineligible]
