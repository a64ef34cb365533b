"""Synthetic missing-children data (``vigil generate``), after offender management so subjects exist.

Realistic shapes: most children go missing once or twice, a few repeatedly in clusters; about one in five is
looked after (a care-home address, usually a Philomena profile); children are found at home, with friends, at a
few hotspot addresses per borough where several children turn up, now and then at a managed offender's address
(written differently from the notified one), and sometimes with an adult whose record is an alias variant of a
subject's. Some children have a second record from another report (a nickname, a typo, a mistyped date of
birth). The truth of every varied record is kept aside in ``people.LinkageTruth`` for measuring linkage.

Then the ``linkage`` generator runs record linkage over everyone, so the demo has identities and a review queue.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.apps import apps

from vigil.accounts.models import Officer
from vigil.demo import fictional, variants
from vigil.demo.registry import GenerateContext, generator
from vigil.missing.deadlines import FORCE_TZ
from vigil.missing.models import Grading, MissingEpisode, PhilomenaProfile, Screening, StrategyMeeting
from vigil.missing.rules import INDICATORS
from vigil.people.addresses import match_key, normalise_phone, normalise_postcode
from vigil.people.linkage.models import LinkageTruth
from vigil.people.models import Address, Alias, Person, Phone

GRADES, GRADE_WEIGHTS = ("high", "medium", "low", "very_low"), (0.10, 0.45, 0.35, 0.10)
PLACEMENTS = ["Oakfield children's home", "Riverside residential unit", "Foster placement (agency)",
              "Maple House", "Kinship foster placement"]


def _when(rng: random.Random, day: dt.date) -> dt.datetime:
    """Children are mostly reported missing in the evening and at night."""
    hour = rng.choices(range(24), [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 8, 7, 5, 3])[0]
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=FORCE_TZ)


def _address(a: dict) -> dict:
    return {"found_line1": a["line1"], "found_line2": a.get("line2", ""), "found_town": a.get("town", ""),
            "found_postcode": normalise_postcode(a.get("postcode")),
            "found_key": match_key(a["line1"], a.get("line2", ""), a.get("town", ""), a.get("postcode", ""))}


class Plan:
    """Everything the generator decides before writing, so writes are a few bulk inserts."""

    def __init__(self):
        self.people: list[Person] = []
        self.addresses: list[tuple[str, dict, str]] = []      # (person ref, address, kind)
        self.aliases: list[tuple[str, str, str]] = []
        self.phones: list[tuple[str, str]] = []
        self.truth: list[tuple[str, str, str]] = []           # (person ref, true ref, how varied)
        self.profiles: list[tuple[str, dict]] = []
        self.episodes: list[dict] = []
        self.meetings: list[tuple[str, str, dt.datetime]] = []  # (child ref, episode ref, held at)


@generator("missing", order=60)
def missing(ctx: GenerateContext) -> None:
    rng = ctx.rng("missing")
    teams = [t for t in ctx.shared.get("teams", []) if t.kind == "missing_persons"]
    if not teams:
        return
    coordinators = defaultdict(list)
    for o in Officer.objects.filter(team__in=teams, roles__role="missing_persons_coordinator").values("pk", "team_id"):
        coordinators[o["team_id"]].append(o["pk"])
    subjects = _subjects(ctx)
    plan = Plan()
    n_children = ctx.size(45, 2500, 12000)
    advance = ctx.task("missing children", n_children)
    hotspots = {t.pk: [fictional.address(rng) for _ in range(rng.randint(2, 4))] for t in teams}
    start = Person.objects.count()
    seq = {"person": start, "episode": MissingEpisode.objects.count()}
    children = []
    for i in range(n_children):
        # The first borough's unit (the demo's) gets a fair share even at national scale.
        team = teams[0] if i < max(30, n_children // len(teams)) else rng.choice(teams)
        sex = rng.choice(["male", "female"])
        given, surname = fictional.person_name(rng, sex)
        seq["person"] += 1
        ref = f"PC{seq['person']:07d}"
        dob = fictional.date_of_birth(rng, ctx.as_of, 10, 17)
        home = fictional.address(rng)
        plan.people.append(Person(ref=ref, given_names=given, surname=surname, sex=sex, date_of_birth=dob,
                                  team=team))
        plan.addresses.append((ref, home, "home"))
        looked_after = rng.random() < 0.2
        if looked_after:
            placement = fictional.address(rng)
            plan.addresses.append((ref, placement, "care_home"))
            if rng.random() < 0.8:
                plan.profiles.append((ref, {"placement": rng.choice(PLACEMENTS),
                                            "responsible_authority": f"{team.borough.name} children's services",
                                            "description": f"{rng.randint(140, 180)} cm, {rng.choice(['slim', 'medium'])}"
                                                           f" build, {rng.choice(['dark', 'fair', 'red', 'brown'])} hair",
                                            "photo_ref": f"PHOTO-{ref}", "medical": rng.choice(["", "", "asthma (inhaler)",
                                                                                                  "ADHD medication"]),
                                            "friends_associates": "", "addresses_frequented": ""}))
        if rng.random() < 0.6:
            plan.phones.append((ref, fictional.phone(rng)))
        children.append({"ref": ref, "given": given, "surname": surname, "sex": sex, "dob": dob, "team": team,
                         "home": placement if looked_after else home, "looked_after": looked_after})
        advance()
    advance.finish()
    _second_records(rng, plan, children, seq)
    _episodes(ctx, rng, plan, children, hotspots, subjects, coordinators, seq)
    _write(plan, ctx.as_of)


def _subjects(ctx: GenerateContext) -> list[dict]:
    """Managed subjects with a notified or home address (the offender side of the link graph)."""
    try:
        Subject = apps.get_model("offenders", "Subject")
    except LookupError:
        return []
    rows = list(Subject.objects.values("person_id", "ref", "person__ref", "person__given_names", "person__surname",
                                       "person__date_of_birth", "person__sex", "team__borough_id")[:20000])
    addresses = {}
    for a in Address.objects.filter(person_id__in=[r["person_id"] for r in rows],
                                    kind__in=("notified", "home")).filter(valid_to__isnull=True).values(
            "person_id", "line1", "town", "postcode"):
        addresses.setdefault(a["person_id"], a)
    return [dict(r, address=addresses.get(r["person_id"])) for r in rows]


def _second_records(rng: random.Random, plan: Plan, children: list[dict], seq: dict) -> None:
    """About one child in twelve has a second record from another report, varied the way records drift."""
    for c in rng.sample(children, k=len(children) // 12):
        given, surname, how = variants.vary_name(rng, c["given"], c["surname"])
        dob, how_dob = variants.vary_dob(rng, c["dob"])
        seq["person"] += 1
        ref = f"PC{seq['person']:07d}"
        plan.people.append(Person(ref=ref, given_names=given, surname=surname, sex=c["sex"], date_of_birth=dob,
                                  team=c["team"]))
        plan.addresses.append((ref, variants.vary_address(rng, c["home"]["line1"], c["home"]["town"],
                                                          c["home"]["postcode"]), "home"))
        plan.truth.append((ref, c["ref"], f"second report: {how}; {how_dob}"))
        c["second"] = ref


def _alias_adult(rng: random.Random, plan: Plan, subject: dict, seq: dict, team) -> str:
    """An adult found with a child, recorded under a variant of a subject's name (truth: the subject)."""
    exact_alias = rng.random() < 0.4
    given, surname, how = (subject["person__given_names"], subject["person__surname"], "recorded under the name")
    if not exact_alias:
        given, surname, how = variants.vary_name(rng, given, surname, alias=rng.random() < 0.5)
    dob, how_dob = variants.vary_dob(rng, subject["person__date_of_birth"])
    seq["person"] += 1
    ref = f"PA{seq['person']:07d}"
    plan.people.append(Person(ref=ref, given_names=given, surname=surname, sex=subject["person__sex"],
                              date_of_birth=dob, team=team))
    if subject["address"] and rng.random() < 0.6:
        a = subject["address"]
        plan.addresses.append((ref, variants.vary_address(rng, a["line1"], a["town"], a["postcode"]), "home"))
    plan.truth.append((ref, subject["person__ref"], f"adult found with a child: {how}; {how_dob}"))
    if exact_alias:  # the subject's record already knows this alias (auto-link); otherwise the queue decides
        plan.aliases.append((subject["person__ref"], given, surname))
    return ref


def _episodes(ctx, rng, plan, children, hotspots, subjects, coordinators, seq) -> None:
    as_of = ctx.as_of
    history = ctx.size(150, 540, 540)  # days; the small demo keeps its few episodes recent enough to need work
    advance = ctx.task("missing episodes", len(children) * 3)
    by_borough = defaultdict(list)
    for s in subjects:
        if s["address"]:
            by_borough[s["team__borough_id"]].append(s)
    for c in children:
        team = c["team"]
        # Most children go missing once or twice; about one in eight repeatedly, in clusters.
        repeat = rng.random() < 0.12
        count = rng.randint(4, 9) if repeat else rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0]
        start = rng.randint(0, history)  # days back; a repeat child's episodes cluster within 40 days of it
        days = sorted({start - rng.randint(0, min(40, start)) if repeat else rng.randint(0, history)
                       for _ in range(count)})
        if rng.random() < 0.08:  # missing now: reported in the last day and a half, not yet found
            days = sorted(set(days) | {rng.choice([0, 0, 1])})
        for k, back in enumerate(days):
            day = as_of - dt.timedelta(days=back)
            reported = _when(rng, day)
            if back == 0:  # on the as-of day itself: overnight, so a demo in the morning already has them
                reported = reported.replace(hour=rng.randint(0, 5))
            seq["episode"] += 1
            ref = f"M{seq['episode']:07d}"
            child_ref = c.get("second", c["ref"]) if (c.get("second") and k % 2) else c["ref"]
            e = {"ref": ref, "child": child_ref, "team": team, "reported_at": reported,
                 "coordinator": rng.choice(coordinators[team.pk]) if coordinators.get(team.pk) else None,
                 "last_seen_at": reported - dt.timedelta(minutes=rng.randint(30, 600)),
                 "last_seen_place": rng.choice(["home", "school", "placement", "town centre", "a friend's house"]),
                 "reported_by_text": "residential care staff" if c["looked_after"] else rng.choice(
                     ["parent", "parent", "school", "relative"]),
                 "circumstances": rng.choice(["Did not return from school.", "Left after an argument at home.",
                                              "Absent from placement overnight.", "Went out and stopped answering "
                                              "the phone."]),
                 "found_with": [], "grade": rng.choices(GRADES, GRADE_WEIGHTS)[0]}
            hours_missing = rng.choice([2, 4, 8, 14, 20, 30, 48, 70])
            returned = reported + dt.timedelta(hours=hours_missing, minutes=rng.randint(0, 59))
            still_open = back <= 1 and rng.random() < 0.7
            end_of_data = dt.datetime.combine(as_of, dt.time(23, 0), tzinfo=FORCE_TZ)
            if not still_open and returned <= end_of_data:
                e["returned_at"] = returned
                _found(rng, e, c, team, hotspots, by_borough, plan, seq)
            plan.episodes.append(e)
            advance()
        if repeat and rng.random() < 0.6:  # a strategy meeting, usually in time
            last3 = [e for e in plan.episodes if e["child"] in (c["ref"], c.get("second"))][-3:]
            when = last3[-1]["reported_at"] + dt.timedelta(days=rng.choice([2, 3, 5, 6, 9]))
            if when.date() <= as_of:
                plan.meetings.append((c["ref"], last3[-1]["ref"], when))
    advance.finish()
    _co_missing(rng, plan, children, hotspots, as_of, seq)


def _found(rng, e, c, team, hotspots, by_borough, plan, seq) -> None:
    where = rng.choices(["home", "friend", "hotspot", "offender", "unknown"], [0.5, 0.25, 0.15, 0.04, 0.06])[0]
    near = by_borough.get(team.borough_id) or []
    if where == "offender" and near:
        s = rng.choice(near)
        a = s["address"]
        e.update(_address(variants.vary_address(rng, a["line1"], a["town"], a["postcode"])))
        e["indicators"] = rng.sample(list(INDICATORS), k=rng.randint(1, 3))
        if rng.random() < 0.5:
            e["found_with"].append(_alias_adult(rng, plan, s, seq, team))
    elif where == "hotspot":
        e.update(_address(rng.choice(hotspots[team.pk])))
        e["indicators"] = rng.sample(list(INDICATORS), k=rng.randint(0, 3))
        if near and rng.random() < 0.15:
            e["found_with"].append(_alias_adult(rng, plan, rng.choice(near), seq, team))
    elif where == "home":
        e.update(_address(variants.vary_address(rng, c["home"]["line1"], c["home"]["town"], c["home"]["postcode"])))
    elif where == "friend":
        e.update(_address(fictional.address(rng)))
        e["indicators"] = rng.sample(list(INDICATORS), k=rng.choice([0, 0, 0, 1]))


def _co_missing(rng, plan, children, hotspots, as_of, seq) -> None:
    """Groups of two or three children missing at the same time and found together at a hotspot."""
    by_team = defaultdict(list)
    for c in children:
        by_team[c["team"].pk].append(c)
    for team_id, kids in by_team.items():
        for _ in range(max(1, len(kids) // 25)):
            group = rng.sample(kids, k=min(len(kids), rng.choice([2, 2, 3])))
            if len(group) < 2:
                continue
            day = as_of - dt.timedelta(days=rng.randint(2, 80))
            start = _when(rng, day)
            place = rng.choice(hotspots[team_id])
            back = start + dt.timedelta(hours=rng.randint(10, 40))
            refs = []
            for c in group:
                seq["episode"] += 1
                refs.append((f"M{seq['episode']:07d}", c))
            for ref, c in refs:
                e = {"ref": ref, "child": c["ref"], "team": c["team"], "coordinator": None,
                     "reported_at": start + dt.timedelta(minutes=rng.randint(0, 90)),
                     "last_seen_at": start - dt.timedelta(minutes=rng.randint(10, 60)), "last_seen_place": "town centre",
                     "reported_by_text": "parent", "circumstances": "Went missing with friends.",
                     "returned_at": back + dt.timedelta(minutes=rng.randint(0, 50)), "grade": "medium",
                     "found_with": [o["ref"] for r2, o in refs if r2 != ref],
                     "indicators": rng.sample(list(INDICATORS), k=rng.randint(1, 3)), **_address(place)}
                plan.episodes.append(e)


def _write(plan: Plan, as_of: dt.date) -> None:
    cutoff = dt.datetime.combine(as_of, dt.time(23, 0), tzinfo=FORCE_TZ)  # nothing is recorded after the as-of day
    Person.objects.bulk_create(plan.people, batch_size=5000)
    refs = {p.ref for p in plan.people} | {r for r, _, _ in plan.aliases}
    pk = {}
    ref_list = sorted(refs)
    for i in range(0, len(ref_list), 900):
        pk.update(Person.objects.filter(ref__in=ref_list[i:i + 900]).values_list("ref", "pk"))
    Address.objects.bulk_create([
        Address(person_id=pk[r], line1=a["line1"], town=a.get("town", ""), postcode=normalise_postcode(
            a.get("postcode")), kind=kind, match_key=match_key(a["line1"], "", a.get("town", ""), a.get("postcode", "")))
        for r, a, kind in plan.addresses], batch_size=5000)
    Alias.objects.bulk_create([Alias(person_id=pk[r], given_names=g, surname=s) for r, g, s in plan.aliases],
                              batch_size=5000)
    Phone.objects.bulk_create([Phone(person_id=pk[r], number=normalise_phone(n)) for r, n in plan.phones],
                              batch_size=5000)
    LinkageTruth.objects.bulk_create([LinkageTruth(person_id=pk[r], truth=t, note=how[:100])
                                      for r, t, how in plan.truth], batch_size=5000)
    PhilomenaProfile.objects.bulk_create([PhilomenaProfile(child_id=pk[r], updated_at=cutoff - dt.timedelta(days=30),
                                                           **fields)
                                          for r, fields in plan.profiles], batch_size=5000)
    rng = random.Random(len(plan.episodes))
    episodes = []
    for e in plan.episodes:
        graded = e["reported_at"] + dt.timedelta(minutes=rng.randint(5, 50))
        ungraded = "returned_at" not in e and rng.random() < 0.3
        episodes.append(MissingEpisode(
            ref=e["ref"], child_id=pk[e["child"]], team=e["team"], coordinator_id=e["coordinator"],
            reported_at=e["reported_at"], last_seen_at=e["last_seen_at"], last_seen_place=e["last_seen_place"],
            reported_by_text=e["reported_by_text"], circumstances=e["circumstances"],
            risk_grade="" if ungraded else e["grade"], graded_at=None if ungraded else graded,
            returned_at=e.get("returned_at"), found_line1=e.get("found_line1", ""),
            found_town=e.get("found_town", ""), found_postcode=e.get("found_postcode", ""),
            found_key=e.get("found_key", ""), condition="Safe and well." if e.get("returned_at") else "",
            prevention_interview_at=_maybe(rng, e.get("returned_at"), 0.85, 2, 30, cutoff),
            return_interview_at=_maybe(rng, e.get("returned_at"), 0.75, 12, 90, cutoff)))
        e["graded"] = None if ungraded else graded
    MissingEpisode.objects.bulk_create(episodes, batch_size=5000)
    eps = dict(MissingEpisode.objects.filter(ref__in=[e["ref"] for e in plan.episodes[:900]]).values_list(
        "ref", "pk")) if len(plan.episodes) <= 900 else dict(MissingEpisode.objects.values_list("ref", "pk"))
    through = MissingEpisode.found_with.through
    through.objects.bulk_create([through(missingepisode_id=eps[e["ref"]], person_id=pk[p])
                                 for e in plan.episodes for p in dict.fromkeys(e["found_with"])], batch_size=5000)
    Grading.objects.bulk_create([Grading(episode_id=eps[e["ref"]], grade=e["grade"], graded_at=e["graded"],
                                         rationale="Graded on the information held (synthetic).")
                                 for e in plan.episodes if e["graded"]], batch_size=5000)
    screenings = []
    for e in plan.episodes:
        indicators = e.get("indicators", [])
        if rng.random() < 0.95:  # at report: usually within hours, sometimes late, before the child is back
            at = e["reported_at"] + dt.timedelta(hours=rng.choices([0.5, 1, 2, 3, 6, 12, 20, 30],
                                                                   [3, 4, 4, 3, 2, 2, 1, 0.6])[0])
            if e.get("returned_at") and at > e["returned_at"]:
                at = e["reported_at"] + (e["returned_at"] - e["reported_at"]) / 2
            screenings.append(Screening(episode_id=eps[e["ref"]], stage="report", at=at, indicators=[]))
        if e.get("returned_at") and rng.random() < 0.92:
            at = e["returned_at"] + dt.timedelta(hours=rng.choices([1, 2, 5, 10, 20, 30], [3, 4, 3, 2, 1, 0.6])[0])
            screenings.append(Screening(
                episode_id=eps[e["ref"]], stage="return", at=at, indicators=[k for k in INDICATORS if k in indicators],
                referral_at=at + dt.timedelta(hours=rng.choice([1, 4, 10, 30])) if indicators and rng.random() < 0.8
                else None, referral_to="Exploitation hub" if indicators else ""))
    for s in screenings:
        if s.referral_at and s.referral_at > cutoff:
            s.referral_at = None
    Screening.objects.bulk_create([s for s in screenings if s.at <= cutoff], batch_size=5000)
    StrategyMeeting.objects.bulk_create([
        StrategyMeeting(child_id=pk[c], episode_id=eps[e], held_at=when, outcome="Safety plan agreed (synthetic).",
                        attendees="Police, children's services, school") for c, e, when in plan.meetings],
        batch_size=5000)


def _maybe(rng: random.Random, start: dt.datetime | None, share: float, low: int, high: int,
           cutoff: dt.datetime) -> dt.datetime | None:
    if start is None or rng.random() > share:
        return None
    when = start + dt.timedelta(hours=rng.randint(low, high))
    return when if when <= cutoff else None


@generator("linkage", order=95)
def linkage(ctx: GenerateContext) -> None:
    """Run record linkage over everyone generated, so the demo has identities and a review queue."""
    from vigil.people.linkage.services import run_linkage

    task = ctx.task("record linkage", 1)
    run_linkage(actor="system:generate", as_of=ctx.as_of)
    task()
    task.finish()

