"""Interchange section ``missing_episodes`` (order 90). The full format is in docs/interchange/missing.md.

Date-times are ISO 8601. One without an offset is read as the force's local time (Europe/London); exports write
local time with its offset. ``last_seen_at`` is a date-time; a text that is not one is kept as the place the
child was last seen (ADR 0306). A screening's ``stage`` may be omitted: one at or after the return is the
screening at return.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from vigil.accounts.models import Officer, Team
from vigil.core import clock
from vigil.core.rows import chunks
from vigil.interchange.registry import Section, register
from vigil.interchange.schema import DateTime, Enum, Field, List, Obj, Ref, Str, parse_datetime, within_range
from vigil.missing.deadlines import FORCE_TZ
from vigil.missing.models import Grading, MissingEpisode, RiskGrade, Screening, Stage, StrategyMeeting
from vigil.missing.rules import INDICATORS
from vigil.people.addresses import match_key, normalise_postcode
from vigil.people.models import Person


@dataclass
class Moment(Field):
    """A date-time, or a date (read as the start of that day)."""

    def check(self, value, path, problems):
        when = _moment(value)
        if when is None:
            problems.append(f"{path}: {value!r:.60} is not a date or a date and time (ISO 8601)")
        else:
            within_range(when.date(), path, problems)


def _moment(value) -> dt.datetime | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0, 0), tzinfo=FORCE_TZ)
        except ValueError:
            return None
    return _aware(parse_datetime(value))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=FORCE_TZ) if value.tzinfo is None else value


def _at(value) -> dt.datetime | None:
    return _aware(parse_datetime(value)) if value else None


def _out(value: dt.datetime | None) -> str | None:
    return value.astimezone(FORCE_TZ).isoformat(timespec="seconds") if value else None


FOUND_AT = Obj(fields={
    "line1": Str(required=True, nullable=False, max_length=200),
    "line2": Str(max_length=200, blank=True),
    "town": Str(max_length=100, blank=True),
    "postcode": Str(max_length=10, blank=True),
})

SCREENING = Obj(fields={
    "at": DateTime(required=True, nullable=False),
    "stage": Enum(choices=Stage.values),
    "indicators": List(of=Enum(required=True, nullable=False, choices=list(INDICATORS))),
    "referral": DateTime(),
    "referral_to": Str(max_length=200, blank=True),
    "notes": Str(max_length=5000, blank=True),
})


class MissingEpisodesSection(Section):
    name = "missing_episodes"
    order = 90
    item = Obj(fields={
        "id": Str(required=True, nullable=False, max_length=64),
        "child": Ref(section="people", required=True, nullable=False),
        "team": Ref(section="teams"),
        "coordinator": Ref(section="officers"),
        "reported": DateTime(required=True, nullable=False),
        "reported_by": Ref(section="people"),
        "last_seen_at": Str(max_length=300, blank=True),
        "last_seen_place": Str(max_length=300, blank=True),
        "circumstances": Str(max_length=10000, blank=True),
        "risk_grade": Enum(choices=RiskGrade.values),
        "graded_at": DateTime(),
        "grade_rationale": Str(max_length=5000, blank=True),
        "returned": DateTime(),
        "found_at": FOUND_AT,
        "found_with": List(of=Ref(section="people", required=True, nullable=False)),
        "condition": Str(max_length=5000, blank=True),
        "screenings": List(of=SCREENING),
        "prevention_interview": DateTime(),
        "return_interview": DateTime(),
        "strategy_meeting": Moment(),
    })

    def existing_ids(self, ids):
        return set(MissingEpisode.objects.filter(ref__in=ids).values_list("ref", flat=True))

    def check(self, items, ctx):
        now = clock.now()
        for i, e in enumerate(items):
            p = f"missing_episodes[{i}]"
            reported, returned = _at(e["reported"]), _at(e.get("returned"))
            if reported > now:
                ctx.problem(f"{p}.reported", f"{e['reported']} is in the future")
            seen = _at(e.get("last_seen_at"))
            if seen and not within_range(seen.date(), f"{p}.last_seen_at", ctx.problems):
                seen = None
            if seen and seen > reported:
                ctx.problem(f"{p}.last_seen_at", "is after the report")
            if returned and returned < reported:
                ctx.problem(f"{p}.returned", "is before the report")
            if returned and returned > now:
                ctx.problem(f"{p}.returned", f"{e['returned']} is in the future")
            if e["child"] in (e.get("found_with") or []):
                ctx.problem(f"{p}.found_with", "lists the child themselves")
            if e.get("found_at") and not returned:
                ctx.problem(f"{p}.found_at", "is given but the episode has no 'returned'")
            graded = _at(e.get("graded_at"))
            if graded and graded < reported:
                ctx.problem(f"{p}.graded_at", "is before the report")
            for j, s in enumerate(e.get("screenings") or []):
                at = _at(s["at"])
                if at < reported:
                    ctx.problem(f"{p}.screenings[{j}].at", "is before the report")
                if s.get("stage") == "return" and (not returned or at < returned):
                    ctx.problem(f"{p}.screenings[{j}].stage", "'return' needs a screening at or after 'returned'")
                if s.get("referral") and not s.get("indicators"):
                    ctx.problem(f"{p}.screenings[{j}].referral", "is given but no indicator is present")
            for key in ("prevention_interview", "return_interview"):
                when = _at(e.get(key))
                if when and (not returned or when < returned):
                    ctx.problem(f"{p}.{key}", "must be at or after 'returned'")

    def touched(self, items):
        return {"person": {e["child"] for e in items}}

    def load(self, items, ctx):
        person_refs = {e["child"] for e in items} | {r for e in items for r in e.get("found_with") or []} | {
            e["reported_by"] for e in items if e.get("reported_by")}
        people = dict(ctx.pks["people"])
        missing = sorted(person_refs - set(people))
        for part in chunks(missing):
            people.update(Person.objects.filter(ref__in=part).values_list("ref", "pk"))
        person_team = {}
        for part in chunks(sorted(person_refs)):
            person_team.update(Person.objects.filter(ref__in=part).values_list("ref", "team_id"))
        teams = dict(ctx.pks["teams"])
        teams.update(Team.objects.filter(ref__in={e["team"] for e in items if e.get("team")} - set(teams))
                     .values_list("ref", "pk"))
        officers = dict(ctx.pks["officers"])
        officers.update(Officer.objects.filter(
            ref__in={e["coordinator"] for e in items if e.get("coordinator")} - set(officers)).values_list("ref", "pk"))
        episodes = []
        for e in items:
            seen_text = e.get("last_seen_at") or ""
            seen = _at(seen_text)
            found = e.get("found_at") or {}
            line1 = found.get("line1") or ""
            episodes.append(MissingEpisode(
                ref=e["id"], child_id=people[e["child"]],
                team_id=teams.get(e.get("team")) or person_team.get(e["child"]),
                coordinator_id=officers.get(e.get("coordinator")),
                reported_at=_at(e["reported"]), reported_by_id=people.get(e.get("reported_by")),
                last_seen_at=seen,
                last_seen_place=(e.get("last_seen_place") or ("" if seen or seen_text == "…" else seen_text))[:300],
                circumstances=e.get("circumstances") or "",
                risk_grade=e.get("risk_grade") or "",
                graded_at=(_at(e.get("graded_at")) or _at(e["reported"])) if e.get("risk_grade") else None,
                returned_at=_at(e.get("returned")), found_line1=line1, found_line2=found.get("line2") or "",
                found_town=found.get("town") or "", found_postcode=normalise_postcode(found.get("postcode")),
                found_key=match_key(line1, found.get("line2") or "", found.get("town") or "",
                                    found.get("postcode") or "") if line1 else "",
                condition=e.get("condition") or "",
                prevention_interview_at=_at(e.get("prevention_interview")),
                return_interview_at=_at(e.get("return_interview")),
            ))
        MissingEpisode.objects.bulk_create(episodes, batch_size=2000)
        pk = {}
        for part in chunks([e["id"] for e in items]):
            pk.update(MissingEpisode.objects.filter(ref__in=part).values_list("ref", "pk"))
        ctx.pks["missing_episodes"].update(pk)
        through = MissingEpisode.found_with.through
        through.objects.bulk_create([through(missingepisode_id=pk[e["id"]], person_id=people[r])
                                     for e in items for r in dict.fromkeys(e.get("found_with") or [])],
                                    batch_size=5000)
        Grading.objects.bulk_create([
            Grading(episode_id=pk[e["id"]], grade=e["risk_grade"],
                    graded_at=_at(e.get("graded_at")) or _at(e["reported"]),
                    rationale=e.get("grade_rationale") or "graded in the sending system (imported)")
            for e in items if e.get("risk_grade")], batch_size=5000)
        screenings = []
        for e in items:
            returned = _at(e.get("returned"))
            for s in e.get("screenings") or []:
                at = _at(s["at"])
                stage = s.get("stage") or ("return" if returned and at >= returned else "report")
                screenings.append(Screening(episode_id=pk[e["id"]], stage=stage, at=at,
                                            indicators=[k for k in INDICATORS if k in (s.get("indicators") or [])],
                                            referral_at=_at(s.get("referral")),
                                            referral_to=s.get("referral_to") or "", notes=s.get("notes") or ""))
        Screening.objects.bulk_create(screenings, batch_size=5000)
        StrategyMeeting.objects.bulk_create([
            StrategyMeeting(child_id=people[e["child"]], episode_id=pk[e["id"]],
                            held_at=_moment(e["strategy_meeting"]), outcome="recorded in the sending system")
            for e in items if e.get("strategy_meeting")], batch_size=5000)

    def export(self, ctx):
        through = MissingEpisode.found_with.through
        found_with: dict[int, list[str]] = {}
        for r in (through.objects.filter(person__erased_at__isnull=True).order_by("pk")
                  .values("missingepisode_id", "person__ref").iterator(chunk_size=20000)):
            found_with.setdefault(r["missingepisode_id"], []).append(r["person__ref"])
        screenings: dict[int, list[dict]] = {}
        for s in Screening.objects.order_by("at", "pk").values(
                "episode_id", "stage", "at", "indicators", "referral_at", "referral_to").iterator(chunk_size=20000):
            item = {"at": _out(s["at"]), "stage": s["stage"], "indicators": list(s["indicators"] or [])}
            if s["referral_at"]:
                item["referral"] = _out(s["referral_at"])
                item["referral_to"] = s["referral_to"]
            screenings.setdefault(s["episode_id"], []).append(item)
        meetings: dict[int, dt.datetime] = {}
        for m in StrategyMeeting.objects.filter(~Q(episode=None)).order_by("held_at").values("episode_id", "held_at"):
            meetings.setdefault(m["episode_id"], m["held_at"])
        rows = MissingEpisode.objects.order_by("ref").values(
            "pk", "ref", "child__ref", "team__ref", "coordinator__ref", "reported_at", "reported_by__ref",
            "reported_by__erased_at",
            "last_seen_at", "last_seen_place", "circumstances", "risk_grade", "graded_at", "returned_at",
            "found_line1", "found_line2", "found_town", "found_postcode", "condition", "prevention_interview_at",
            "return_interview_at")
        for e in rows.iterator(chunk_size=5000):
            yield {
                "id": e["ref"], "child": e["child__ref"], "team": e["team__ref"], "coordinator": e["coordinator__ref"],
                "reported": _out(e["reported_at"]), "reported_by": e["reported_by__ref"] if not e["reported_by__erased_at"] else None,
                "last_seen_at": _out(e["last_seen_at"]), "last_seen_place": e["last_seen_place"],
                "circumstances": e["circumstances"], "risk_grade": e["risk_grade"] or None,
                "graded_at": _out(e["graded_at"]), "returned": _out(e["returned_at"]),
                "found_at": {"line1": e["found_line1"], "line2": e["found_line2"], "town": e["found_town"],
                             "postcode": e["found_postcode"]} if e["found_line1"] else None,
                "found_with": found_with.get(e["pk"], []), "condition": e["condition"],
                "screenings": screenings.get(e["pk"], []),
                "prevention_interview": _out(e["prevention_interview_at"]),
                "return_interview": _out(e["return_interview_at"]),
                "strategy_meeting": _out(meetings.get(e["pk"])),
            }


register(MissingEpisodesSection())
