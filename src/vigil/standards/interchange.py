"""Interchange section ``officer_cases`` (docs/interchange/investigations.md): professional-standards cases.

Fields: ``id``, ``officer``, ``category``, ``opened``, ``closed`` (null while open) and, as the format allows it to
grow, ``summary``. Whether a case restricts the officer follows from its category and dates (§4).
"""
from __future__ import annotations

import datetime as dt

from vigil.accounts.models import Officer
from vigil.core import clock
from vigil.core.rows import chunks
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import Date, Enum, Obj, Ref, Str
from vigil.standards.models import CaseCategory, OfficerCase


class OfficerCasesSection(Section):
    name = "officer_cases"
    order = 80
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "officer": Ref(required=True, nullable=False, section="officers"),
        "category": Enum(required=True, nullable=False, choices=CaseCategory.values),
        "opened": Date(required=True, nullable=False, not_after=clock.today),
        "closed": Date(not_after=clock.today),
        "summary": Str(max_length=2000, blank=True),
    })

    def existing_ids(self, ids):
        return set(OfficerCase.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        for n, i in enumerate(items):
            if i.get("closed") and i["closed"] < i["opened"]:
                ctx.problem(f"officer_cases[{n}].closed", f"{i['closed']} is before the case was opened "
                            f"({i['opened']})")

    def touched(self, items):
        """The crimes the officers hold: a case may start or end a restriction that covers them."""
        from vigil.investigations.models import Allocation

        officers = sorted({i["officer"] for i in items})
        return {"crime": {ref for part in chunks(officers) for ref in Allocation.objects.filter(
            officer__ref__in=part, end__isnull=True).values_list("crime__ref", flat=True)}}

    def load(self, items, ctx):
        officers: dict[str, int] = {}
        for part in chunks(sorted({i["officer"] for i in items})):
            officers.update(Officer.objects.filter(ref__in=part).values_list("ref", "pk"))
        OfficerCase.objects.bulk_create([
            OfficerCase(ref=i["id"], officer_id=officers[i["officer"]], category=i["category"],
                        opened=dt.date.fromisoformat(i["opened"]),
                        closed=dt.date.fromisoformat(i["closed"]) if i.get("closed") else None,
                        summary=i.get("summary") or "") for i in items], batch_size=2000)

    def export(self, ctx):
        for c in OfficerCase.objects.select_related("officer").order_by("ref").iterator(chunk_size=2000):
            yield {"id": c.ref, "officer": c.officer.ref, "category": c.category, "opened": c.opened.isoformat(),
                   "closed": c.closed.isoformat() if c.closed else None, "summary": c.summary}


register(OfficerCasesSection())
