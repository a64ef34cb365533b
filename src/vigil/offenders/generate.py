"""Synthetic offender management: subjects with realistic histories at every scale.

- the 2016 risk mix (2% very high, 18% high, 30% medium, 50% low) and about one suspect in twelve;
- visit histories at each level's interval, with realistic failure rates (no reply, refused entry, not at the
  address), teams that announce more than policy allows, and teams with a backlog;
- people in custody, hospital or abroad (with paused periods), reactive low-risk subjects;
- assessments with Static-99R scored from item codings, periodic notifications, suspects' triage,
  safeguarding referrals and investigation reviews;
- a few neglected cases like the seed's: a high-risk offender last successfully visited in 2017, failed
  attempts since, and no escalation;
- the demo persona ``om`` (with ``ds`` and ``di``) holds a realistic caseload including the seed's case and
  fresh matters for each of them to act on.

``national`` is at least 80,000 subjects and 1.6 million visits. Visits are written with COPY on PostgreSQL and
``executemany`` on SQLite (``core.rows.insert``), in the open transaction of ``vigil generate``.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from vigil.accounts.models import Officer, Team
from vigil.core.policy import defaults
from vigil.core.rows import insert as insert_rows
from vigil.demo import fictional
from vigil.demo.registry import GenerateContext, generator
from vigil.offenders.calculators import static99r
from vigil.offenders.models import (
    AnnouncementApproval,
    Assessment,
    InvestigationReview,
    ModePeriod,
    NotificationRecord,
    Subject,
    ToolScore,
    Visit,
)
from vigil.offenders.rules.notification import PERIOD_YEARS
from vigil.offenders.rules.reviews import add_months
from vigil.people.addresses import match_key, normalise_phone
from vigil.people.models import Address, Alias, Identifier, Person, Phone

D = dt.date
DAY = dt.timedelta(days=1)
LEVELS = ("very_high", "high", "medium", "low")
MIX = (0.02, 0.18, 0.30, 0.50)
INTERVAL = {"very_high": 30, "high": 91, "medium": 182, "low": 365}
REVIEW_MONTHS = {"very_high": 6, "high": 6, "medium": 12, "low": 12}
HISTORY_YEARS = 12           # visit history kept (older visits were not migrated)
OUTCOMES = (("seen_at_home", 0.84), ("no_reply", 0.095), ("refused_entry", 0.02), ("seen_elsewhere", 0.025),
            ("not_at_address", 0.015), ("address_invalid", 0.005))
SEED_LAST_SUCCESS = D(2017, 3, 2)
SEED_FAILED = ((D(2019, 10, 28), "no_reply"), (D(2019, 11, 4), "refused_entry"))
VISIT_COLUMNS = ("subject_id", "date", "time", "lead_officer_id", "announced", "announce_reason", "outcome",
                 "devices_checked", "concerns", "notes", "recorded_at")
ANNOUNCE_REASONS = ("interpreter booked", "joint visit with probation", "subject's disability: carer present",
                    "visit at approved premises by appointment", "subject requested an appointment at work")
RATIONALES = {
    "very_high": "Recent contact-offence indicators and access to children through a new partner; non-compliant "
                 "with licence conditions. Static-99R well above average.",
    "high": "Previous contact offences against unrelated children; sexual preoccupation present; limited "
            "protective factors. Static-99R above average.",
    "medium": "Historic offending, stable accommodation but relationship instability; partial cooperation.",
    "low": "Single historic non-contact offence; stable employment and relationships; full cooperation.",
}


@dataclass
class Caseload:
    """The offender-management teams and the officers the subjects are spread over."""

    teams: list[dict]
    managers: dict[int, list[int]]        # team → offender managers
    supervisors: dict[int, list[int]]     # team → DS
    om: int | None = None                 # the demo personas, if present
    ds: int | None = None
    di: int | None = None
    announce_p: dict[int, float] = field(default_factory=dict)
    backlog_p: dict[int, float] = field(default_factory=dict)

    @classmethod
    def load(cls, rng: random.Random) -> Caseload:
        teams = list(Team.objects.filter(kind="offender_management").order_by("pk").values("pk", "borough_id", "name"))
        managers, supervisors = defaultdict(list), defaultdict(list)
        for pk, team, role, rank in (Officer.objects.filter(team__kind="offender_management", active=True)
                                     .values_list("pk", "team_id", "roles__role", "rank").order_by("pk")):
            if role == "offender_manager":
                managers[team].append(pk)
            elif role == "supervisor" and rank == "DS":
                supervisors[team].append(pk)
        users = dict(get_user_model().objects.filter(username__in=("om", "ds", "di"), officer__isnull=False)
                     .values_list("username", "officer__pk"))
        c = cls([t for t in teams if managers.get(t["pk"])], dict(managers), dict(supervisors),
                users.get("om"), users.get("ds"), users.get("di"))
        for t in c.teams:
            # Most teams announce a few visits; some far too many (the inspection's finding).
            c.announce_p[t["pk"]] = rng.choice((0.02, 0.04, 0.06, 0.08, 0.15, 0.30))
            c.backlog_p[t["pk"]] = rng.choice((0.01, 0.02, 0.03, 0.05, 0.10))
        return c


class Rows:
    """Rows gathered for one bulk write each."""

    def __init__(self):
        self.visits: list[tuple] = []
        self.periods: list[ModePeriod] = []
        self.assessments: list[tuple[int, dict, dict | None]] = []
        self.notifications: list[NotificationRecord] = []
        self.reviews: list[InvestigationReview] = []


def pick_level(rng: random.Random) -> str:
    return rng.choices(LEVELS, MIX)[0]


def visit_time(rng: random.Random, evening_p: float) -> dt.time:
    if rng.random() < evening_p:
        return dt.time(rng.randint(17, 20), rng.choice((0, 15, 30, 45)))
    return dt.time(rng.randint(8, 16), rng.choice((0, 10, 20, 30, 40, 50)))


def outcome(rng: random.Random) -> str:
    return rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]


def paused_on(day: dt.date, spans: Sequence[tuple[dt.date, dt.date | None]]) -> tuple | None:
    return next((s for s in spans if s[0] <= day and (s[1] is None or day <= s[1])), None)


def visit_history(rng: random.Random, *, start: dt.date, stop: dt.date, level: str, spans, announce_p: float,
                  evening_p: float, backlog: bool, officer: int | None) -> list[tuple]:
    """(date, time, officer, announced, reason, outcome, devices) from ``start`` to ``stop``: routine visits at
    the level's interval (visited a little early, as careful managers do); a failed attempt is followed up within
    a few weeks; a backlogged subject's last interval is overrun."""
    interval = INTERVAL[level]
    out = []
    day = start
    stop_at = stop
    if backlog:
        stop_at = stop - dt.timedelta(days=int(interval * rng.uniform(1.05, 2.6)))
    announce = announce_p * (0.6 if level in ("high", "very_high") else 1.0)
    while day <= stop_at:
        span = paused_on(day, spans)
        if span is not None:
            if span[1] is None:
                break
            day = span[1] + dt.timedelta(days=rng.randint(2, 20))
            continue
        o = outcome(rng)
        announced = rng.random() < announce
        out.append((day, visit_time(rng, evening_p), officer, announced,
                    rng.choice(ANNOUNCE_REASONS) if announced else "", o,
                    (rng.random() < 0.7) if o == "seen_at_home" else None))
        if o == "seen_at_home":
            day += dt.timedelta(days=max(3, int(interval * rng.uniform(0.5, 0.93))))
        else:
            day += dt.timedelta(days=rng.randint(4, 18))
    return out


def static99r_items(rng: random.Random, level: str, age: float) -> dict:
    hi = LEVELS.index(level) <= 1
    return {"age_at_release": round(max(18.0, age), 1),
            "never_lived_with_partner_2_years": rng.random() < (0.6 if hi else 0.3),
            "index_nonsexual_violence": rng.random() < (0.3 if hi else 0.1),
            "prior_nonsexual_violence": rng.random() < (0.4 if hi else 0.15),
            "prior_sex_offence_charges": rng.choice((0, 1, 2, 3, 6)) if hi else rng.choice((0, 0, 1)),
            "prior_sex_offence_convictions": rng.choice((0, 1, 2, 4)) if hi else rng.choice((0, 0, 1)),
            "prior_sentencing_dates": rng.randint(0, 8) if hi else rng.randint(0, 3),
            "noncontact_sex_offence_conviction": rng.random() < 0.3,
            "unrelated_victim": rng.random() < (0.7 if hi else 0.4),
            "stranger_victim": rng.random() < (0.35 if hi else 0.1),
            "male_victim": rng.random() < 0.2}


@generator("offenders", order=30)
def offenders(ctx: GenerateContext) -> None:
    Generator(ctx).run()


class Generator:
    def __init__(self, ctx: GenerateContext):
        self.ctx = ctx
        self.rng = ctx.rng("offenders")
        self.as_of = ctx.as_of
        self.pol = defaults()
        self.case = Caseload.load(self.rng)
        self.rows = Rows()
        self.now = dt.datetime.combine(self.as_of, dt.time(9), tzinfo=dt.UTC)

    # -- plan ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        if not self.case.teams:
            return
        ctx = self.ctx
        n = ctx.size(120, 8000, 80000)
        neglected = ctx.size(1, 3, 12)
        plan = self._plan(n, neglected)
        people = self._people(plan)
        subjects = self._subjects(plan, people)
        advance = ctx.task("offender histories", len(plan))
        for spec, sid in zip(plan, subjects, strict=True):
            self._history(spec, sid)
            advance()
        advance.finish()
        self._persona_matters(plan, subjects)
        self._write()

    def _plan(self, n: int, neglected: int) -> list[dict]:
        rng, as_of = self.rng, self.as_of
        weights = [len(self.case.managers[t["pk"]]) for t in self.case.teams]
        plan = []
        persona = self.case.om
        persona_count = self.ctx.size(30, 45, 50) if persona else 0
        persona_team = (Officer.objects.filter(pk=persona).values_list("team_id", flat=True).first()
                        if persona else None)
        for i in range(n):
            if i < persona_count:
                team, manager = persona_team, persona
            else:
                team = rng.choices(self.case.teams, weights)[0]["pk"]
                manager = rng.choice(self.case.managers[team]) if rng.random() > 0.01 else None
            suspect = rng.random() < 0.08
            level = pick_level(rng)
            years = rng.uniform(0.05, 2.5) if suspect else min(20.0, rng.expovariate(1 / 9.0) + 0.1)
            managed_from = as_of - dt.timedelta(days=int(years * 365.25))
            age = rng.uniform(19, 55) + years
            spec = {"i": i, "ref": f"S{i + 1:06d}", "team": team, "manager": manager, "suspect": suspect,
                    "level": level, "managed_from": managed_from, "age": age,
                    "sex": "female" if rng.random() < 0.03 else "male", "neglected": False, "seed": False}
            plan.append(spec)
        # the neglected cases: the persona's first subject is the seed's own case
        picks = ([plan[0]] if persona_count else []) + rng.sample(plan[persona_count:], neglected)
        for j, spec in enumerate(picks):
            spec.update(suspect=False, level="high", neglected=True, seed=(j == 0),
                        managed_from=D(2012, 5, 1) if j == 0 else D(rng.randint(2008, 2014), rng.randint(1, 12), 1))
            spec["age"] = max(spec["age"], 30 + (as_of - spec["managed_from"]).days / 365.25)
        return plan

    # -- people and subjects --------------------------------------------------------------------------------
    def _people(self, plan: list[dict]) -> list[int]:
        rng, ctx = self.rng, self.ctx
        start = Person.objects.count()
        people, extras = [], []
        advance = ctx.task("subjects' person records", len(plan))
        for spec in plan:
            given, surname = fictional.person_name(rng, spec["sex"])
            if spec["seed"]:
                given, surname = "Mark", "Ellery"
            dob = self.as_of - dt.timedelta(days=int(spec["age"] * 365.25) + rng.randint(0, 364))
            people.append(Person(ref=f"PS{start + spec['i'] + 1:07d}", given_names=given, surname=surname,
                                 date_of_birth=dob, sex=spec["sex"], team_id=spec["team"]))
            extras.append((fictional.address(rng), fictional.phone(rng) if rng.random() < 0.7 else None,
                           fictional.person_name(rng, spec["sex"]) if rng.random() < 0.15 else None,
                           rng.random() < 0.1))
            advance()
        advance.finish()
        Person.objects.bulk_create(people, batch_size=5000)
        pks = [p.pk for p in people]
        if any(pk is None for pk in pks):
            ref_pk = dict(Person.objects.filter(ref__startswith="PS").values_list("ref", "pk"))
            pks = [ref_pk[p.ref] for p in people]
        addresses, phones, aliases, ids = [], [], [], []
        for spec, pk, (addr, phone, alias, moved) in zip(plan, pks, extras, strict=True):
            since = spec["managed_from"] - dt.timedelta(days=rng.randint(0, 1500))
            if moved and (self.as_of - spec["managed_from"]).days > 400:
                moved_on = self.as_of - dt.timedelta(days=rng.randint(20, 700))
                old = fictional.address(rng)
                addresses.append(Address(person_id=pk, kind="previous", valid_from=since, valid_to=moved_on - DAY,
                                         line1=old["line1"], town=old["town"], postcode=old["postcode"],
                                         match_key=match_key(old["line1"], "", old["town"], old["postcode"])))
                since = moved_on
            addresses.append(Address(person_id=pk, kind="home", valid_from=since, line1=addr["line1"],
                                     town=addr["town"], postcode=addr["postcode"],
                                     match_key=match_key(addr["line1"], "", addr["town"], addr["postcode"])))
            spec["moved_on"] = since if since > spec["managed_from"] else None
            if phone:
                phones.append(Phone(person_id=pk, number=normalise_phone(phone)))
            if alias:
                aliases.append(Alias(person_id=pk, given_names=alias[0], surname=alias[1]))
            ids.append(Identifier(person_id=pk, type="pnc_id",
                                  value=f"{spec['managed_from'].year % 100:02d}/{spec['i'] + 100000:07d}X"))
        for model, rows in ((Address, addresses), (Phone, phones), (Alias, aliases), (Identifier, ids)):
            model.objects.bulk_create(rows, batch_size=10000)
        return pks

    def _subjects(self, plan: list[dict], people: list[int]) -> list[int]:
        rng, as_of = self.rng, self.as_of
        subjects = []
        for spec, person in zip(plan, people, strict=True):
            mode, since, spans = self._modes(spec)
            spec["mode"], spec["mode_since"], spec["spans"] = mode, since, spans
            fields = {}
            if not spec["suspect"]:
                disposal = rng.choices(list(PERIOD_YEARS), (0.05, 0.2, 0.1, 0.2, 0.45))[0]
                years = PERIOD_YEARS[disposal]
                end = add_months(spec["managed_from"], int(years * 12)) if years else None
                if end is not None and end <= as_of + dt.timedelta(days=30):
                    disposal, end = "custody_30m_or_more", None
                    if rng.random() < 0.01:   # a few approaching their end date
                        end = as_of + dt.timedelta(days=rng.randint(1, 59))
                        disposal = "custody_under_30m"
                fields = {"notification_start": spec["managed_from"], "notification_end": end, "disposal": disposal,
                          "mappa_category": 1, "mappa_level": 1 if spec["level"] in ("low", "medium") else
                          rng.choice((1, 2, 2, 3)), "no_fixed_abode": rng.random() < 0.004}
            else:
                children = rng.random() < 0.3
                fields = {"children_in_household": children,
                          "children_noted_on": spec["managed_from"] if children else None,
                          "safeguarding_referral_on": (spec["managed_from"] + dt.timedelta(days=rng.choice((0, 1, 1,
                                                                                                         1, 3))))
                          if children and rng.random() < 0.93 else None,
                          "investigation_opened": spec["managed_from"]}
            subjects.append(Subject(ref=spec["ref"], person_id=person, kind="suspect" if spec["suspect"] else
                                    "registered_offender", team_id=spec["team"], manager_id=spec["manager"],
                                    managed_from=spec["managed_from"], mode=mode, mode_since=since, **fields))
            spec["nfa"] = fields.get("no_fixed_abode", False)
        Subject.objects.bulk_create(subjects, batch_size=5000)
        pks = [s.pk for s in subjects]
        if any(pk is None for pk in pks):
            ref_pk = dict(Subject.objects.values_list("ref", "pk"))
            pks = [ref_pk[s.ref] for s in subjects]
        return pks

    def _modes(self, spec: dict):
        """(current mode, since, paused spans) and the ModePeriod rows they need."""
        rng, as_of = self.rng, self.as_of
        start = spec["managed_from"]
        spans: list[tuple[dt.date, dt.date | None]] = []
        periods: list[tuple[str, dt.date, dt.date | None]] = []
        if spec["suspect"] or spec["neglected"]:
            spec["periods"] = periods
            return "active", None, spans
        span_days = (as_of - start).days
        if span_days > 800 and rng.random() < 0.08:     # an earlier spell in custody
            s = start + dt.timedelta(days=rng.randint(100, span_days - 500))
            e = s + dt.timedelta(days=rng.randint(30, 400))
            if e < as_of - dt.timedelta(days=200):
                periods.append(("custody", s, e))
                spans.append((s, e))
        mode, since = "active", None
        r = rng.random()
        if r < 0.045 and span_days > 200:
            mode = rng.choices(("custody", "hospital", "abroad"), (0.7, 0.15, 0.15))[0]
            since = as_of - dt.timedelta(days=rng.randint(10, min(900, span_days - 100)))
            if spans and since <= spans[-1][1]:
                since = spans[-1][1] + dt.timedelta(days=30)
            if since < as_of:
                periods.append((mode, since, None))
                spans.append((since, None))
            else:
                mode, since = "active", None
        elif spec["level"] == "low" and span_days > 3 * 365 + 200 and r < 0.30:
            mode = "reactive"
            since = start + dt.timedelta(days=3 * 365 + rng.randint(0, span_days - 3 * 365 - 100))
            periods.append(("reactive", since, None))
        spec["periods"] = periods
        return mode, since, spans

    # -- histories -----------------------------------------------------------------------------------------
    def _history(self, spec: dict, sid: int) -> None:
        rng, as_of, rows = self.rng, self.as_of, self.rows
        rows.periods += [ModePeriod(subject_id=sid, mode=m, start=s, end=e, reason="synthetic history")
                         for m, s, e in spec["periods"]]
        team, level = spec["team"], spec["level"]
        officer = spec["manager"]
        if spec["suspect"]:
            self._suspect(spec, sid)
            return
        first = max(spec["managed_from"] + dt.timedelta(days=rng.randint(3, 27)),
                    as_of - dt.timedelta(days=365 * HISTORY_YEARS))
        stop = as_of
        if spec["mode"] == "reactive":
            stop = spec["mode_since"]
        if spec["neglected"]:
            last = SEED_LAST_SUCCESS if spec["seed"] else D(rng.randint(2016, 2018), rng.randint(1, 12), 5)
            visits = visit_history(rng, start=first, stop=last - DAY, level=level, spans=(), announce_p=0.05,
                                   evening_p=0.15, backlog=False, officer=officer)
            visits = [v for v in visits if v[0] < last]
            visits.append((last, dt.time(19, 30), officer, False, "", "seen_at_home", True))
            fails = SEED_FAILED if spec["seed"] else (
                (D(2019, rng.randint(1, 6), rng.randint(1, 28)), "no_reply"),
                (D(2019, rng.randint(7, 12), rng.randint(1, 28)), rng.choice(("no_reply", "refused_entry"))))
            visits += [(d, dt.time(rng.randint(8, 18), 0), officer, False, "", o, None) for d, o in fails]
        else:
            backlog = rng.random() < self.case.backlog_p[team]
            visits = visit_history(rng, start=first, stop=stop, level=level, spans=spec["spans"],
                                   announce_p=self.case.announce_p[team], evening_p=rng.choice((0.05, 0.15, 0.3)),
                                   backlog=backlog, officer=officer)
        now = self.now
        rows.visits += [(sid, d, t, o, a, reason, out, dev, "", "", now) for d, t, o, a, reason, out, dev in visits]
        self._assessments(spec, sid)
        self._notifications(spec, sid)

    def _assessments(self, spec: dict, sid: int) -> None:
        rng, as_of = self.rng, self.as_of
        level, team = spec["level"], spec["team"]
        assessors = self.case.managers[team]
        approvers = self.case.supervisors.get(team) or assessors
        day = spec["managed_from"] + dt.timedelta(days=rng.randint(5, 26) if rng.random() > 0.05 else
                                                  rng.randint(30, 70))
        dates = [day]
        months = REVIEW_MONTHS[level]
        overdue = rng.random() < 0.04 or spec["neglected"]
        while True:
            nxt = add_months(dates[-1], months) - dt.timedelta(days=rng.randint(0, 20))
            if nxt > as_of:
                break
            dates.append(nxt)
        if spec["neglected"]:
            dates = [d for d in dates if d <= D(2016, 5, 1)] or dates[:1]
        elif overdue and len(dates) > 1:
            dates = dates[:-1]
        moved = spec.get("moved_on")
        if moved and not spec["neglected"] and rng.random() < 0.9:   # a move brings the review forward
            review = moved + dt.timedelta(days=rng.randint(2, 13))
            if review <= as_of:
                dates = sorted([d for d in dates if d < review] + [review] + [
                    add_months(review, months * k) for k in range(1, 40) if add_months(review, months * k) <= as_of])
        keep = [dates[0]] + [d for d in dates[1:] if d > as_of - dt.timedelta(days=4 * 365)]
        if spec["seed"]:
            keep = [dates[0], D(2016, 5, 1)]            # the seed's last assessment: high, 2016 (interchange.md)
        elif spec["neglected"] and dates[-1] not in keep:
            keep.append(dates[-1])
        for j, d in enumerate(keep):
            if d > as_of:
                continue
            lvl = level if j >= len(keep) - 2 else rng.choice((level, level, LEVELS[min(3, LEVELS.index(level) + 1)]))
            approved = d + dt.timedelta(days=rng.randint(1, 10))
            latest = j == len(keep) - 1
            pending = latest and rng.random() < 0.03 and (as_of - d).days < 30
            tool = None
            if (latest or j == 0) and spec["sex"] == "male":
                items = static99r_items(rng, lvl, spec["age"] - (as_of - d).days / 365.25)
                tool = {"tool": "static99r", "items": items}
            self.rows.assessments.append((sid, {
                "date": d, "risk_level": lvl, "assessor_id": rng.choice(assessors),
                "approved_by_id": None if pending else rng.choice(approvers),
                "approved_on": None if pending or approved > as_of else approved,
                "rationale": RATIONALES[lvl]}, tool))

    def _notifications(self, spec: dict, sid: int) -> None:
        rng, as_of = self.rng, self.as_of
        start = spec["managed_from"]
        recs = [NotificationRecord(subject_id=sid, kind="initial", on=start + dt.timedelta(days=rng.randint(0, 3)))]
        if spec["nfa"]:
            day = as_of - dt.timedelta(days=70)
            while day <= as_of:
                recs.append(NotificationRecord(subject_id=sid, kind="periodic", on=day))
                day += dt.timedelta(days=7)
        else:
            late = rng.random() < 0.005   # a few miss their latest periodic notification
            day = start
            while True:
                day = add_months(day, 12) - dt.timedelta(days=rng.randint(0, 25))
                if day > as_of or (late and add_months(day, 12) > as_of):
                    break
                if day > as_of - dt.timedelta(days=4 * 365):
                    recs.append(NotificationRecord(subject_id=sid, kind="periodic", on=day))
        self.rows.notifications += recs

    def _suspect(self, spec: dict, sid: int) -> None:
        rng, as_of = self.rng, self.as_of
        start = spec["managed_from"]
        team = spec["team"]
        if rng.random() < 0.95 or (as_of - start).days < 10:
            d = start + dt.timedelta(days=rng.randint(1, 13))
            if d <= as_of:
                self.rows.assessments.append((sid, {
                    "date": d, "risk_level": spec["level"], "assessor_id": rng.choice(self.case.managers[team]),
                    "approved_by_id": rng.choice(self.case.supervisors.get(team) or self.case.managers[team]),
                    "approved_on": min(as_of, d + dt.timedelta(days=2)),
                    "rationale": "Triage: access to children, prior contact offending and the seized material "
                                 "considered."}, {"tool": "kirat", "score": rng.randint(1, 4),
                                                  "band": rng.choice(("low", "medium", "high"))}))
            review, months = d, REVIEW_MONTHS[spec["level"]]
            late = rng.random() < 0.05
            while True:   # risk reviews continue while the suspect is managed
                review = add_months(review, months) - dt.timedelta(days=rng.randint(0, 20))
                if review > as_of or (late and add_months(review, months) > as_of):
                    break
                self.rows.assessments.append((sid, {
                    "date": review, "risk_level": spec["level"], "assessor_id": rng.choice(self.case.managers[team]),
                    "approved_by_id": rng.choice(self.case.supervisors.get(team) or self.case.managers[team]),
                    "approved_on": min(as_of, review + dt.timedelta(days=3)),
                    "rationale": "Review: investigation continuing; safeguarding in place."}, None))
        day = start + dt.timedelta(days=rng.randint(30, 90))
        reviewer = self.case.supervisors.get(team) or self.case.managers[team]
        stale = rng.random() < 0.1
        while day <= as_of and not (stale and day > as_of - dt.timedelta(days=200)):
            self.rows.reviews.append(InvestigationReview(subject_id=sid, on=day, by_id=rng.choice(reviewer),
                                                         note="investigation reviewed: enquiries progressing"))
            day += dt.timedelta(days=rng.randint(45, 85))

    def _persona_matters(self, plan: list[dict], subjects: list[int]) -> None:
        """Fresh matters for the demo personas on the as-of date: a recent second failed attempt (the DI's
        s.96B decision), a high-risk subject just past twice the interval (the DS's overdue visit), someone
        not at their address yesterday, an assessment and an announced visit awaiting the DS."""
        c = self.case
        if not c.om:
            return
        rng, as_of = self.rng, self.as_of
        mine = [(spec, sid) for spec, sid in zip(plan, subjects, strict=True)
                if spec["manager"] == c.om and not spec["suspect"] and not spec["neglected"]
                and spec["mode"] == "active" and (as_of - spec["managed_from"]).days > 400]
        if len(mine) < 5:
            return
        drop = {mine[k][1] for k in range(3)}
        self.rows.visits = [v for v in self.rows.visits if v[0] not in drop or v[1] < as_of - dt.timedelta(days=400)]
        now = self.now
        for spec, sid in mine[:3]:
            spec["level"] = "high"
            self.rows.assessments.append((sid, {"date": as_of - dt.timedelta(days=60), "risk_level": "high",
                                                "assessor_id": c.om, "approved_by_id": c.ds or c.om,
                                                "approved_on": as_of - dt.timedelta(days=55),
                                                "rationale": RATIONALES["high"]}, None))
        s1, s2, s3 = mine[0][1], mine[1][1], mine[2][1]
        self.rows.visits += [
            (s1, as_of - dt.timedelta(days=70), dt.time(18, 40), c.om, False, "", "seen_at_home", True, "", "", now),
            (s1, as_of - dt.timedelta(days=9), dt.time(19, 10), c.om, False, "", "no_reply", None, "", "", now),
            (s1, as_of - dt.timedelta(days=2), dt.time(8, 20), c.om, False, "", "refused_entry", None,
             "refused entry; a child's bicycle in the hallway", "", now),
            (s2, as_of - dt.timedelta(days=186), dt.time(11, 0), c.om, False, "", "seen_at_home", True, "", "", now),
            (s3, as_of - dt.timedelta(days=40), dt.time(17, 30), c.om, False, "", "seen_at_home", True, "", "", now),
            (s3, as_of - dt.timedelta(days=1), dt.time(20, 5), c.om, False, "", "not_at_address", None,
             "neighbour says he moved out last week", "", now),
        ]
        for spec, sid in mine[5:9]:   # a few due in the coming fortnight, for the planner
            interval = INTERVAL[spec["level"]]
            last = as_of - dt.timedelta(days=interval - rng.randint(3, 12))
            self.rows.visits = [v for v in self.rows.visits if v[0] != sid or v[1] < last]
            self.rows.visits.append((sid, last, dt.time(rng.randint(9, 19), 0), c.om, False, "", "seen_at_home", True,
                                     "", "", now))
        self.rows.assessments.append((mine[3][1], {
            "date": as_of - dt.timedelta(days=3), "risk_level": "medium", "assessor_id": c.om, "approved_by_id": None,
            "approved_on": None, "rationale": RATIONALES["medium"]}, {"tool": "static99r", "items": static99r_items(
                rng, "medium", mine[3][0]["age"])}))
        AnnouncementApproval.objects.create(subject_id=mine[4][1], planned_for=as_of + dt.timedelta(days=5),
                                            reason="interpreter booked for the home visit", requested_by_id=c.om,
                                            requested_at=now)

    # -- writing -------------------------------------------------------------------------------------------
    def _write(self) -> None:
        rows, ctx = self.rows, self.ctx
        ModePeriod.objects.bulk_create(rows.periods, batch_size=10000)
        NotificationRecord.objects.bulk_create(rows.notifications, batch_size=10000)
        InvestigationReview.objects.bulk_create(rows.reviews, batch_size=10000)
        self._write_assessments()
        advance = ctx.task("visits", len(rows.visits))
        rows.visits.sort(key=lambda v: (v[0], v[1]))
        insert_rows(Visit, rows.visits, columns=VISIT_COLUMNS, advance=advance)
        advance.finish()
        ctx.shared["offenders"] = {"subjects": Subject.objects.count(), "visits": len(rows.visits)}

    def _write_assessments(self) -> None:
        now = self.now
        objs = [Assessment(subject_id=sid, recorded_at=now, **fields) for sid, fields, _ in self.rows.assessments]
        Assessment.objects.bulk_create(objs, batch_size=5000)
        if any(a.pk is None for a in objs):
            raise RuntimeError("the database did not return assessment ids")
        tools = []
        for a, (_, _, tool) in zip(objs, self.rows.assessments, strict=True):
            if tool is None:
                continue
            if "items" in tool:
                scored = static99r.score(tool["items"])
                tools.append(ToolScore(assessment_id=a.pk, tool="static99r", score=scored.score, band=scored.band,
                                       items=tool["items"], calculated=True))
            else:
                tools.append(ToolScore(assessment_id=a.pk, tool=tool["tool"], score=tool["score"], band=tool["band"]))
        ToolScore.objects.bulk_create(tools, batch_size=10000)

