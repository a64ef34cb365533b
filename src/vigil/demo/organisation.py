"""Foundation generators: boroughs, teams, officers with a realistic skill mix, demo logins and people."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from vigil.accounts.models import Borough, Officer, OfficerRole, Specialism, Team
from vigil.demo import fictional
from vigil.demo.registry import GenerateContext, generator
from vigil.people.addresses import match_key, normalise_phone
from vigil.people.models import Address, Alias, Person, Phone

LONDON_BCUS = ["Central West", "Central North", "Central East", "Central South", "North West", "North Area",
               "East Area", "South West", "South Area", "South East", "North East", "West Area"]
OTHER_AREAS = ["Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "Cleveland", "Cumbria",
               "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
               "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
               "Leicestershire", "Lincolnshire", "Merseyside", "Norfolk", "North Wales", "North Yorkshire",
               "Northamptonshire", "Northumbria"]

DEMO_PASSWORD = "Vigil-demo-2024!"  # noqa: S105 - synthetic demo accounts only, printed by `vigil demo`

# (team kind, name suffix, officers per borough by scale, rank mix)
TEAM_PLAN = [
    ("offender_management", "MOSOVO", (6, 20, 40)),
    ("investigation", "CID", (20, 180, 110)),
    ("investigation", "Public Protection", (10, 70, 50)),
    ("missing_persons", "Missing Persons Unit", (4, 6, 6)),
    ("exploitation", "Exploitation Hub", (3, 5, 5)),
]


def _scale_index(ctx: GenerateContext) -> int:
    return {"small": 0, "london": 1, "national": 2}[ctx.scale]


@generator("organisation", order=10)
def organisation(ctx: GenerateContext) -> None:
    rng = ctx.rng("organisation")
    boroughs = LONDON_BCUS[:1] if ctx.scale == "small" else (
        LONDON_BCUS if ctx.scale == "london" else LONDON_BCUS + OTHER_AREAS)
    b_objs = Borough.objects.bulk_create([Borough(name=n) for n in boroughs])
    if any(b.pk is None for b in b_objs):
        b_objs = list(Borough.objects.filter(name__in=boroughs))
    teams: list[Team] = []
    for bi, b in enumerate(b_objs):
        for kind, suffix, _ in TEAM_PLAN:
            teams.append(Team(ref=f"T{bi + 1:02d}{kind[:2].upper()}{suffix[:2].upper()}", name=f"{b.name} {suffix}",
                              kind=kind, borough=b))
    teams.append(Team(ref="TPSD", name="Directorate of Professional Standards", kind="professional_standards"))
    teams.append(Team(ref="TADM", name="Public Protection Command", kind="other"))
    Team.objects.bulk_create(teams)
    teams = list(Team.objects.select_related("borough").order_by("pk"))
    ctx.shared["teams"] = teams

    si = _scale_index(ctx)
    officers: list[Officer] = []
    roles: list[tuple[str, str]] = []
    specs: list[tuple[str, str, dt.date]] = []
    total = sum(plan[2][si] for plan in TEAM_PLAN) * len(b_objs) + 30
    advance = ctx.task("officers", total)
    n = 0

    def add(team: Team, rank: str, pip: int, role_list: list[str], student: bool = False, years: float | None = None):
        nonlocal n
        n += 1
        sex = rng.choice(["male", "female"])
        given, surname = fictional.person_name(rng, sex)
        years = years if years is not None else (rng.uniform(0.2, 1.9) if student else rng.uniform(2, 28))
        ref = f"O{n:05d}"
        name = f"{given} {surname}" if rank == "staff" else f"{rank} {given} {surname}"
        officers.append(Officer(ref=ref, name=name, rank=rank, team=team,
                                joined=ctx.as_of - dt.timedelta(days=int(years * 365.25)), pip_level=pip,
                                student_officer=student))
        roles.extend((ref, r) for r in role_list)
        advance()
        return ref

    for team in teams:
        if team.kind == "professional_standards":
            for _ in range(ctx.size(3, 12, 30)):
                add(team, rng.choice(["DS", "DI", "DC"]), 2, ["professional_standards"])
            continue
        if team.kind == "other":
            add(team, "staff", 0, ["auditor"])
            add(team, "staff", 0, ["administrator"])
            add(team, "Supt", 3, ["senior_officer"])
            continue
        size = next(p[2][si] for p in TEAM_PLAN if team.name.endswith(p[1]))
        # Command: a DI and one DS per eight officers; a Supt per borough on the MOSOVO team (s.96B applicant).
        add(team, "DI", 3 if team.kind == "investigation" else 2, ["senior_officer", "supervisor"])
        for _ in range(max(1, size // 8)):
            add(team, "DS", 2, ["supervisor", "allocation_manager"] if team.kind == "investigation" else ["supervisor"])
        if team.kind == "offender_management":
            add(team, "Supt", 3, ["senior_officer"])
            for _ in range(size):
                ref = add(team, rng.choice(["DC", "DC", "PC"]), 2, ["offender_manager"])
                if rng.random() < 0.6:
                    specs.append((ref, "sexual_offences", ctx.as_of + dt.timedelta(days=rng.randint(-200, 900))))
        elif team.kind == "investigation":
            specialist = team.name.endswith("Public Protection")
            for _ in range(size):
                rank = rng.choices(["PC", "DC"], [0.55, 0.45])[0] if not specialist else "DC"
                student = rank == "PC" and rng.random() < 0.45  # about a quarter of constables overall
                pip = 1 if (student or rank == "PC") else rng.choices([1, 2, 3], [0.25, 0.65, 0.10])[0]
                ref = add(team, rank, pip, ["investigator"], student=student)
                if pip >= 2:
                    pool = ["sexual_offences", "child_abuse", "online_csa", "domestic_abuse"]
                    k = rng.choices([0, 1, 2], [0.2, 0.5, 0.3] if specialist else [0.6, 0.3, 0.1])[0]
                    for s in rng.sample(pool, k):
                        specs.append((ref, s, ctx.as_of + dt.timedelta(days=rng.randint(-120, 1100))))
        else:
            role = "missing_persons_coordinator" if team.kind == "missing_persons" else "exploitation_analyst"
            for _ in range(size):
                add(team, rng.choice(["PC", "DC", "staff"]), 1, [role])
    for team in teams:  # last, so that every other officer keeps the reference and name a seed gave it before
        if team.kind == "other":
            for _ in range(2):  # two, so that an erasure one asks for another approves (four eyes)
                add(team, "staff", 0, ["information_manager"])
    advance.finish()
    Officer.objects.bulk_create(officers, batch_size=2000)
    pk = dict(Officer.objects.values_list("ref", "pk"))
    OfficerRole.objects.bulk_create([OfficerRole(officer_id=pk[r], role=role) for r, role in roles], batch_size=5000)
    Specialism.objects.bulk_create([Specialism(officer_id=pk[r], name=s, expires=e) for r, s, e in specs],
                                   batch_size=5000)
    ctx.shared["officer_pk"] = pk


# The demo personas, each an officer of the first borough whose work the demo walks through.
PERSONAS = [
    # (username, team kind, role, rank or None for any, description)
    ("om", "offender_management", "offender_manager", "DC", "An offender manager (MOSOVO)"),
    ("ds", "offender_management", "supervisor", "DS", "A detective sergeant supervising offender managers"),
    ("di", "offender_management", "senior_officer", "DI", "A detective inspector: escalation decisions"),
    ("supt", "offender_management", "senior_officer", "Supt", "A superintendent: s.96B applications, force view"),
    ("alloc", "investigation", "allocation_manager", "DS", "A crime allocation manager"),
    ("investigator", "investigation", "investigator", "DC", "An investigator"),
    ("mispers", "missing_persons", "missing_persons_coordinator", None, "A missing persons coordinator"),
    ("analyst", "exploitation", "exploitation_analyst", None, "An exploitation analyst"),
    ("pso", "professional_standards", "professional_standards", None, "Professional standards"),
    ("auditor", "other", "auditor", None, "An auditor / data protection officer"),
    ("admin", "other", "administrator", None, "An administrator"),
    ("records", "other", "information_manager", None,
     "An information manager: retention review, subject access, erasure"),
]


@generator("logins", order=15)
def demo_logins(ctx: GenerateContext) -> None:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    logins = []
    for username, team_kind, role, rank, description in PERSONAS:
        candidates = Officer.objects.filter(team__kind=team_kind, roles__role=role, user__isnull=True,
                                            student_officer=False)
        if rank:
            candidates = candidates.filter(rank=rank)
        officer = candidates.order_by("team_id", "pk").first()
        if officer is None:
            continue
        user = User.objects.create(username=username, password=password, email=f"{username}@vigil.example")
        officer.user = user
        officer.save(update_fields=["user"])
        logins.append((username, officer.ref, officer.name, description))
    ctx.shared["logins"] = logins


@generator("people", order=20)
def people(ctx: GenerateContext) -> None:
    """People the force holds records on (victims, witnesses, associates), spread over the teams."""
    rng = ctx.rng("people")
    count = ctx.size(150, 8000, 40000)
    teams = [t for t in ctx.shared["teams"] if t.kind in ("investigation", "offender_management")]
    advance = ctx.task("people", count)
    start = Person.objects.count()
    batch: list[Person] = []
    extras: list[tuple[int, dict, str | None, tuple | None]] = []
    for i in range(count):
        sex = rng.choice(["male", "female"])
        given, surname = fictional.person_name(rng, sex)
        ref = f"P{start + i + 1:07d}"
        batch.append(Person(ref=ref, given_names=given, surname=surname, sex=sex,
                            date_of_birth=fictional.date_of_birth(rng, ctx.as_of, 10, 80),
                            team=rng.choice(teams)))
        addr = fictional.address(rng)
        ph = fictional.phone(rng) if rng.random() < 0.5 else None
        alias = fictional.person_name(rng, sex) if rng.random() < 0.05 else None
        extras.append((i, addr, ph, alias))
        advance()
    Person.objects.bulk_create(batch, batch_size=5000)
    pk = dict(Person.objects.filter(ref__in=[p.ref for p in batch]).values_list("ref", "pk")) if len(batch) < 900 \
        else dict(Person.objects.filter(pk__gt=0).values_list("ref", "pk"))
    Address.objects.bulk_create([
        Address(person_id=pk[batch[i].ref], line1=a["line1"], town=a["town"], postcode=a["postcode"], kind="home",
                match_key=match_key(a["line1"], "", a["town"], a["postcode"]))
        for i, a, _, _ in extras], batch_size=5000)
    Phone.objects.bulk_create([Phone(person_id=pk[batch[i].ref], number=normalise_phone(ph))
                               for i, _, ph, _ in extras if ph], batch_size=5000)
    Alias.objects.bulk_create([Alias(person_id=pk[batch[i].ref], given_names=al[0], surname=al[1])
                               for i, _, _, al in extras if al], batch_size=5000)
