"""Interchange sections ``teams`` and ``officers``."""
from __future__ import annotations

import datetime as dt

from vigil.accounts.models import (
    Borough,
    Officer,
    OfficerRole,
    Rank,
    Role,
    Specialism,
    SpecialismName,
    Team,
    TeamKind,
)
from vigil.core import clock
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import Bool, Date, Enum, Int, List, Obj, Ref, Str


class TeamsSection(Section):
    name = "teams"
    order = 10
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "name": Str(required=True, nullable=False, max_length=200),
        "kind": Enum(required=True, nullable=False, choices=TeamKind.values),
        "borough": Str(max_length=100),
    })

    def existing_ids(self, ids):
        return set(Team.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def load(self, items, ctx):
        boroughs = {b.name: b for b in Borough.objects.all()}
        for name in {i["borough"] for i in items if i.get("borough")} - set(boroughs):
            boroughs[name] = Borough.objects.create(name=name)
        created = Team.objects.bulk_create([
            Team(ref=i["id"], name=i["name"], kind=i["kind"], borough=boroughs.get(i.get("borough") or ""))
            for i in items
        ])
        ctx.pks["teams"].update({t.ref: t.pk for t in created})

    def export(self, ctx):
        for t in Team.objects.select_related("borough").order_by("ref").iterator():
            yield {"id": t.ref, "name": t.name, "kind": t.kind, "borough": t.borough.name if t.borough else None}


class OfficersSection(Section):
    name = "officers"
    order = 20
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "name": Str(required=True, nullable=False, max_length=200),
        "rank": Enum(required=True, nullable=False, choices=Rank.values),
        "team": Ref(required=True, nullable=False, section="teams"),
        "joined": Date(required=True, nullable=False, not_after=clock.today),
        "pip_level": Int(min=0, max=4),
        "student_officer": Bool(),
        "specialisms": List(of=Obj(fields={
            "name": Enum(required=True, nullable=False, choices=SpecialismName.values),
            "expires": Date(),
        })),
        "roles": List(of=Enum(choices=Role.values)),
    })

    def existing_ids(self, ids):
        return set(Officer.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        for i, item in enumerate(items):
            names = [s["name"] for s in item.get("specialisms") or []]
            if len(names) != len(set(names)):
                ctx.problem(f"officers[{i}].specialisms", "a specialism is listed twice")

    def load(self, items, ctx):
        teams = dict(Team.objects.filter(ref__in={i["team"] for i in items}).values_list("ref", "pk"))
        officers = Officer.objects.bulk_create([
            Officer(ref=i["id"], name=i["name"], rank=i["rank"], team_id=teams[i["team"]],
                    joined=dt.date.fromisoformat(i["joined"]), pip_level=i.get("pip_level") or 1,
                    student_officer=bool(i.get("student_officer")))
            for i in items
        ], batch_size=2000)
        pk = {o.ref: o.pk for o in officers}
        if any(o.pk is None for o in officers):  # backends that do not return ids from bulk_create
            pk = dict(Officer.objects.filter(ref__in=[i["id"] for i in items]).values_list("ref", "pk"))
        ctx.pks["officers"].update(pk)
        Specialism.objects.bulk_create([
            Specialism(officer_id=pk[i["id"]], name=s["name"],
                       expires=dt.date.fromisoformat(s["expires"]) if s.get("expires") else None)
            for i in items for s in i.get("specialisms") or []
        ], batch_size=5000)
        OfficerRole.objects.bulk_create([
            OfficerRole(officer_id=pk[i["id"]], role=r) for i in items for r in dict.fromkeys(i.get("roles") or [])
        ], batch_size=5000)

    def export(self, ctx):
        specs: dict[int, list] = {}
        for s in Specialism.objects.order_by("name").values("officer_id", "name", "expires"):
            specs.setdefault(s["officer_id"], []).append(
                {"name": s["name"], "expires": s["expires"].isoformat() if s["expires"] else None})
        roles: dict[int, list] = {}
        for r in OfficerRole.objects.order_by("role").values("officer_id", "role"):
            roles.setdefault(r["officer_id"], []).append(r["role"])
        for o in Officer.objects.select_related("team").order_by("ref").iterator(chunk_size=5000):
            yield {"id": o.ref, "name": o.name, "rank": o.rank, "team": o.team.ref, "joined": o.joined.isoformat(),
                   "pip_level": o.pip_level, "student_officer": o.student_officer,
                   "specialisms": specs.get(o.pk, []), "roles": roles.get(o.pk, [])}


register(TeamsSection())
register(OfficersSection())
