"""The §2 alerts from the sweep: each code at its boundary, its owner, its reasons, and idempotence."""
from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.investigations import factories as inv
from tests.standards.factories import open_case
from vigil.core.policy import current
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert
from vigil.sweep.registry import SweepContext

pytestmark = pytest.mark.django_db


def findings(as_of, code=None):
    from vigil.investigations.sweep import investigation_alerts

    out = list(investigation_alerts(SweepContext(as_of=as_of, policy=current())))
    return [f for f in out if code is None or f.code == code]


@pytest.fixture
def chain(cid):
    team = cid["teams"]["cid"]
    return {"ds": factories.officer(team, roles=["supervisor"], rank="DS", ref="O-DS"),
            "di": factories.officer(team, roles=["senior_officer"], rank="DI", ref="O-DI")}


def test_a_student_holding_indecent_images_is_below_the_required_level(org, cid, chain, as_of):
    c = inv.crime(cid["teams"]["cid"], "86", flags=["child_victim"], reported=dt.date(2024, 8, 1), ref="CR-I")
    inv.allocate(c, cid["student"], dt.date(2024, 8, 2))
    [f] = findings(as_of, "CRIME_BELOW_REQUIRED_LEVEL")
    assert (f.entity_type, f.entity_id, f.severity, f.since, f.owner) == ("crime", "CR-I", "critical",
                                                                         dt.date(2024, 8, 2), "O-DS")
    assert f.reasons[0] == "allocated to PC Stu Dent (O-STU) since 2024-08-02; the crime requires PIP2 + online_csa"
    assert "student officer: not eligible for a crime flagged child_victim" in f.reasons
    assert f.reasons[-1] == "no supervisor override is recorded"


def test_an_override_satisfies_the_level_rule(org, cid, chain, as_of):
    c = inv.crime(cid["teams"]["cid"], "86", reported=dt.date(2024, 8, 1))
    inv.allocate(c, cid["pip2"], dt.date(2024, 8, 2), override_by=chain["ds"], override_on=dt.date(2024, 8, 2),
                 override_rationale="Specialist course booked; DS supervising")
    assert findings(as_of, "CRIME_BELOW_REQUIRED_LEVEL") == []


def test_a_specialism_expiring_brings_the_alert_the_day_after(org, cid, chain):
    c = inv.crime(cid["teams"]["cid"], "86", reported=dt.date(2024, 8, 1))
    inv.allocate(c, cid["expired"], dt.date(2024, 8, 2))  # online_csa until 2024-08-14
    assert findings(dt.date(2024, 8, 13), "CRIME_BELOW_REQUIRED_LEVEL") == []
    assert findings(dt.date(2024, 8, 14), "CRIME_BELOW_REQUIRED_LEVEL") == []
    [f] = findings(dt.date(2024, 8, 15), "CRIME_BELOW_REQUIRED_LEVEL")
    assert "online_csa specialism expired on 2024-08-14" in f.reasons


def test_a_restriction_opened_after_allocation_raises_restricted_officer_allocated(org, cid, chain):
    c = inv.crime(cid["teams"]["cid"], "19C", reported=dt.date(2024, 7, 1), ref="CR-R")
    officer = factories.officer(cid["teams"]["cid"], roles=["investigator"], pip=2, specialisms=["sexual_offences"],
                                ref="O-LATER")
    inv.allocate(c, officer, dt.date(2024, 7, 2), override_by=chain["ds"], override_on=dt.date(2024, 7, 2),
                 override_rationale="an override never excuses a restriction")
    open_case(officer, "domestic_abuse", dt.date(2024, 8, 10))
    assert findings(dt.date(2024, 8, 9), "RESTRICTED_OFFICER_ALLOCATED") == []
    [f] = findings(dt.date(2024, 8, 10), "RESTRICTED_OFFICER_ALLOCATED")
    assert (f.severity, f.owner, f.since, f.entity_id) == ("critical", "O-DI", dt.date(2024, 8, 10), "CR-R")
    assert "an active professional-standards restriction: not eligible for sexual offences crimes" in f.reasons[0]
    assert "domestic" not in " ".join(f.reasons)  # the allegation stays with professional standards


@pytest.mark.parametrize(("units", "n", "alert"), [(20, 20, False), (21, 21, True)])
def test_overloaded_above_the_pip1_cap(org, cid, chain, as_of, units, n, alert):
    inv.load(cid["pip1"], n, start=dt.date(2024, 7, 1))
    got = findings(as_of, "OFFICER_OVERLOADED")
    assert bool(got) is alert
    if alert:
        assert got[0].entity_id == "O-P1" and got[0].owner == "O-DS" and got[0].severity == "medium"
        assert got[0].reasons == ("21 workload units against a capacity of 20 for a PIP1 officer",)
        assert got[0].since == dt.date(2024, 7, 1)


def test_always_overloaded_above_25_open_crimes(org, cid, chain, as_of):
    pip3 = factories.officer(cid["teams"]["cid"], roles=["investigator"], pip=3, ref="O-BIG")
    inv.load(pip3, 26, start=dt.date(2024, 7, 1))  # 26 units against 24: both limits
    [f] = findings(as_of, "OFFICER_OVERLOADED")
    assert f.severity == "high" and "26 open crimes, above the maximum of 25" in f.reasons


def test_unallocated_after_the_waiting_days(org, cid, chain):
    inv.crime(cid["teams"]["cid"], "46", reported=dt.date(2024, 8, 13), ref="CR-WAIT")
    assert findings(dt.date(2024, 8, 14), "CRIME_UNALLOCATED") == []
    [f] = findings(dt.date(2024, 8, 15), "CRIME_UNALLOCATED")
    assert (f.owner, f.since, f.severity) == ("O-DI", dt.date(2024, 8, 15), "medium")
    assert f.reasons == ("reported on 2024-08-13; no investigator allocated after 2 days",)


def test_the_sweep_is_idempotent_and_closes_what_is_resolved(org, cid, chain, as_of):
    c = inv.crime(cid["teams"]["cid"], "86", reported=dt.date(2024, 8, 1), ref="CR-I")
    a = inv.allocate(c, cid["student"], dt.date(2024, 8, 2))
    run_sweep(as_of)
    run_sweep(as_of)
    assert Alert.objects.filter(code="CRIME_BELOW_REQUIRED_LEVEL", status="open").count() == 1
    a.end = as_of
    a.save()
    inv.allocate(c, cid["online"], as_of)
    run_sweep(as_of)
    assert not Alert.objects.filter(code="CRIME_BELOW_REQUIRED_LEVEL", status="open").exists()


def test_the_sweep_reads_a_force_in_a_handful_of_queries(org, cid, chain, as_of, django_assert_max_num_queries):
    team = cid["teams"]["cid"]
    for i in range(30):
        inv.allocate(inv.crime(team, "86" if i % 3 else "46", reported=dt.date(2024, 8, 1)),
                     [cid["student"], cid["pip1"], cid["online"]][i % 3], dt.date(2024, 8, 2))
        inv.crime(team, "46", reported=dt.date(2024, 8, 1))
    with django_assert_max_num_queries(10):
        got = findings(as_of)
    assert {f.code for f in got} == {"CRIME_BELOW_REQUIRED_LEVEL", "CRIME_UNALLOCATED"}
