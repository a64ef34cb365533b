"""Owned work: an officer's alerts, escalations and tasks in one queue, most urgent first; tasks handed over once,
claimed, reassigned with a reason and closed with an outcome, each step in the history and the access log."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from tests.offenders.factories import seed_case
from vigil.core.errors import AccessDenied, InputError
from vigil.core.models import AccessLogEntry
from vigil.offenders.models import Escalation
from vigil.sweep.engine import run_sweep
from vigil.work import services
from vigil.work.models import Task
from vigil.work.queue import work_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)
DUE = dt.datetime(2024, 8, 16, 17, 0, tzinfo=dt.UTC)


def _task(org, **kw):
    kw.setdefault("owner", org.officers["senior_officer"])
    return services.hand_over(source="test:1", kind="follow_up", title="Follow up the failed visits",
                              record_type="subject", record_ref="S1", reasons=["two failed visits"], due=DUE,
                              handed_over="DI decided: apply; the subject has not been seen since 2017",
                              by=org.officers["supervisor"], **kw)


def test_the_queue_holds_alerts_escalations_and_tasks_most_urgent_first(org, capsys):
    seed_case(org)
    run_sweep(TODAY)
    esc = Escalation.objects.filter(closed_on__isnull=True, owner__isnull=False).first()
    owner = esc.owner
    _task(org, owner=owner)
    items = work_for(owner)
    kinds = {i.kind for i in items}
    assert {"escalation", "task"} <= kinds
    assert [i.sort_key()[0] for i in items] == sorted(i.sort_key()[0] for i in items)  # critical first
    task = next(i for i in items if i.kind == "task")
    assert "handed over: DI decided: apply; the subject has not been seen since 2017" in task.reasons
    call_command("work", owner.ref, "--json")
    listed = json.loads(capsys.readouterr().out)
    assert [(x["kind"], x["record"], x["title"]) for x in listed] == [(i.kind, i.record, i.title) for i in items]
    assert all(set(x) >= {"kind", "record", "title", "due", "reasons"} for x in listed)
    assert AccessLogEntry.objects.filter(record_type="officer", record_id=owner.ref, operation="consultation").exists()


def test_an_unknown_officer_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("work", "O-NOBODY")
    assert exc.value.code == 2 and "'O-NOBODY' is not an officer" in capsys.readouterr().err


def test_a_task_is_handed_over_once_claimed_reassigned_and_closed_with_its_history(org):
    first = _task(org, owner=None, team=org.teams["om"])
    assert _task(org, owner=None, team=org.teams["om"]).pk == first.pk and Task.objects.count() == 1
    om, ds, outsider = org.officers["offender_manager"], org.officers["supervisor"], org.officers["investigator"]
    assert any(i.kind == "task" and i.owner is None for i in work_for(om))  # in the team's queue
    with pytest.raises(AccessDenied):
        services.claim(actor=outsider.user, officer=outsider, task=first)
    services.claim(actor=om.user, officer=om, task=first)
    with pytest.raises(InputError, match="already holds"):
        services.claim(actor=ds.user, officer=ds, task=first)
    with pytest.raises(InputError, match="say why"):
        services.reassign(actor=ds.user, officer=ds, task=first, to=ds, reason="")
    services.reassign(actor=ds.user, officer=ds, task=first, to=ds, reason="DC on leave this week")
    services.close(actor=ds.user, officer=ds, task=first, outcome="warrant applied for at the magistrates")
    with pytest.raises(InputError, match="already done"):
        services.close(actor=ds.user, officer=ds, task=first, outcome="again")
    t = Task.objects.get()
    assert [e.what for e in t.events.all()] == ["created", "claimed", "reassigned", "done"]
    assert "DC on leave this week" in t.events.get(what="reassigned").detail
    assert not work_for(ds)
    assert AccessLogEntry.objects.filter(record_type="subject", record_id="S1", detail__contains="task").count() == 4


def test_a_s96b_decision_hands_the_application_to_the_named_superintendent_with_the_rationale(org, monkeypatch):
    from tests import factories
    from vigil.offenders import services as offenders

    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())
    seed_case(org)
    run_sweep(TODAY)
    e = Escalation.objects.get(kind="S96B_WARRANT_CONSIDERATION")
    supt = factories.officer(org.teams["om"], rank="Supt", roles=["senior_officer"], name="Supt Ada Gray",
                             username="supt")
    rationale = "two failed attempts and a new partner with children: a warrant is needed now"
    d = offenders.decide_escalation(actor=e.owner.user, escalation=e, decided_on=TODAY,
                                    options=["s96b_warrant_application", "safeguarding_referral"],
                                    rationale=rationale, next_review=TODAY + dt.timedelta(days=7), applicant=supt)
    application = Task.objects.get(kind="s96b_application")
    assert application.owner == supt and application.source == f"escalation-decision:{d.pk}:s96b"
    assert application.handed_over == rationale and application.severity == "critical"
    assert application.due == d.recorded_at + dt.timedelta(hours=48)
    assert any("decided on 15 Aug 2024: Apply for a s.96B warrant" in r for r in application.reasons)
    item = next(i for i in work_for(supt) if i.kind == "task")
    assert f"handed over: {rationale}" in item.reasons and item.record == "subject S1"
    referral = Task.objects.get(kind="safeguarding_referral")
    assert referral.owner == Escalation.objects.get(pk=e.pk).subject.manager
    assert referral.due == d.recorded_at + dt.timedelta(hours=24)
    assert [ev.what for ev in application.events.all()] == ["created"]


def test_an_assessment_waits_in_the_supervisors_queue_until_approved(org, monkeypatch):
    from vigil.offenders import services as offenders

    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())
    s = seed_case(org)
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    a = offenders.record_assessment(actor=om.user, subject=s, date=TODAY, risk_level="very_high",
                                    rationale="new intelligence of contact with children through a partner")
    waiting = [i for i in work_for(ds) if i.kind == "approval"]
    assert [(i.title, i.record, i.severity) for i in waiting] == [("Approve the risk assessment", "subject S1", "high")]
    assert waiting[0].link == f"/offenders/assessments/{a.pk}/approve/"
    assert not [i for i in work_for(om) if i.kind == "approval"]  # the assessor does not approve their own
    offenders.approve_assessment(actor=ds.user, assessment=a, on=TODAY)
    assert not [i for i in work_for(ds) if i.kind == "approval"]


def test_the_count_beside_work_queue_is_one_query_and_agrees_with_the_queue(org, monkeypatch,
                                                                            django_assert_num_queries):
    from vigil.offenders import services as offenders
    from vigil.work.registry import open_count

    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())
    s = seed_case(org)
    run_sweep(TODAY)
    _task(org, owner=None, team=org.teams["om"])
    offenders.record_assessment(actor=org.user("offender_manager"), subject=s, date=TODAY, risk_level="high",
                                rationale="a new partner with two children under ten")
    for key in ("offender_manager", "supervisor", "senior_officer", "investigator"):
        o = org.officers[key]
        o.role_names  # noqa: B018 - the roles are read once per request, before the count
        with django_assert_num_queries(1):
            n = open_count(o)
        assert n == len(work_for(o)), key
    assert open_count(org.officers["supervisor"]) >= 2  # the team's task and the assessment to approve


def test_an_escalation_carries_the_severity_the_judgement_gave_its_alert(org):
    seed_case(org)
    run_sweep(TODAY)
    e = Escalation.objects.get(kind="VISIT_OVERDUE")
    from vigil.sweep.models import Alert

    alert = Alert.objects.get(code="VISIT_OVERDUE", entity_id="S1", status="open")
    [item] = [i for i in work_for(e.owner) if i.kind == "escalation" and i.detail["escalation"] == e.pk]
    assert item.severity == alert.severity == "critical"  # not the catalogue's default


def test_an_alert_no_rule_could_give_one_officer_waits_in_its_teams_queue(org):
    """An exploitation location belongs to no one officer: it waits in its team's queue, is counted beside "Work
    queue" for every member, and is told about as a team item; an alert of another team is not shown."""
    from vigil.sweep.models import Alert
    from vigil.work.registry import all_open, open_count

    day = dt.date(2024, 8, 15)
    common = {"severity": "high", "entity_type": "address", "since": day, "opened_as_of": day,
              "last_seen_as_of": day, "reasons": ["3 different children were found at XW3 1AB within 12 months"]}
    mine = Alert.objects.create(code="EXPLOITATION_LOCATION", entity_id="XW31AB|41|", team=org.teams["mp"], **common)
    Alert.objects.create(code="EXPLOITATION_LOCATION", entity_id="XW99ZZ|1|", team=org.teams["om"], **common)
    coordinator = org.officers["missing_persons_coordinator"]
    [item] = [i for i in work_for(coordinator) if i.kind == "alert"]
    assert item.record == "address XW31AB|41|" and item.owner is None
    assert open_count(coordinator) == len(work_for(coordinator))
    told = {i.key: i for i in all_open()}
    assert told[f"alert:{mine.pk}"].team == org.teams["mp"].ref and told[f"alert:{mine.pk}"].officer is None
