"""Builders for offender-management tests: subjects, approved assessments and visits, as real rows."""
from __future__ import annotations

import datetime as dt

from tests import factories
from vigil.core import clock
from vigil.offenders.models import Assessment, ModePeriod, Subject, Visit

_n = {"subject": 0}


def subject(team, *, ref: str | None = None, manager=None, kind: str = "registered_offender",
            managed_from: dt.date = dt.date(2012, 5, 1), mode: str = "active", person=None, **fields) -> Subject:
    _n["subject"] += 1
    ref = ref or f"S{_n['subject']:04d}"
    person = person or factories.person(f"P-{ref}", given="Mark", surname=f"Ellery{_n['subject']}", team=team)
    return Subject.objects.create(ref=ref, person=person, kind=kind, team=team, manager=manager,
                                  managed_from=managed_from, mode=mode, **fields)


def assess(subj, level: str, on: dt.date, *, assessor, approver=None, rationale: str = "structured judgement",
           approved_on: dt.date | None = None) -> Assessment:
    return Assessment.objects.create(subject=subj, date=on, risk_level=level, assessor=assessor, rationale=rationale,
                                     approved_by=approver or assessor, approved_on=approved_on or on,
                                     recorded_at=clock.now())


def visit(subj, on: dt.date, outcome: str = "seen_at_home", *, announced: bool = False, officer=None,
          time: dt.time | None = dt.time(19, 30), **fields) -> Visit:
    return Visit.objects.create(subject=subj, date=on, time=time, outcome=outcome, announced=announced,
                                lead_officer=officer, **fields)


def paused(subj, mode: str, start: dt.date, end: dt.date | None) -> ModePeriod:
    return ModePeriod.objects.create(subject=subj, mode=mode, start=start, end=end)


def seed_case(org, *, notified: bool = False) -> Subject:
    """The inspection's case (S1): a high-risk offender last successfully visited on 2017-03-02, with failed
    attempts on 2019-10-28 (no reply) and 2019-11-04 (refused entry), and no escalation."""
    from vigil.offenders.models import NotificationRecord

    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    s = subject(org.teams["om"], ref="S1", manager=om, managed_from=dt.date(2012, 5, 1),
                notification_start=dt.date(2012, 5, 1) if notified else None)
    if notified:
        NotificationRecord.objects.create(subject=s, kind="periodic", on=dt.date(2024, 2, 1))
    assess(s, "high", dt.date(2016, 5, 1), assessor=om, approver=ds)
    visit(s, dt.date(2017, 3, 2), "seen_at_home", officer=om)
    visit(s, dt.date(2019, 10, 28), "no_reply", officer=om)
    visit(s, dt.date(2019, 11, 4), "refused_entry", officer=om)
    return s
