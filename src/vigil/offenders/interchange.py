"""Interchange sections ``subjects`` (order 40), ``assessments`` (50) and ``visits`` (60).

Exactly the fields of docs/interchange.md, plus the optional fields documented in docs/interchange/offenders.md
(the format may grow). Checks beyond the schema: a visit or assessment dated before its subject existed is
refused; visits and assessments without an ``id`` that repeat one already in the document or the database are
refused as duplicates, and an announced visit needs a reason, by the same rules as the web and API
(``offenders/checks.py``); a calculated tool's score must match its item codings.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from vigil.accounts.models import Officer, Team
from vigil.core import clock
from vigil.core.rows import chunks
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import Bool, Date, Enum, Int, List, Number, Obj, Ref, Str, Time
from vigil.offenders import checks
from vigil.offenders.calculators import CALCULATED_TOOLS
from vigil.offenders.calculators.result import CodingError
from vigil.offenders.models import (
    Assessment,
    Disposal,
    Mode,
    ModePeriod,
    NotificationRecord,
    Order,
    OrderKind,
    Outcome,
    RiskLevel,
    Subject,
    SubjectKind,
    ToolScore,
    Visit,
)
from vigil.people.models import Person


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _pks(model, refs: Iterable[str], known: dict[str, int] | None = None) -> dict[str, int]:
    """ref → pk for refs loaded earlier in this import (``known``) or already in the database."""
    out = dict(known or {})
    missing = sorted(set(refs) - set(out))
    for part in chunks(missing):
        out.update(model.objects.filter(ref__in=part).values_list("ref", "pk"))
    return out


def subject_starts(refs: set[str], ctx) -> dict[str, dt.date]:
    """When each subject's management began: from this document, else from the database."""
    starts = {}
    in_doc = ctx.doc.get("subjects")
    for item in in_doc if isinstance(in_doc, list) else []:  # a malformed section is reported by the schema
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] in refs:
            try:
                starts[item["id"]] = dt.date.fromisoformat(item["managed_from"])
            except (TypeError, ValueError, KeyError):
                continue
    for part in chunks(sorted(refs - set(starts))):
        starts.update(Subject.objects.filter(ref__in=part).values_list("ref", "managed_from"))
    return starts


PERIOD = Obj(fields={"mode": Enum(required=True, nullable=False, choices=[m for m in Mode.values if m != "active"]),
                     "from": Date(required=True, nullable=False), "to": Date(required=True, nullable=False)})


class SubjectsSection(Section):
    name = "subjects"
    order = 40
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "person": Ref(required=True, nullable=False, section="people"),
        "kind": Enum(required=True, nullable=False, choices=SubjectKind.values),
        "team": Ref(required=True, nullable=False, section="teams"),
        "manager": Ref(section="officers"),
        "managed_from": Date(required=True, nullable=False, not_after=clock.today),
        "managed_until": Date(),
        "mode": Enum(choices=Mode.values),
        "mode_since": Date(not_after=clock.today),
        "mode_history": List(of=PERIOD),
        "mappa": Obj(fields={"category": Int(min=1, max=3), "level": Int(min=1, max=3)}),
        "notification": Obj(fields={"start": Date(), "end": Date(), "last_periodic": Date(not_after=clock.today),
                                    "no_fixed_abode": Bool(), "disposal": Enum(choices=Disposal.values),
                                    "under_18": Bool()}),
        "orders": List(of=Obj(fields={"kind": Enum(required=True, nullable=False, choices=OrderKind.values),
                                      "start": Date(required=True, nullable=False), "end": Date(),
                                      "conditions": Str(max_length=8000, blank=True)})),
        "suspect": Obj(fields={"children_in_household": Bool(), "children_noted_on": Date(),
                               "safeguarding_referral_on": Date(), "investigation_opened": Date()}),
    })

    def existing_ids(self, ids):
        return set(Subject.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        for i, s in enumerate(items):
            start = _d(s["managed_from"])
            last_end = None
            for j, p in enumerate(sorted(s.get("mode_history") or [], key=lambda p: p["from"])):
                path = f"subjects[{i}].mode_history[{j}]"
                if p["to"] < p["from"]:
                    ctx.problem(f"{path}.to", "is before 'from'")
                if _d(p["from"]) < start:
                    ctx.problem(f"{path}.from", f"{p['from']} is before management began ({s['managed_from']})")
                if last_end and p["from"] <= last_end:
                    ctx.problem(f"{path}.from", "overlaps the period before it")
                last_end = p["to"]
            if s.get("mode_since") and last_end and s["mode_since"] <= last_end:
                ctx.problem(f"subjects[{i}].mode_since", "is within an earlier mode period")
            if s.get("managed_until") and s["managed_until"] < s["managed_from"]:
                ctx.problem(f"subjects[{i}].managed_until", "is before managed_from")
            n = s.get("notification") or {}
            if n.get("end") and n.get("start") and n["end"] < n["start"]:
                ctx.problem(f"subjects[{i}].notification.end", "is before the start")
            if s["kind"] == "registered_offender" and not n.get("start") and n:
                ctx.problem(f"subjects[{i}].notification.start", "a registered offender's notification needs a start")

    def touched(self, items):
        return {"subject": {i["id"] for i in items}}

    def load(self, items, ctx):
        people = _pks(Person, {i["person"] for i in items}, ctx.pks.get("people"))
        teams = _pks(Team, {i["team"] for i in items}, ctx.pks.get("teams"))
        officers = _pks(Officer, {i["manager"] for i in items if i.get("manager")}, ctx.pks.get("officers"))
        rows = []
        for i in items:
            n, m, sus = i.get("notification") or {}, i.get("mappa") or {}, i.get("suspect") or {}
            rows.append(Subject(
                ref=i["id"], person_id=people[i["person"]], kind=i["kind"], team_id=teams[i["team"]],
                manager_id=officers.get(i.get("manager")), managed_from=_d(i["managed_from"]),
                managed_until=_d(i.get("managed_until")), mode=i.get("mode") or "active",
                mode_since=current_mode_start(i), mappa_category=m.get("category"), mappa_level=m.get("level"),
                notification_start=_d(n.get("start")), notification_end=_d(n.get("end")),
                no_fixed_abode=bool(n.get("no_fixed_abode")), disposal=n.get("disposal") or "",
                under_18_at_conviction=bool(n.get("under_18")),
                children_in_household=bool(sus.get("children_in_household")),
                children_noted_on=_d(sus.get("children_noted_on")),
                safeguarding_referral_on=_d(sus.get("safeguarding_referral_on")),
                investigation_opened=_d(sus.get("investigation_opened"))))
        Subject.objects.bulk_create(rows, batch_size=2000)
        pk = _pks(Subject, [i["id"] for i in items])
        ctx.pks["subjects"].update(pk)
        periods, notes, orders = [], [], []
        for i in items:
            sid = pk[i["id"]]
            periods += [ModePeriod(subject_id=sid, mode=p["mode"], start=_d(p["from"]), end=_d(p["to"]),
                                   reason="imported") for p in i.get("mode_history") or []]
            if (i.get("mode") or "active") != "active":
                periods.append(ModePeriod(subject_id=sid, mode=i["mode"], start=current_mode_start(i),
                                          reason="imported (current mode)"))
            last = (i.get("notification") or {}).get("last_periodic")
            if last:
                notes.append(NotificationRecord(subject_id=sid, kind="periodic", on=_d(last), detail="imported"))
            orders += [Order(subject_id=sid, kind=o["kind"], start=_d(o["start"]), end=_d(o.get("end")),
                             conditions=o.get("conditions") or "") for o in i.get("orders") or []]
        ModePeriod.objects.bulk_create(periods, batch_size=5000)
        NotificationRecord.objects.bulk_create(notes, batch_size=5000)
        Order.objects.bulk_create(orders, batch_size=5000)

    def export(self, ctx):
        periods: dict[int, list] = defaultdict(list)
        for sid, mode, start, end in ModePeriod.objects.filter(end__isnull=False).order_by("start").values_list(
                "subject_id", "mode", "start", "end").iterator(chunk_size=20000):
            periods[sid].append({"mode": mode, "from": start.isoformat(), "to": end.isoformat()})
        last_periodic = dict(NotificationRecord.objects.filter(kind="periodic").order_by("on")
                             .values_list("subject_id", "on"))
        orders: dict[int, list] = defaultdict(list)
        for o in Order.objects.order_by("start").values("subject_id", "kind", "start", "end", "conditions"):
            orders[o["subject_id"]].append({"kind": o["kind"], "start": _iso(o["start"]), "end": _iso(o["end"]),
                                            "conditions": o["conditions"]})
        qs = Subject.objects.order_by("ref").values(
            "pk", "ref", "person__ref", "kind", "team__ref", "manager__ref", "managed_from", "managed_until", "mode",
            "mode_since", "mappa_category", "mappa_level", "notification_start", "notification_end",
            "no_fixed_abode", "disposal", "under_18_at_conviction", "children_in_household", "children_noted_on",
            "safeguarding_referral_on", "investigation_opened")
        for s in qs.iterator(chunk_size=5000):
            item = {
                "id": s["ref"], "person": s["person__ref"], "kind": s["kind"], "team": s["team__ref"],
                "manager": s["manager__ref"], "managed_from": _iso(s["managed_from"]), "mode": s["mode"],
                "mode_history": periods.get(s["pk"], []),
                "mappa": {"category": s["mappa_category"], "level": s["mappa_level"]},
                "notification": {"start": _iso(s["notification_start"]), "end": _iso(s["notification_end"]),
                                 "last_periodic": _iso(last_periodic.get(s["pk"]))},
            }
            if s["mode_since"]:
                item["mode_since"] = _iso(s["mode_since"])
            if s["managed_until"]:
                item["managed_until"] = _iso(s["managed_until"])
            if s["no_fixed_abode"] or s["disposal"] or s["under_18_at_conviction"]:
                item["notification"].update(no_fixed_abode=s["no_fixed_abode"], disposal=s["disposal"] or None,
                                            under_18=s["under_18_at_conviction"])
            if orders.get(s["pk"]):
                item["orders"] = orders[s["pk"]]
            if s["kind"] == "suspect":
                item["suspect"] = {"children_in_household": s["children_in_household"],
                                   "children_noted_on": _iso(s["children_noted_on"]),
                                   "safeguarding_referral_on": _iso(s["safeguarding_referral_on"]),
                                   "investigation_opened": _iso(s["investigation_opened"])}
            yield item


def current_mode_start(item: dict) -> dt.date | None:
    """When the current mode began: ``mode_since``; else the day after the last earlier period; else the
    management start (docs/adr/0105)."""
    if (item.get("mode") or "active") == "active" and not item.get("mode_since"):
        return None
    if item.get("mode_since"):
        return _d(item["mode_since"])
    ends = [p["to"] for p in item.get("mode_history") or []]
    return _d(max(ends)) + dt.timedelta(days=1) if ends else _d(item["managed_from"])


TOOL = Obj(fields={"tool": Str(required=True, nullable=False, max_length=32), "score": Number(),
                   "band": Str(max_length=32, blank=True), "items": Obj()})


class AssessmentsSection(Section):
    name = "assessments"
    order = 50
    item = Obj(fields={
        "id": Str(max_length=64),
        "subject": Ref(required=True, nullable=False, section="subjects"),
        "date": Date(required=True, nullable=False, not_after=clock.today),
        "risk_level": Enum(required=True, nullable=False, choices=RiskLevel.values),
        "assessor": Ref(required=True, nullable=False, section="officers"),
        "approved_by": Ref(section="officers"),
        "approved_on": Date(not_after=clock.today),
        "tools": List(of=TOOL),
        "rationale": Str(required=True, nullable=False, max_length=20000),
        "factors": Obj(fields={"risk": Obj(), "protective": Obj()}),
    })

    def existing_ids(self, ids):
        return set(Assessment.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        starts = subject_starts({a["subject"] for a in items}, ctx)
        seen: dict[tuple, int] = {}
        for i, a in enumerate(items):
            start = starts.get(a["subject"])
            if start and _d(a["date"]) < start:
                ctx.problem(f"assessments[{i}].date", f"{a['date']} is before the subject {a['subject']} existed "
                                                      f"(managed from {start.isoformat()})")
            if a.get("approved_on") and a["approved_on"] < a["date"]:
                ctx.problem(f"assessments[{i}].approved_on", "is before the assessment")
            if a.get("approved_by") and a["approved_by"] == a["assessor"]:
                ctx.problem(f"assessments[{i}].approved_by", "nobody approves their own assessment")
            for j, t in enumerate(a.get("tools") or []):
                self._check_tool(t, f"assessments[{i}].tools[{j}]", ctx)
            if not a.get("id"):
                key = checks.assessment_key(a["subject"], a["date"], a["assessor"])
                if key in seen:
                    ctx.problem(f"assessments[{i}]", f"duplicates assessments[{seen[key]}] (same subject, date and "
                                                     "assessor, and no id)")
                seen[key] = i
        self._check_database_duplicates(items, ctx)

    @staticmethod
    def _check_tool(t: dict, path: str, ctx) -> None:
        name = t["tool"].strip().lower()
        if name not in CALCULATED_TOOLS or not t.get("items"):
            return
        try:
            scored = CALCULATED_TOOLS[name](t["items"])
        except CodingError as exc:
            ctx.problem(f"{path}.items", str(exc))
            return
        if t.get("score") is not None and t["score"] != scored.score:
            ctx.problem(f"{path}.score", f"{t['score']} does not match the {name} item codings, which total "
                                         f"{scored.score:g}")

    @staticmethod
    def _check_database_duplicates(items, ctx) -> None:
        plain = [(i, a) for i, a in enumerate(items) if not a.get("id")]
        if not plain:
            return
        existing = checks.held_assessment_keys(a["subject"] for _, a in plain)
        for i, a in plain:
            if checks.assessment_key(a["subject"], a["date"], a["assessor"]) in existing:
                ctx.problem(f"assessments[{i}]", "is already in the database (same subject, date and assessor)")

    def touched(self, items):
        return {"subject": {i["subject"] for i in items}}

    def load(self, items, ctx):
        subjects = _pks(Subject, {a["subject"] for a in items}, ctx.pks.get("subjects"))
        officers = _pks(Officer, {a["assessor"] for a in items} | {a["approved_by"] for a in items
                                                                   if a.get("approved_by")},
                        ctx.pks.get("officers"))
        now = clock.now()
        rows = [Assessment(
            ref=a.get("id") or None, subject_id=subjects[a["subject"]], date=_d(a["date"]),
            risk_level=a["risk_level"], assessor_id=officers[a["assessor"]],
            approved_by_id=officers.get(a.get("approved_by")),
            approved_on=_d(a.get("approved_on")) or (_d(a["date"]) if a.get("approved_by") else None),
            rationale=a["rationale"], factors=a.get("factors") or {}, recorded_at=now) for a in items]
        Assessment.objects.bulk_create(rows, batch_size=2000)
        if any(r.pk is None for r in rows):
            raise RuntimeError("the database did not return assessment ids")
        tools = []
        for a, row in zip(items, rows, strict=True):
            for t in a.get("tools") or []:
                name = t["tool"].strip().lower()
                if name in CALCULATED_TOOLS and t.get("items"):
                    scored = CALCULATED_TOOLS[name](t["items"])
                    tools.append(ToolScore(assessment_id=row.pk, tool=name, score=scored.score, band=scored.band,
                                           items=t["items"], calculated=True))
                else:
                    tools.append(ToolScore(assessment_id=row.pk, tool=name, score=t.get("score"),
                                           band=t.get("band") or "", items=t.get("items")))
        ToolScore.objects.bulk_create(tools, batch_size=5000)

    def export(self, ctx):
        tools: dict[int, list] = defaultdict(list)
        for t in ToolScore.objects.order_by("pk").values("assessment_id", "tool", "score", "band", "items"):
            entry = {"tool": t["tool"], "score": t["score"], "band": t["band"]}
            if t["items"]:
                entry["items"] = {k: v for k, v in t["items"].items() if not k.startswith("_")
                                  and k not in ("probability_1y", "probability_2y", "band_name")}
            tools[t["assessment_id"]].append(entry)
        qs = Assessment.objects.order_by("subject__ref", "date", "pk").values(
            "pk", "ref", "subject__ref", "date", "risk_level", "assessor__ref", "approved_by__ref", "approved_on",
            "rationale", "factors")
        for a in qs.iterator(chunk_size=5000):
            item = {"subject": a["subject__ref"], "date": _iso(a["date"]), "risk_level": a["risk_level"],
                    "assessor": a["assessor__ref"], "approved_by": a["approved_by__ref"],
                    "approved_on": _iso(a["approved_on"]), "tools": tools.get(a["pk"], []),
                    "rationale": a["rationale"]}
            if a["ref"]:
                item = {"id": a["ref"], **item}
            if a["factors"]:
                item["factors"] = a["factors"]
            yield item


class VisitsSection(Section):
    name = "visits"
    order = 60
    item = Obj(fields={
        "id": Str(max_length=64),
        "subject": Ref(required=True, nullable=False, section="subjects"),
        "date": Date(required=True, nullable=False, not_after=clock.today),
        "time": Time(),
        "officers": List(of=Ref(section="officers")),
        "announced": Bool(required=True, nullable=False),
        "announce_reason": Str(max_length=2000, blank=True),
        "outcome": Enum(required=True, nullable=False, choices=Outcome.values),
        "devices_checked": Bool(),
        "concerns": Str(max_length=8000, blank=True),
        "notes": Str(max_length=20000, blank=True),
    })

    def existing_ids(self, ids):
        return set(Visit.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        starts = subject_starts({v["subject"] for v in items}, ctx)
        seen: dict[tuple, int] = {}
        for i, v in enumerate(items):
            start = starts.get(v["subject"])
            if start and _d(v["date"]) < start:
                ctx.problem(f"visits[{i}].date", f"{v['date']} is before the subject {v['subject']} existed "
                                                 f"(managed from {start.isoformat()})")
            problem = checks.announce_reason_problem(v["announced"], v.get("announce_reason"))
            if problem:
                ctx.problem(f"visits[{i}].announce_reason", problem)
            if not v.get("id"):
                key = _visit_key(v)
                if key in seen:
                    ctx.problem(f"visits[{i}]", f"duplicates visits[{seen[key]}] (same subject, date, time and "
                                                "outcome, and no id)")
                seen[key] = i
        plain = [(i, v) for i, v in enumerate(items) if not v.get("id")]
        if plain:
            existing = checks.held_visit_keys(v["subject"] for _, v in plain)
            for i, v in plain:
                if _visit_key(v) in existing:
                    ctx.problem(f"visits[{i}]", "is already in the database (same subject, date, time and outcome)")

    def touched(self, items):
        return {"subject": {i["subject"] for i in items}}

    def load(self, items, ctx):
        subjects = _pks(Subject, {v["subject"] for v in items}, ctx.pks.get("subjects"))
        officers = _pks(Officer, {o for v in items for o in v.get("officers") or []}, ctx.pks.get("officers"))
        now = clock.now()
        rows = []
        for v in items:
            refs = v.get("officers") or []
            rows.append(Visit(
                ref=v.get("id") or None, subject_id=subjects[v["subject"]], date=_d(v["date"]),
                time=dt.time.fromisoformat(v["time"]) if v.get("time") else None,
                lead_officer_id=officers[refs[0]] if refs else None, announced=v["announced"],
                announce_reason=v.get("announce_reason") or "", outcome=v["outcome"],
                devices_checked=v.get("devices_checked"), concerns=v.get("concerns") or "",
                notes=v.get("notes") or "", recorded_at=now))
        Visit.objects.bulk_create(rows, batch_size=5000)
        through = Visit.other_officers.through
        links = [through(visit_id=row.pk, officer_id=officers[o])
                 for v, row in zip(items, rows, strict=True) for o in dict.fromkeys((v.get("officers") or [])[1:])]
        if links and any(r.pk is None for r in rows):
            raise RuntimeError("the database did not return visit ids")
        through.objects.bulk_create(links, batch_size=5000)

    def export(self, ctx):
        others: dict[int, list] = defaultdict(list)
        through = Visit.other_officers.through
        for vid, ref in through.objects.order_by("pk").values_list("visit_id", "officer__ref"):
            others[vid].append(ref)
        qs = Visit.objects.order_by("subject__ref", "date", "time", "pk").values_list(
            "pk", "ref", "subject__ref", "date", "time", "lead_officer__ref", "announced", "announce_reason",
            "outcome", "devices_checked", "concerns", "notes")
        for pk, ref, subject, date, time, lead, announced, reason, outcome, devices, concerns, notes in \
                qs.iterator(chunk_size=20000):
            item = {"subject": subject, "date": date.isoformat(), "time": time.strftime("%H:%M") if time else None,
                    "officers": ([lead] if lead else []) + others.get(pk, []), "announced": announced,
                    "announce_reason": reason or None, "outcome": outcome}
            if ref:
                item = {"id": ref, **item}
            if devices is not None:
                item["devices_checked"] = devices
            if concerns:
                item["concerns"] = concerns
            if notes:
                item["notes"] = notes
            yield item


def _visit_key(v: dict) -> tuple:
    return checks.visit_key(v["subject"], v["date"], v.get("time"), v["outcome"])


register(SubjectsSection())
register(AssessmentsSection())
register(VisitsSection())
