"""Builders for crimes and allocations, reading like the domain."""
from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.core.policy import current
from vigil.investigations.models import Allocation, Crime, CrimePerson
from vigil.investigations.rules import CrimeRules

_counter = {"crime": 0}


def crime(team, offence_code: str = "49", *, reported: dt.date = dt.date(2024, 7, 1), flags=(), ref: str | None = None,
          closed_on: dt.date | None = None, victims=(), suspects=(), **fields) -> Crime:
    _counter["crime"] += 1
    c = Crime.objects.create(ref=ref or f"CR{_counter['crime']:05d}", offence_code=offence_code, reported=reported,
                             team=team, closed_on=closed_on, **{f: True for f in flags}, **fields)
    for p in victims:
        CrimePerson.objects.create(crime=c, person=p, role="victim")
    for p in suspects:
        CrimePerson.objects.create(crime=c, person=p, role="suspect")
    return c


def allocate(c: Crime, officer, start: dt.date | None = None, *, end: dt.date | None = None, **fields) -> Allocation:
    """An allocation written directly (history, imports), without the service's checks; it ends when the crime
    closed, and carries the units of the crime's required level."""
    rules = CrimeRules(current())
    fields.setdefault("units", rules.units_for(rules.requirement(c.offence_code, c.flags).pip_level))
    return Allocation.objects.create(crime=c, officer=officer, start=start or c.reported, end=end or c.closed_on,
                                     recorded_at=clock.now(), method="import", **fields)


def load(officer, n: int, team=None, *, offence_code: str = "49", start: dt.date = dt.date(2024, 6, 1), flags=()):
    """Give an officer ``n`` open crimes of one offence (workload)."""
    return [allocate(crime(team or officer.team, offence_code, reported=start, flags=flags), officer, start)
            for _ in range(n)]
