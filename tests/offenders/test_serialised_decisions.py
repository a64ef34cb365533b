"""Decisions and approvals are served one at a time: the second person is told who decided and when, nothing is
written for them, and (for an escalation) they read the decision and decide again."""
from __future__ import annotations

import datetime as dt
import html
import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tests import factories
from tests.factories import verified_login
from tests.offenders.factories import seed_case
from vigil.core import clock
from vigil.core.errors import InputError
from vigil.offenders import services
from vigil.offenders.models import Assessment, Escalation, EscalationDecision
from vigil.sweep.engine import run_sweep

TODAY = dt.date(2024, 8, 15)
DECISION = {"options": ["further_attempts_varied_times"], "rationale": "two failed attempts: try in the evening",
            "decided_on": "2024-08-15", "next_review": "2024-08-29"}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


def _client(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


def _seen(page: str) -> str:
    return re.search(r'name="seen" value="([^"]*)"', page).group(1)


def _escalation(org):
    seed_case(org)
    run_sweep(TODAY)
    dci = factories.officer(org.teams["om"], rank="DCI", roles=["senior_officer"], name="DCI Jane Smith",
                            username="dci")
    return Escalation.objects.get(kind="S96B_WARRANT_CONSIDERATION"), dci


@pytest.mark.django_db
def test_a_second_escalation_decision_is_told_who_decided_and_when_and_decides_again(org):
    e, dci = _escalation(org)
    url = f"/offenders/escalations/{e.pk}/"
    di, boss = _client(org.user("senior_officer")), _client(dci.user)
    seen_by_di, seen_by_boss = _seen(di.get(url).content.decode()), _seen(boss.get(url).content.decode())
    assert seen_by_di == seen_by_boss == "none"
    assert boss.post(url, {**DECISION, "seen": seen_by_boss}).status_code == 302
    r = di.post(url, {**DECISION, "rationale": "my own reading: a warrant is not yet needed", "seen": seen_by_di})
    page = html.unescape(r.content.decode())
    at = clock.said(EscalationDecision.objects.get().recorded_at)
    assert r.status_code == 409 and EscalationDecision.objects.count() == 1
    assert (f"DCI Jane Smith recorded a decision on this escalation a moment ago (at {at}): read it and decide "
            "again") in page
    assert "my own reading: a warrant is not yet needed" in page  # what they wrote is kept
    assert _seen(page) == str(EscalationDecision.objects.get().pk)  # and they now have seen the new decision
    again = di.post(url, {**DECISION, "rationale": "agreed with the DCI: evening attempts", "seen": _seen(page)})
    assert again.status_code == 302 and EscalationDecision.objects.count() == 2


@pytest.mark.django_db
def test_a_decision_that_closed_the_escalation_is_named_and_no_form_is_offered(org):
    e, dci = _escalation(org)
    url = f"/offenders/escalations/{e.pk}/"
    di = _client(org.user("senior_officer"))
    seen = _seen(di.get(url).content.decode())
    services.decide_escalation(actor=dci.user, escalation=e, decided_on=TODAY, options=["other"],
                               rationale="seen at the address by the day team this morning", next_review=None,
                               resolves=True)
    r = di.post(url, {**DECISION, "seen": seen})
    page = html.unescape(r.content.decode())
    assert r.status_code == 409 and "DCI Jane Smith recorded a decision on this escalation and closed it" in page
    assert 'name="seen"' not in page and EscalationDecision.objects.count() == 1


@pytest.mark.django_db
def test_a_second_approval_of_an_assessment_names_who_approved_and_when(org):
    a = services.record_assessment(actor=org.user("offender_manager"), subject=seed_case(org), date=TODAY,
                                   risk_level="high", rationale="new intelligence of contact with children")
    ds2 = factories.officer(org.teams["om"], rank="DS", roles=["supervisor"], name="DS Kim Lee", username="ds2")
    first, second = _client(org.user("supervisor")), _client(ds2.user)
    url = f"/offenders/assessments/{a.pk}/approve/"
    first.get(url), second.get(url)
    assert first.post(url, {"on": "2024-08-15"}).status_code == 302
    r = second.post(url, {"on": "2024-08-15", "note": "agreed"})
    a.refresh_from_db()
    expected = (f"this assessment was already approved by {org.officers['supervisor'].name} at "
                f"{clock.said(a.approved_at)}")
    assert expected in html.unescape(r.content.decode())
    assert a.approved_by == org.officers["supervisor"] and a.approval_note == ""


@pytest.mark.django_db
def test_a_second_decision_on_an_announced_visit_names_who_decided_and_when(org):
    s = seed_case(org)
    req = services.request_announcement(actor=org.user("offender_manager"), subject=s, planned_for=TODAY,
                                        reason="interpreter needed for this visit")
    ds2 = factories.officer(org.teams["om"], rank="DS", roles=["supervisor"], name="DS Kim Lee", username="ds2")
    url = f"/offenders/announcements/{req.pk}/"
    assert _client(org.user("supervisor")).post(url, {"decision": "approve"}).status_code == 302
    r = _client(ds2.user).post(url, {"decision": "refuse", "note": "not needed at all"})
    req.refresh_from_db()
    expected = (f"this request was already approved by {org.officers['supervisor'].name} at "
                f"{clock.said(req.decided_at)}")
    assert expected in html.unescape(r.content.decode())
    assert req.approved is True and req.decided_by == org.officers["supervisor"]


@pytest.mark.django_db(transaction=True)
def test_two_escalation_decisions_at_the_same_moment_on_postgresql_record_one(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL behaviour; SQLite serialises whole writes")
    e, dci = _escalation(org)
    actors = [org.user("senior_officer"), dci.user]
    barrier = threading.Barrier(2)
    out: list = []

    def decide(i):
        try:
            barrier.wait()
            services.decide_escalation(actor=actors[i], escalation=Escalation.objects.get(pk=e.pk),
                                       decided_on=TODAY, options=["further_attempts_varied_times"],
                                       rationale=f"decider {i}: try again in the evening", next_review=TODAY
                                       + dt.timedelta(days=14), seen="none")
            out.append("recorded")
        except InputError as exc:
            out.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert EscalationDecision.objects.filter(escalation=e).count() == 1
    assert out.count("recorded") == 1
    refusal = next(o for o in out if o != "recorded")
    assert "recorded a decision on this escalation a moment ago" in refusal and "decide again" in refusal


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_assessment_at_the_same_moment_on_postgresql_record_one(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL behaviour; SQLite serialises whole writes")
    s = seed_case(org)
    a = services.record_assessment(actor=org.user("offender_manager"), subject=s, date=TODAY, risk_level="high",
                                   rationale="new intelligence of contact with children")
    ds2 = factories.officer(org.teams["om"], rank="DS", roles=["supervisor"], name="DS Kim Lee", username="ds2")
    actors = [org.user("supervisor"), ds2.user]
    barrier = threading.Barrier(2)
    out: list = []

    def approve(i):
        try:
            barrier.wait()
            services.approve_assessment(actor=actors[i], assessment=Assessment.objects.get(pk=a.pk), on=TODAY)
            out.append("approved")
        except InputError as exc:
            out.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert out.count("approved") == 1
    refusal = next(o for o in out if o != "approved")
    assert refusal.startswith("this assessment was already approved by ") and " at " in refusal
    a.refresh_from_db()
    assert a.approved_by.user in actors
