"""Batch allocation: the min-cost flow never breaks eligibility or capacity, places as many crimes as capacity
allows, urgent first, reports why it could not place the rest; the preview is what gets applied, each proposal is
checked again, and what is left is escalated to an inspector."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from tests.investigations import factories as inv
from vigil.core import clock
from vigil.core.models import AccessLogEntry
from vigil.core.policy import defaults
from vigil.investigations import services
from vigil.investigations.batch import optimise
from vigil.investigations.models import Allocation, BatchRun
from vigil.investigations.rules import CrimeFacts, CrimeRules, CrimeTable, OfficerFacts, check_one
from vigil.sweep.models import Alert

POL = defaults()
AS_OF = dt.date(2024, 8, 15)
FOREVER = dt.date(2099, 1, 1)
CODES = ["46", "49", "8N", "86", "19C", "34B", "1/4.1/4.10/4.2", "11A", "88E", "58C"]


def _replay(plan, officers):
    """Check every proposal in order, with the workload as it grows: the number that break a rule."""
    live = {o.ref: o for o in officers}
    rules = CrimeRules(POL)
    bad = 0
    for p in plan.proposals:
        o = live[p.officer.ref]
        ok, _, e = check_one(o, p.crime, AS_OF, POL, rules)
        bad += not ok
        live[o.ref] = replace(o, units=o.units + int(e.crimes.units[0]), open_crimes=o.open_crimes + 1)
    return bad


officer_st = st.builds(
    lambda i, pip, student, spec, units, n, team: OfficerFacts(
        ref=f"O{i}", name=f"O{i}", pip_level=pip, student_officer=student, joined=dt.date(2015, 1, 1),
        specialisms={spec: FOREVER} if spec else {}, team_id=team, borough_id=team % 2, units=units,
        open_crimes=n, pk=i),
    st.integers(), st.integers(1, 3), st.booleans(),
    st.sampled_from([None, "online_csa", "sexual_offences", "child_abuse", "domestic_abuse"]),
    st.integers(0, 24), st.integers(0, 25), st.integers(1, 4))
crime_st = st.builds(lambda j, code, flags, team: CrimeFacts(ref=f"C{j}", offence_code=code, flags=frozenset(flags),
                                                             team_id=team, borough_id=team % 2, pk=j),
                     st.integers(), st.sampled_from(CODES),
                     st.sets(st.sampled_from(["child_victim", "domestic_abuse", "weapon", "hate"]), max_size=2),
                     st.integers(1, 4))


@given(officers=st.lists(officer_st, min_size=1, max_size=12), crimes=st.lists(crime_st, min_size=1, max_size=25),
       k=st.sampled_from([1, 3, 40]))
@settings(max_examples=150, deadline=None)
def test_the_flow_never_breaks_eligibility_or_capacity_and_accounts_for_every_crime(officers, crimes, k):
    officers = [replace(o, ref=f"O{n}", pk=n) for n, o in enumerate(officers)]
    crimes = [replace(c, ref=f"C{n}", pk=n) for n, c in enumerate(crimes)]
    plan = optimise(officers, crimes, as_of=AS_OF, policy=POL, candidates=k)
    assert _replay(plan, officers) == 0
    placed = [p.crime.ref for p in plan.proposals]
    assert len(placed) == len(set(placed))
    assert sorted(placed + [u.crime.ref for u in plan.unplaced]) == sorted(c.ref for c in crimes)
    assert all(u.reasons for u in plan.unplaced)


def _officer(ref, pip=1, units=0, n=0, team=1, borough=1, **kw):
    return OfficerFacts(ref=ref, name=ref, pip_level=pip, student_officer=False, joined=dt.date(2015, 1, 1),
                        specialisms=kw.pop("specs", {}), team_id=team, borough_id=borough, units=units, open_crimes=n,
                        pk=hash(ref) % 10_000, **kw)


def _crime(ref, code="46", flags=(), team=1, borough=1):
    return CrimeFacts(ref=ref, offence_code=code, flags=frozenset(flags), team_id=team, borough_id=borough,
                      borough_name="Central West", pk=hash(ref) % 10_000)


def test_the_flow_spreads_work_and_keeps_it_local():
    officers = [_officer("A", units=10, n=10), _officer("B"), _officer("FAR", team=9, borough=9)]
    crimes = [_crime(f"C{i}") for i in range(4)]
    plan = optimise(officers, crimes, as_of=AS_OF, policy=POL)
    got = sorted(p.officer.ref for p in plan.proposals)
    assert got.count("B") >= 3 and "FAR" not in got  # the idle local officer first, nobody from far away


def test_it_places_as_many_as_capacity_allows_urgent_first():
    officers = [_officer("A", units=19, n=19)]  # room for one volume crime
    crimes = [_crime("LOW"), _crime("URGENT")]
    plan = optimise(officers, crimes, as_of=AS_OF, policy=POL, urgency={"URGENT": "urgent", "LOW": "screened_out"})
    assert [p.crime.ref for p in plan.proposals] == ["URGENT"]
    assert plan.unplaced[0].crime.ref == "LOW"
    assert plan.unplaced[0].reasons[0].startswith("the capacity of the 1 eligible officer(s) with room went to")


def test_the_reasons_for_a_crime_nobody_can_take():
    plan = optimise([_officer("A", pip=1)], [_crime("IIOC", "86")], as_of=AS_OF, policy=POL)
    assert plan.unplaced[0].reasons == (
        "no officer in the force meets the requirement (PIP2 + online_csa) and is free of restrictions for it",)
    full = optimise([_officer("A", pip=2, units=24, n=12, specs={"online_csa": FOREVER})], [_crime("IIOC", "86")],
                    as_of=AS_OF, policy=POL)
    assert full.unplaced[0].reasons[0].startswith("no eligible officer with capacity in borough Central West")


def test_pruned_candidates_cost_no_more_than_a_few_percent_over_the_full_network():
    import random

    rng = random.Random(3)
    officers = [_officer(f"O{i}", pip=rng.choice([1, 2, 3]), units=rng.randint(0, 15), n=rng.randint(0, 12),
                         team=rng.randint(1, 4), borough=rng.randint(1, 2),
                         specs={rng.choice(["online_csa", "sexual_offences"]): FOREVER}) for i in range(60)]
    crimes = [_crime(f"C{j}", rng.choice(CODES), team=rng.randint(1, 4), borough=rng.randint(1, 2))
              for j in range(80)]
    full = optimise(officers, crimes, as_of=AS_OF, policy=POL, candidates=10_000)
    pruned = optimise(officers, crimes, as_of=AS_OF, policy=POL, candidates=5)
    assert len(pruned.proposals) == len(full.proposals)
    assert pruned.total_cost <= full.total_cost * 1.05


# --- preview and apply -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_preview_then_apply_allocates_and_escalates_what_is_left(org, cid, as_of):
    team = cid["teams"]["cid"]
    for i in range(3):
        inv.crime(team, "46", reported=as_of, ref=f"CR-Q{i}")
    inv.crime(team, "1/4.1/4.10/4.2", reported=as_of, ref="CR-HOM")  # PIP3: only O-P3, far away, has room
    inv.load(cid["pip3"], 6, cid["teams"]["far"], offence_code="1/4.1/4.10/4.2")  # 24 units: full
    di = factories.officer(team, roles=["senior_officer"], rank="DI", ref="O-DI")
    alloc = org.user("allocation_manager")
    run = services.plan_batch(actor=alloc, as_of=as_of, team_id=team.pk, scope_label="Central West CID")
    assert run.summary["allocated"] == 3 and [u["crime"] for u in run.unallocated] == ["CR-HOM"]
    assert not Allocation.objects.filter(crime__ref__startswith="CR-Q").exists()  # a preview changes nothing
    run = services.apply_batch(actor=alloc, run_id=run.pk)
    assert run.outcome["allocated"] == 3 and run.outcome["escalated"] == 1
    assert Allocation.objects.filter(crime__ref__startswith="CR-Q", method="batch", batch=run).count() == 3
    alert = Alert.objects.get(code="CRIME_UNALLOCATED", entity_id="CR-HOM", status="open")
    assert alert.owner == di.ref
    assert any("batch allocation could not place it" in r for r in alert.reasons)
    assert AccessLogEntry.objects.filter(record_type="crime", record_id="CR-Q0", operation="alteration").exists()
    with pytest.raises(Exception, match="already applied"):
        services.apply_batch(actor=alloc, run_id=run.pk)


@pytest.mark.django_db
def test_apply_checks_each_proposal_again(org, cid, as_of):
    team = cid["teams"]["cid"]
    c = inv.crime(team, "46", reported=as_of, ref="CR-ONE")
    alloc = org.user("allocation_manager")
    run = services.plan_batch(actor=alloc, as_of=as_of, team_id=team.pk, scope_label="team")
    officer = run.proposals[0]["officer"]
    services.allocate(actor=alloc, crime=c, officer_ref=officer, on=as_of)  # someone allocated it meanwhile
    run = services.apply_batch(actor=alloc, run_id=run.pk)
    assert run.outcome["allocated"] == 0
    assert run.outcome["skipped"] == [{"crime": "CR-ONE", "reason": "allocated or closed since the preview"}]
    assert Allocation.objects.filter(crime=c).count() == 1


@pytest.mark.django_db
def test_an_empty_queue_is_said_plainly(org, cid, as_of):
    with pytest.raises(Exception, match="there are no unallocated crimes in the team"):
        services.plan_batch(actor=org.user("allocation_manager"), as_of=as_of, team_id=cid["teams"]["cid"].pk,
                            scope_label="the team")


def test_the_batch_weights_match_the_rules():
    table = CrimeTable([_crime("H", "1/4.1/4.10/4.2"), _crime("S", "19C"), _crime("V", "46")], CrimeRules(POL))
    assert table.units.tolist() == [4, 2, 1]


@pytest.mark.django_db(transaction=True)
def test_the_plan_runs_in_the_background_once_however_often_the_form_is_sent(org, cid, as_of, client):
    """The batch form queues a job (core/jobs.py); a double click queues nothing more; the worker plans it, and its
    page goes on to the preview."""
    from django.core.management import call_command

    from tests.factories import verified_login
    from vigil.core.models import Job

    team = cid["teams"]["cid"]
    for i in range(2):
        inv.crime(team, "46", reported=as_of, ref=f"CR-J{i}")
    alloc = org.user("allocation_manager")
    verified_login(client, alloc)
    form = {"scope": f"team:{alloc.officer.team_id}", "submission_key": "one-click"}
    first = client.post(f"/crimes/batch/?as_of={as_of}", form)
    again = client.post(f"/crimes/batch/?as_of={as_of}", form)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert first["Location"].startswith("/jobs/") and Job.objects.count() == 1
    assert not BatchRun.objects.exists()  # nothing planned until the worker runs it
    call_command("worker", "--batch")
    preview = client.get(first["Location"])
    run = BatchRun.objects.get()
    assert preview.status_code == 302 and preview["Location"] == f"/crimes/batch/{run.pk}/"
    assert run.created_by == alloc and run.summary["crimes"] == 2


def test_the_preview_pages_and_finds_a_crime_or_an_officer(org, cid, as_of, client):
    """A force's batch proposes thousands of allocations: the preview shows a page of them, and finds one."""
    from tests.factories import verified_login
    from vigil.investigations import views

    alloc = org.user("allocation_manager")
    run = BatchRun.objects.create(
        created_by=alloc, created_at=clock.now(), as_of=as_of, scope="force", scope_label="the force",
        proposals=[{"crime": f"CR-P{i:03d}", "officer": "O-VOL", "officer_name": "PC Val Volume" if i % 2 else
                    "DC Ola Online", "cost": 1.0, "impact": "", "reasons": ["eligible"]} for i in range(250)],
        unallocated=[], summary={"crimes": 250, "allocated": 250, "unallocated": 0, "total_cost": 250, "seconds": 0})
    verified_login(client, alloc)
    first = client.get(f"/crimes/batch/{run.pk}/").content.decode()
    assert first.count("<tr><td><a href=\"/crimes/CR-P") == views.PREVIEW_PAGE
    assert "page 1 of 3" in first and "CR-P249" not in first
    last = client.get(f"/crimes/batch/{run.pk}/?page=3").content.decode()
    assert "CR-P249" in last and "CR-P000" not in last
    found = client.get(f"/crimes/batch/{run.pk}/", {"q": "cr-p007"}).content.decode()
    assert "CR-P007" in found and "1 matching" in found and "CR-P008" not in found
    by_officer = client.get(f"/crimes/batch/{run.pk}/", {"q": "Val"}).content.decode()
    assert "125 matching" in by_officer
