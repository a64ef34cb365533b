"""Builders for offender-management tests: subjects, approved assessments and visits, as real rows."""
from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.offenders.models import Assessment, ModePeriod, Subject, Visit
from tests import factories

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
