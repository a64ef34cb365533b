"""Roll team figures up to boroughs and the force, and choose the level a person may see."""
from __future__ import annotations

from dataclasses import dataclass

from vigil.accounts.models import Borough, Team
from vigil.assurance.indicators import Indicator, TeamValues


@dataclass(frozen=True)
class Level:
    kind: str           # force, borough or team
    id: int | None
    name: str

    @property
    def param(self) -> str:
        return self.kind if self.kind == "force" else f"{self.kind}:{self.id}"


def widest_level(officer) -> Level:
    """The widest level the officer may see: force for auditors, professional standards and Supt and above;
    the borough for other senior officers; otherwise the team."""
    if officer.has_role("auditor", "professional_standards") or officer.rank in ("Supt", "ChSupt"):
        return Level("force", None, "Force")
    if officer.has_role("senior_officer") and officer.team.borough_id:
        return Level("borough", officer.team.borough_id, officer.team.borough.name)
    return Level("team", officer.team_id, officer.team.name)


def allowed(officer, level: Level) -> bool:
    top = widest_level(officer)
    if top.kind == "force":
        return True
    if top.kind == "borough":
        if level.kind == "borough":
            return level.id == top.id
        if level.kind == "team":
            return Team.objects.filter(pk=level.id, borough_id=top.id).exists()
        return False
    return level.kind == "team" and level.id == top.id


def parse_level(text: str | None, officer) -> Level:
    if not text or text == "force":
        return widest_level(officer) if text is None else Level("force", None, "Force")
    kind, _, raw = text.partition(":")
    try:
        pk = int(raw)
    except ValueError:
        return widest_level(officer)
    if kind == "borough":
        b = Borough.objects.filter(pk=pk).first()
        return Level("borough", pk, b.name) if b else widest_level(officer)
    if kind == "team":
        t = Team.objects.filter(pk=pk).first()
        return Level("team", pk, t.name) if t else widest_level(officer)
    return widest_level(officer)


def team_ids(level: Level) -> set[int] | None:
    """Teams inside the level (None: every team, and alerts with no team)."""
    if level.kind == "force":
        return None
    if level.kind == "borough":
        return set(Team.objects.filter(borough_id=level.id).values_list("pk", flat=True))
    return {level.id}


def value_at(ind: Indicator, values: TeamValues, teams: set[int] | None) -> float:
    picked = [v for t, v in values.items() if teams is None or t in teams]
    if not picked:
        return 0
    return max(picked) if ind.combine == "max" else sum(picked)


def children(level: Level) -> list[Level]:
    """The levels one step down, for the breakdown table."""
    if level.kind == "force":
        return [Level("borough", b.pk, b.name) for b in Borough.objects.order_by("name")]
    if level.kind == "borough":
        return [Level("team", t.pk, t.name) for t in Team.objects.filter(borough_id=level.id).order_by("name")]
    return []


def breakdown(ind: Indicator, values: TeamValues, level: Level, kids: list[Level],
              team_borough: dict[int, int]) -> list[float]:
    out = []
    for kid in kids:
        if kid.kind == "borough":
            picked = {t: v for t, v in values.items() if t is not None and team_borough.get(t) == kid.id}
        else:
            picked = {t: v for t, v in values.items() if t == kid.id}
        out.append(value_at(ind, picked, None))
    return out
