"""Interchange section ``crimes`` (docs/interchange/investigations.md).

The contract's fields (``id``, ``offence_code``, ``reported``, ``team``, ``flags``, ``allocated_to``,
``allocated_on``, ``status``, ``override``) plus, as the format allows it to grow: ``closed`` (the date a closed
crime was closed), ``victims`` and ``suspects`` (person ids) and ``summary``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from vigil.accounts.models import Officer, Team, rank_at_least
from vigil.core import clock, policy
from vigil.core.rows import chunks
from vigil.crimes import offences
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import Date, Enum, List, Obj, Ref, Str
from vigil.investigations.flags import FLAGS
from vigil.investigations.models import Allocation, Crime, CrimePerson
from vigil.investigations.rules import CrimeRules
from vigil.people.models import Person

OVERRIDE_MIN_RANK = "DS"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class CrimesSection(Section):
    name = "crimes"
    order = 70
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "offence_code": Str(required=True, nullable=False, max_length=16),
        "reported": Date(required=True, nullable=False, not_after=clock.today),
        "team": Ref(required=True, nullable=False, section="teams"),
        "flags": List(of=Enum(choices=FLAGS)),
        "allocated_to": Ref(section="officers"),
        "allocated_on": Date(),
        "status": Enum(choices=["open", "closed"]),
        "closed": Date(),
        "override": Obj(fields={
            "by": Ref(required=True, nullable=False, section="officers"),
            "at": Date(required=True, nullable=False),
            "rationale": Str(required=True, nullable=False, max_length=2000),
        }),
        "victims": List(of=Ref(section="people")),
        "suspects": List(of=Ref(section="people")),
        "summary": Str(max_length=300, blank=True),
    })

    def existing_ids(self, ids):
        return set(Crime.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        in_doc = ctx.doc.get("officers")  # a malformed section is reported by the schema
        ranks = {o["id"]: o["rank"] if isinstance(o.get("rank"), str) else None
                 for o in (in_doc if isinstance(in_doc, list) else [])
                 if isinstance(o, dict) and isinstance(o.get("id"), str)}
        wanted = {i["override"]["by"] for i in items if i.get("override")} - set(ranks)
        for part in chunks(sorted(wanted)):
            ranks.update(Officer.objects.filter(ref__in=part).values_list("ref", "rank"))
        for n, i in enumerate(items):
            at = f"crimes[{n}]"
            if i["offence_code"] not in offences.catalogue():
                ctx.problem(f"{at}.offence_code", f"{i['offence_code']!r} is not a Home Office offence code")
            reported, on, closed = _date(i["reported"]), _date(i.get("allocated_on")), _date(i.get("closed"))
            if bool(i.get("allocated_to")) != bool(on):
                ctx.problem(f"{at}.allocated_on", "allocated_to and allocated_on go together")
            if on and on < reported:
                ctx.problem(f"{at}.allocated_on", f"{on} is before the crime was reported ({reported})")
            if closed and closed < reported:
                ctx.problem(f"{at}.closed", f"{closed} is before the crime was reported ({reported})")
            if closed and on and closed < on:
                ctx.problem(f"{at}.closed", f"{closed} is before the crime was allocated ({on})")
            if closed and i.get("status", "open") != "closed":
                ctx.problem(f"{at}.status", "a crime with a closed date has the status 'closed'")
            override = i.get("override")
            if override:
                if not i.get("allocated_to"):
                    ctx.problem(f"{at}.override", "an override needs an allocation (allocated_to)")
                if override["by"] in ranks and not rank_at_least(ranks[override["by"]] or "", OVERRIDE_MIN_RANK):
                    ctx.problem(f"{at}.override.by", f"{override['by']!r} is not a supervisor (DS or above)")
                if not override["rationale"].strip():
                    ctx.problem(f"{at}.override.rationale", "must not be empty")

    def touched(self, items):
        return {"crime": {i["id"] for i in items}}

    def load(self, items, ctx):
        teams = dict(Team.objects.filter(ref__in={i["team"] for i in items}).values_list("ref", "pk"))
        officer_refs = {i["allocated_to"] for i in items if i.get("allocated_to")} | {
            i["override"]["by"] for i in items if i.get("override")}
        officers: dict[str, int] = {}
        for part in chunks(sorted(officer_refs)):
            officers.update(Officer.objects.filter(ref__in=part).values_list("ref", "pk"))
        crimes = []
        for i in items:
            reported = _date(i["reported"])
            closed = _date(i.get("closed"))
            if i.get("status") == "closed" and closed is None:
                closed = _date(i.get("allocated_on")) or reported  # the contract's closed crimes carry no date
            crimes.append(Crime(ref=i["id"], offence_code=i["offence_code"], reported=reported,
                                team_id=teams[i["team"]], closed_on=closed, summary=i.get("summary") or "",
                                **{f: True for f in set(i.get("flags") or ())}))
        Crime.objects.bulk_create(crimes, batch_size=2000)
        pk = {}
        for part in chunks([c.ref for c in crimes]):
            pk.update(Crime.objects.filter(ref__in=part).values_list("ref", "pk"))
        ctx.pks["crimes"].update(pk)
        now = clock.now()
        rules = CrimeRules(policy.current())
        Allocation.objects.bulk_create([
            Allocation(crime_id=pk[i["id"]], officer_id=officers[i["allocated_to"]],
                       start=_date(i["allocated_on"]), end=c.closed_on, recorded_at=now,
                       units=rules.units_for(rules.requirement(c.offence_code, c.flags).pip_level),
                       method=Allocation.Method.IMPORT,
                       override_by_id=officers[i["override"]["by"]] if i.get("override") else None,
                       override_on=_date(i["override"]["at"]) if i.get("override") else None,
                       override_rationale=i["override"]["rationale"].strip() if i.get("override") else "")
            for i, c in zip(items, crimes, strict=True) if i.get("allocated_to")], batch_size=2000)
        people_refs = {p for i in items for p in (i.get("victims") or []) + (i.get("suspects") or [])}
        people: dict[str, int] = {}
        for part in chunks(sorted(people_refs)):
            people.update(Person.objects.filter(ref__in=part).values_list("ref", "pk"))
        CrimePerson.objects.bulk_create([
            CrimePerson(crime_id=pk[i["id"]], person_id=people[p], role=role)
            for i in items for role in ("victim", "suspect") for p in dict.fromkeys(i.get(f"{role}s") or [])],
            batch_size=5000)

    def export(self, ctx):
        crimes = Crime.objects.order_by("ref").values("pk", "ref", "offence_code", "reported", "team__ref",
                                                       "closed_on", "summary", *FLAGS)
        batch: list[dict] = []
        for row in crimes.iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) == 900:
                yield from self._export_chunk(batch)
                batch = []
        if batch:
            yield from self._export_chunk(batch)

    @staticmethod
    def _export_chunk(rows: list[dict]):
        ids = [r["pk"] for r in rows]
        latest: dict[int, dict] = {}
        for a in (Allocation.objects.filter(crime_id__in=ids).order_by("start", "id")
                  .values("crime_id", "officer__ref", "start", "override_by__ref", "override_on",
                          "override_rationale")):
            latest[a["crime_id"]] = a
        people: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for crime_id, role, ref in (CrimePerson.objects.filter(crime_id__in=ids, person__erased_at__isnull=True).order_by("person__ref")
                                    .values_list("crime_id", "role", "person__ref")):
            people[crime_id][role].append(ref)
        for r in rows:
            a = latest.get(r["pk"])
            yield {
                "id": r["ref"], "offence_code": r["offence_code"], "reported": r["reported"].isoformat(),
                "team": r["team__ref"], "flags": [f for f in FLAGS if r[f]],
                "allocated_to": a["officer__ref"] if a else None,
                "allocated_on": a["start"].isoformat() if a else None,
                "status": "closed" if r["closed_on"] else "open",
                "closed": r["closed_on"].isoformat() if r["closed_on"] else None,
                "override": {"by": a["override_by__ref"], "at": a["override_on"].isoformat(),
                             "rationale": a["override_rationale"]} if a and a["override_by__ref"] else None,
                "victims": people[r["pk"]]["victim"], "suspects": people[r["pk"]]["suspect"],
                "summary": r["summary"],
            }


register(CrimesSection())
