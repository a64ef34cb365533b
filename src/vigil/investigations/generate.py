"""Synthetic crimes: a year of them with the Met's real offence mix (about 2,200 a day at ``london`` and
``national`` scale, a dozen at ``small``), allocated to the investigators the foundation generated.

Most crimes are allocated to an eligible officer with room, as a careful manager would; a small share repeat
the inspection's findings (indecent images, child abuse and sexual offences with student officers; a few
inexperienced officers holding more than 25 crimes), so the sweep and the dashboards have something to show.
Today's crimes and some of yesterday's wait in the queue; a handful have waited for days.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from vigil.accounts.models import Officer, Specialism, Team
from vigil.core import clock
from vigil.core.policy import defaults
from vigil.demo.registry import GenerateContext, generator
from vigil.investigations import synthetic
from vigil.investigations.flags import FLAGS, SOLVABILITY_FACTORS
from vigil.investigations.models import Allocation, Crime, CrimePerson
from vigil.investigations.rules import CrimeRules, capacities, probation_ends
from vigil.people.models import Person

MEAN_OPEN_DAYS = {1: 10, 2: 40, 3: 120}  # how long an investigation stays open, by required level
MISALLOCATED = 0.02                      # share of vulnerable or specialist crimes given to a student officer
SOLVABILITY = list(SOLVABILITY_FACTORS)


@generator("investigations", order=40)
def investigations(ctx: GenerateContext) -> None:
    make_crimes(ctx, days=365)


class _Pool:
    """The investigators of one borough, with what each may hold and their load on the as-of date."""

    def __init__(self, officers: list[dict]):
        self.officers = officers
        self.students = [o for o in officers if o["student"]]
        self._fits: dict[tuple, list[dict]] = {}
        self._teams: dict[int, _Pool] = {}

    def team(self, team_id: int) -> _Pool:
        """The officers of one team of the borough (a crime goes to its own team's officers first)."""
        if team_id not in self._teams:
            self._teams[team_id] = _Pool([o for o in self.officers if o["team"] == team_id])
        return self._teams[team_id]

    def fitting(self, pip: int, specs: tuple[str, ...], vulnerable: bool, as_of: dt.date) -> list[dict]:
        key = (pip, specs, vulnerable)
        if key not in self._fits:
            self._fits[key] = [o for o in self.officers if o["pip"] >= pip and all(
                o["specs"].get(s, dt.date.min) is None or o["specs"].get(s, dt.date.min) >= as_of for s in specs)
                and not (vulnerable and o["probationer"])]
        return self._fits[key]


def _investigators(as_of: dt.date, years: int) -> dict[int | None, _Pool]:
    specs: dict[int, dict] = defaultdict(dict)
    for oid, name, expires in Specialism.objects.values_list("officer_id", "name", "expires"):
        specs[oid][name] = expires
    by_borough: dict[int | None, list[dict]] = defaultdict(list)
    for o in (Officer.objects.filter(active=True, roles__role="investigator")
              .values("pk", "pip_level", "student_officer", "joined", "team_id", "team__borough_id", "user_id")):
        by_borough[o["team__borough_id"]].append({
            "pk": o["pk"], "pip": o["pip_level"], "student": o["student_officer"], "team": o["team_id"],
            "probationer": o["student_officer"] or as_of < probation_ends(o["joined"], years),
            "specs": specs.get(o["pk"], {}), "units": 0, "open": 0, "persona": o["user_id"] is not None})
    return {b: _Pool(os) for b, os in by_borough.items()}


def make_crimes(ctx: GenerateContext, *, days: int) -> None:
    rng = ctx.rng("investigations")
    pol = defaults()
    rules = CrimeRules(pol)
    per_day = ctx.size(12, 2200, 2200)
    as_of = ctx.as_of
    pools = _investigators(as_of, int(pol["allocation.probation_years"]))
    teams = defaultdict(dict)
    for t in Team.objects.filter(kind="investigation").values("pk", "name", "borough_id"):
        teams[t["borough_id"]]["pp" if t["name"].endswith("Public Protection") else "cid"] = t["pk"]
    boroughs = [b for b in teams if b in pools and "cid" in teams[b]]
    if not boroughs:
        return
    people = list(Person.objects.filter(team__kind="investigation").values_list("pk", flat=True)[:50000])
    repeat = people[: max(1, len(people) // 10)]  # repeat victims and prolific suspects: continuity
    n = Crime.objects.count()
    advance = ctx.task("crimes", per_day * days)
    for day_index in range(days):
        day = as_of - dt.timedelta(days=days - 1 - day_index)
        count = max(1, round(rng.gauss(per_day, per_day * 0.05)))
        crimes, plans = [], []
        for code, flags in synthetic.crimes(rng, count):
            n += 1
            borough = rng.choice(boroughs)
            req = rules.requirement(code, flags)
            specialist = req.specialisms or rules.vulnerability(code, flags)
            team = teams[borough].get("pp") if specialist and "pp" in teams[borough] else teams[borough]["cid"]
            open_days = _open_days(rng, req.pip_level)
            closed = day + dt.timedelta(days=open_days)
            c = Crime(ref=f"CR{n:07d}", offence_code=code, reported=day, team_id=team,
                      closed_on=closed if closed <= as_of else None, **{f: True for f in flags})
            _assess(rng, c, day, req.pip_level, bool(rules.vulnerability(code, flags)))
            crimes.append(c)
            plans.append((borough, req, bool(rules.vulnerability(code, flags)), code))
        Crime.objects.bulk_create(crimes, batch_size=5000)
        if any(c.pk is None for c in crimes):
            pk = dict(Crime.objects.filter(ref__in=[c.ref for c in crimes]).values_list("ref", "pk"))
            for c in crimes:
                c.pk = pk[c.ref]
        _allocate(rng, crimes, plans, pools, as_of, pol, rules)
        _involve(rng, crimes, people, repeat)
        advance(count)
    _inspection_findings(rng, pools, teams, as_of, rules, n)
    advance.finish()


def _open_days(rng: random.Random, pip: int) -> int:
    return max(1, int(rng.expovariate(1 / MEAN_OPEN_DAYS.get(pip, 30))))


def _assess(rng: random.Random, c: Crime, day: dt.date, pip: int, vulnerable: bool) -> None:
    if rng.random() < 0.15:  # not assessed yet
        return
    grades = ["low", "medium", "high"]
    weights = [.2, .5, .3] if vulnerable or pip >= 2 else [.7, .25, .05]
    c.threat, c.harm, c.risk = (rng.choices(grades, weights)[0] for _ in range(3))
    c.engagement = rng.choices(["engaged", "reluctant", "not_contactable"], [.75, .2, .05])[0]
    c.assessed_on = day
    c.solvability = sorted(rng.sample(SOLVABILITY, rng.choices([0, 1, 2, 3], [.35, .35, .2, .1])[0]))
    c.screened_on = day


def _allocate(rng: random.Random, crimes: list[Crime], plans: list, pools: dict, as_of: dt.date, pol,
              rules: CrimeRules) -> None:
    rows = []
    max_open = int(pol["allocation.max_open_crimes"])
    cap = capacities(pol)
    for c, (borough, req, vulnerable, _code) in zip(crimes, plans, strict=True):
        waited = (as_of - c.reported).days
        if c.closed_on is None and (waited == 0 or (waited == 1 and rng.random() < .3)
                                    or (waited < 12 and rng.random() < .0015)):
            continue  # in the queue: today's, some of yesterday's, and a few that have waited for days
        pool = pools[borough]
        start = min(c.reported + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2])), c.closed_on or as_of, as_of)
        still_open = c.closed_on is None
        if (req.specialisms and pool.students and rng.random() < MISALLOCATED
                and (student := rng.choice(pool.students))["open"] < max_open):
            o = student  # the inspection's finding: complex crimes with new recruits
        else:
            own = pool.team(c.team_id)
            fit = (own.fitting(req.pip_level, req.specialisms, vulnerable, as_of)
                   or pool.fitting(req.pip_level, req.specialisms, vulnerable, as_of)
                   or pool.fitting(req.pip_level, (), vulnerable, as_of) or own.officers or pool.officers)
            if still_open:  # the least loaded of a few with room, as a manager would keep them
                w = rules.units_for(req.pip_level)
                room = [o for o in rng.sample(fit, min(8, len(fit)))
                        if o["units"] + w <= cap(o["pip"]) and o["open"] < max_open]
                o = min(room or rng.sample(fit, min(3, len(fit))), key=lambda o: o["units"] / max(1, cap(o["pip"])))
            else:
                o = rng.choice(fit)
        w = rules.units_for(req.pip_level)
        if still_open:
            o["units"] += w
            o["open"] += 1
        rows.append(Allocation(crime_id=c.pk, officer_id=o["pk"], start=start, end=c.closed_on, units=w,
                               recorded_at=clock.now(), method=Allocation.Method.GENERATED))
    Allocation.objects.bulk_create(rows, batch_size=5000)


def _involve(rng: random.Random, crimes: list[Crime], people: list[int], repeat: list[int]) -> None:
    if not people:
        return
    rows, seen = [], set()
    for c in crimes:
        for role, p in (("victim", .08), ("suspect", .05)):
            if rng.random() < p:
                person = rng.choice(repeat if rng.random() < .3 else people)
                if (c.pk, person, role) not in seen:
                    seen.add((c.pk, person, role))
                    rows.append(CrimePerson(crime_id=c.pk, person_id=person, role=role))
    CrimePerson.objects.bulk_create(rows, batch_size=5000)


def _inspection_findings(rng: random.Random, pools: dict, teams: dict, as_of: dt.date, rules: CrimeRules,
                         n: int) -> None:
    """What the inspection found, in every borough, so the sweep and the dashboards show it: an indecent-images
    crime with a student officer; a crime that has waited days for an investigator; and (in about 1% of student
    officers, at least one) an inexperienced officer holding more than 25 crimes at once."""
    crimes: list[Crime] = []
    allocations: list[tuple[int, dict, dt.date]] = []

    def add(code: str, flags, team: int, day: dt.date, officer: dict | None) -> None:
        nonlocal n
        n += 1
        crimes.append(Crime(ref=f"CR{n:07d}", offence_code=code, reported=day, team_id=team,
                            **{f: True for f in flags if f in FLAGS}))
        if officer is not None:
            allocations.append((len(crimes) - 1, officer, day))

    for borough, pool in pools.items():
        students = [o for o in pool.students if not o["persona"]]
        if students and borough in teams:
            add("86", ["child_victim"], teams[borough]["cid"], as_of - dt.timedelta(days=rng.randint(20, 60)),
                rng.choice(students))
        if borough in teams:
            add("49", [], teams[borough]["cid"], as_of - dt.timedelta(days=rng.randint(4, 9)), None)
    students = [o for pool in pools.values() for o in pool.students if not o["persona"]]
    for o in rng.sample(students, min(len(students), max(1, math.ceil(len(students) * 0.01)))):
        extra = max(0, rng.randint(26, 31) - o["open"])
        for _ in range(extra):
            code, flags = next(synthetic.crimes(rng, 1))
            while rules.requirement(code, flags).pip_level > 1 or rules.vulnerability(code, flags):
                code, flags = next(synthetic.crimes(rng, 1))
            add(code, flags, o["team"], as_of - dt.timedelta(days=rng.randint(2, 40)), o)
        o["open"] += extra
    if not crimes:
        return
    Crime.objects.bulk_create(crimes, batch_size=5000)
    pk = dict(Crime.objects.filter(ref__in=[c.ref for c in crimes]).values_list("ref", "pk"))
    Allocation.objects.bulk_create([
        Allocation(crime_id=pk[crimes[i].ref], officer_id=o["pk"], start=day, recorded_at=clock.now(),
                   units=rules.units_for(rules.requirement(crimes[i].offence_code, crimes[i].flags).pip_level),
                   method=Allocation.Method.GENERATED) for i, o, day in allocations], batch_size=5000)
