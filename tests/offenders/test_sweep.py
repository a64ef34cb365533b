"""The sweep's offender rules against the database: the seed's case, idempotency, past dates, closing,
escalating up, pauses, suspects, the announced share, and a query count that does not grow with subjects."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.offenders.factories import assess, paused, subject, visit
from tests.offenders.factories import seed_case as factories_seed_case
from vigil.core.models import AccessLogEntry
from vigil.offenders.models import Escalation, EscalationDecision, NotificationRecord
from vigil.sweep.engine import finding_json, run_sweep

D = dt.date
AS_OF = D(2024, 8, 15)


def sweep(as_of=AS_OF):
    findings, _ = run_sweep(as_of)
    return {(f.code, f.entity_id): f for f in findings}


@pytest.fixture
def seed_case(org):
    return factories_seed_case(org, notified=True)


@pytest.mark.django_db
def test_the_seed_case_the_first_sweep_raises_it_and_names_a_senior_owner(org, seed_case):
    assert not Escalation.objects.exists()
    found = sweep()
    overdue = found[("VISIT_OVERDUE", "S1")]
    assert overdue.severity == "critical"
    assert overdue.owner == org.officers["supervisor"].ref
    s96b = found[("S96B_WARRANT_CONSIDERATION", "S1")]
    assert finding_json(s96b, AS_OF) == {
        "code": "S96B_WARRANT_CONSIDERATION", "severity": "critical", "entity": {"type": "subject", "id": "S1"},
        "as_of": "2024-08-15", "since": "2019-11-04", "owner": org.officers["senior_officer"].ref,
        "reasons": ["2 failed home attempts since the last successful visit on 2017-03-02 "
                    "(no_reply 2019-10-28, refused_entry 2019-11-04)"]}
    s96b_esc = Escalation.objects.get(subject=seed_case, kind="S96B_WARRANT_CONSIDERATION")
    assert s96b_esc.owner == org.officers["senior_officer"] and s96b_esc.deadline == D(2024, 8, 22)
    visit_esc = Escalation.objects.get(subject=seed_case, kind="VISIT_OVERDUE")
    assert visit_esc.owner == org.officers["supervisor"] and visit_esc.deadline == D(2024, 8, 22)
    assert ("RISK_REVIEW_OVERDUE", "S1") in found
    assert found[("RISK_REVIEW_OVERDUE", "S1")].since == D(2016, 11, 2)
    assert AccessLogEntry.objects.filter(record_type="escalation", record_id="S1:S96B_WARRANT_CONSIDERATION",
                                         detail__startswith="escalation opened").count() == 1


@pytest.mark.django_db
def test_the_sweep_is_idempotent(org, seed_case):
    first = [finding_json(f, AS_OF) for f in run_sweep(AS_OF)[0]]
    findings, counts = run_sweep(AS_OF)
    assert [finding_json(f, AS_OF) for f in findings] == first
    assert counts["opened"] == 0 and counts["closed"] == 0
    assert Escalation.objects.count() == 2


@pytest.mark.django_db
def test_a_past_date_gives_the_same_answer_whenever_it_is_swept(org, seed_case):
    before = [finding_json(f, D(2019, 11, 3)) for f in run_sweep(D(2019, 11, 3))[0]]
    run_sweep(AS_OF)
    visit(seed_case, D(2024, 8, 20), "seen_at_home")   # a later fact
    run_sweep(D(2024, 8, 21))
    again = [finding_json(f, D(2019, 11, 3)) for f in run_sweep(D(2019, 11, 3))[0]]
    assert [(a["code"], a["since"], a["reasons"]) for a in again] == [(b["code"], b["since"], b["reasons"])
                                                                      for b in before]
    assert ("S96B_WARRANT_CONSIDERATION", "S1") not in {(a["code"], a["entity"]["id"]) for a in again}


@pytest.mark.django_db
def test_a_successful_visit_closes_the_escalations_and_the_alerts(org, seed_case):
    sweep()
    visit(seed_case, D(2024, 8, 20), "seen_at_home")
    found = sweep(D(2024, 8, 21))
    assert ("VISIT_OVERDUE", "S1") not in found and ("S96B_WARRANT_CONSIDERATION", "S1") not in found
    closed = Escalation.objects.filter(subject=seed_case)
    assert {e.closed_on for e in closed} == {D(2024, 8, 20)}
    assert all("successful home visit on 2024-08-20" in e.close_reason for e in closed)


@pytest.mark.django_db
def test_a_missed_deadline_escalates_up_a_rank(org, seed_case):
    dci = factories.officer(org.teams["om"], rank="DCI", roles=["senior_officer"], name="DCI Up")
    sweep()
    found = sweep(D(2024, 8, 23))   # deadline 2024-08-22 missed
    e = Escalation.objects.get(subject=seed_case, kind="S96B_WARRANT_CONSIDERATION")
    assert e.level == 1 and e.owner == dci
    late = found[("ESCALATION_DECISION_OVERDUE", "S1")]
    assert late.severity == "critical" and late.since == D(2024, 8, 23)
    assert found[("S96B_WARRANT_CONSIDERATION", "S1")].owner == dci.ref
    assert e.events.filter(what="escalated").count() == 1
    sweep(D(2024, 8, 23))
    e.refresh_from_db()
    assert e.level == 1 and e.events.filter(what="escalated").count() == 1   # idempotent


@pytest.mark.django_db
def test_a_decision_in_time_prevents_the_overdue_and_sets_the_next_review(org, seed_case):
    sweep()
    e = Escalation.objects.get(subject=seed_case, kind="S96B_WARRANT_CONSIDERATION")
    EscalationDecision.objects.create(escalation=e, decided_by=org.officers["senior_officer"],
                                      decided_on=D(2024, 8, 20), options=["further_attempts_varied_times"],
                                      rationale="two evening attempts this week", next_review=D(2024, 9, 3),
                                      recorded_at=dt.datetime(2024, 8, 20, tzinfo=dt.UTC))
    visit_esc = Escalation.objects.get(subject=seed_case, kind="VISIT_OVERDUE")
    EscalationDecision.objects.create(escalation=visit_esc, decided_by=org.officers["supervisor"],
                                      decided_on=D(2024, 8, 20), options=["further_attempts_varied_times"],
                                      rationale="planned", next_review=D(2024, 9, 3),
                                      recorded_at=dt.datetime(2024, 8, 20, tzinfo=dt.UTC))
    found = sweep(D(2024, 8, 25))
    assert ("ESCALATION_DECISION_OVERDUE", "S1") not in found
    e.refresh_from_db()
    assert e.deadline == D(2024, 9, 3) and e.level == 0
    assert ("ESCALATION_DECISION_OVERDUE", "S1") in sweep(D(2024, 9, 4))


@pytest.mark.django_db
def test_two_failed_visits_bring_the_risk_review_forward(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S8", manager=om, managed_from=D(2020, 1, 1))
    assess(s, "low", D(2024, 6, 1), assessor=om)
    visit(s, D(2024, 6, 2))
    visit(s, D(2024, 7, 1), "no_reply")
    visit(s, D(2024, 7, 10), "refused_entry")
    assert ("RISK_REVIEW_OVERDUE", "S8") not in sweep(D(2024, 7, 24))
    r = sweep(D(2024, 7, 25))[("RISK_REVIEW_OVERDUE", "S8")]
    assert "two failed visits on 2024-07-10 brought the review forward to 2024-07-24" in r.reasons[-1]


@pytest.mark.django_db
def test_custody_pauses_visits_and_closes_the_escalation(org, seed_case):
    sweep()
    paused(seed_case, "custody", D(2024, 8, 18), None)
    found = sweep(D(2024, 8, 19))
    assert ("VISIT_OVERDUE", "S1") not in found and ("S96B_WARRANT_CONSIDERATION", "S1") not in found
    assert all(e.closed_on == D(2024, 8, 18) for e in Escalation.objects.filter(subject=seed_case))


@pytest.mark.django_db
def test_paused_days_do_not_count_toward_the_due_date(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S2", manager=om, managed_from=D(2020, 1, 1))
    assess(s, "high", D(2024, 1, 1), assessor=om)
    visit(s, D(2024, 1, 1))
    paused(s, "hospital", D(2024, 2, 1), D(2024, 2, 29))  # 29 days
    assert ("VISIT_OVERDUE", "S2") not in sweep(D(2024, 4, 1) + dt.timedelta(days=29))
    assert ("VISIT_OVERDUE", "S2") in sweep(D(2024, 4, 2) + dt.timedelta(days=29))


@pytest.mark.django_db
def test_reactive_subjects_have_no_routine_visit(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S3", manager=om, managed_from=D(2010, 1, 1), mode="reactive")
    paused(s, "reactive", D(2020, 1, 1), None)
    assess(s, "low", D(2024, 1, 1), assessor=om)
    visit(s, D(2019, 6, 1))
    assert ("VISIT_OVERDUE", "S3") not in sweep()


@pytest.mark.django_db
def test_not_at_address_opens_whereabouts_unknown_with_a_one_day_deadline_for_high_risk(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S4", manager=om, managed_from=D(2020, 1, 1))
    assess(s, "very_high", D(2024, 7, 1), assessor=om)
    visit(s, D(2024, 7, 20))
    visit(s, D(2024, 8, 14), "not_at_address")
    found = sweep()
    wu = found[("WHEREABOUTS_UNKNOWN", "S4")]
    assert wu.severity == "critical" and wu.since == D(2024, 8, 14)
    assert Escalation.objects.get(subject=s, kind="WHEREABOUTS_UNKNOWN").deadline == D(2024, 8, 16)


@pytest.mark.django_db
def test_a_subject_never_visited_for_years_cannot_stay_invisible(org):
    s = subject(org.teams["om"], ref="S5", managed_from=D(2015, 1, 1))   # no manager, no assessment, no visit
    found = sweep()
    assert found[("VISIT_OVERDUE", "S5")].severity == "critical"
    assert Escalation.objects.filter(subject=s, kind="VISIT_OVERDUE", closed_on=None).exists()
    assert found[("RISK_REVIEW_OVERDUE", "S5")].since == D(2015, 1, 30)


@pytest.mark.django_db
def test_suspect_rules(org):
    om = org.officers["offender_manager"]
    subject(org.teams["om"], ref="SX1", kind="suspect", manager=om, managed_from=D(2024, 7, 1),
            children_in_household=True, children_noted_on=D(2024, 7, 1), investigation_opened=D(2023, 6, 1))
    found = sweep()
    assert found[("SUSPECT_RISK_NOT_ASSESSED", "SX1")].since == D(2024, 7, 16)
    assert found[("SAFEGUARDING_NOT_DONE", "SX1")].severity == "critical"
    assert found[("INVESTIGATION_STALE", "SX1")].since == D(2024, 6, 2)
    assert ("VISIT_OVERDUE", "SX1") not in found and ("RISK_REVIEW_OVERDUE", "SX1") not in found


@pytest.mark.django_db
def test_notification_overdue_is_a_breach_that_opens_whereabouts_unknown(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S6", manager=om, managed_from=D(2020, 1, 1), notification_start=D(2020, 1, 1),
                notification_end=D(2024, 10, 1))
    NotificationRecord.objects.create(subject=s, kind="periodic", on=D(2023, 8, 1))
    assess(s, "medium", D(2024, 3, 1), assessor=om)
    visit(s, D(2024, 7, 1))
    found = sweep()
    assert found[("NOTIFICATION_OVERDUE", "S6")].since == D(2024, 8, 2)
    assert found[("NOTIFICATION_ENDING", "S6")].since == D(2024, 8, 2)
    assert "notification breach" in found[("WHEREABOUTS_UNKNOWN", "S6")].reasons[0]


@pytest.mark.django_db
def test_a_team_announcing_too_many_high_risk_visits_is_flagged(org):
    om = org.officers["offender_manager"]
    s = subject(org.teams["om"], ref="S7", manager=om, managed_from=D(2020, 1, 1))
    assess(s, "high", D(2024, 1, 1), assessor=om)
    for i in range(9):
        visit(s, D(2023, 9, 1) + dt.timedelta(days=30 * i))
    visit(s, D(2024, 8, 1), announced=True, announce_reason="interpreter needed")
    assert ("ANNOUNCED_VISITS_HIGH", "T-OM1") not in sweep()        # 1 of 10 = 10%: at the limit
    visit(s, D(2024, 8, 10), announced=True, announce_reason="interpreter needed")
    flagged = sweep()[("ANNOUNCED_VISITS_HIGH", "T-OM1")]          # 2 of 11
    assert flagged.owner == org.officers["senior_officer"].ref
    assert "2 of 11 visits announced (18%)" in flagged.reasons[0]


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_subjects(org):
    om = org.officers["offender_manager"]

    def add(n, start):
        for i in range(n):
            s = subject(org.teams["om"], ref=f"Q{start + i}", manager=om, managed_from=D(2020, 1, 1))
            assess(s, "medium", D(2024, 1, 1), assessor=om)
            visit(s, D(2023, 1, 1))
            visit(s, D(2024, 1, 2), "no_reply")
            visit(s, D(2024, 1, 3), "no_reply")

    add(3, 0)
    run_sweep(AS_OF)
    with CaptureQueriesContext(connection) as few:
        run_sweep(AS_OF)
    add(30, 100)
    run_sweep(AS_OF)
    with CaptureQueriesContext(connection) as many:
        run_sweep(AS_OF)
    assert len(many) <= len(few) + 2, (len(few), len(many))
