"""Assurance figures for a level and date, computed set-based once per indicator."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from vigil.accounts.models import Team
from vigil.assurance.indicators import Indicator, alert_trend, indicators, one_reading
from vigil.assurance.rollup import Level, breakdown, children, team_ids, value_at


@dataclass
class Row:
    indicator: Indicator
    value: float
    by_child: list[float] = field(default_factory=list)


@dataclass
class Figures:
    level: Level
    as_of: dt.date
    children: list[Level]
    rows: list[Row]
    trend_dates: list[dt.date]
    trend: dict[str, list[float]]

    def areas(self) -> list[tuple[str, list[Row]]]:
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            out.setdefault(r.indicator.area, []).append(r)
        return list(out.items())


def month_ends(as_of: dt.date, months: int = 12) -> list[dt.date]:
    """The last day of each of the previous ``months`` months, then the as-of date itself."""
    dates = []
    first = as_of.replace(day=1)
    for _ in range(months):
        first_prev = (first - dt.timedelta(days=1)).replace(day=1)
        dates.append(first - dt.timedelta(days=1))
        first = first_prev
    return [*sorted(dates), as_of]


def figures(level: Level, as_of: dt.date, *, with_trend: bool = True) -> Figures:
    teams = team_ids(level)
    kids = children(level)
    team_borough = dict(Team.objects.values_list("pk", "borough_id"))
    rows = []
    with one_reading():
        for ind in indicators():
            values = ind.fn(as_of)
            rows.append(Row(ind, value_at(ind, values, teams), breakdown(ind, values, level, kids, team_borough)))
    dates = month_ends(as_of) if with_trend else []
    trend: dict[str, list[float]] = {}
    if with_trend:
        series = alert_trend([r.indicator.key for r in rows if r.indicator.trend], dates)
        for key, by_date in series.items():
            ind = next(r.indicator for r in rows if r.indicator.key == key)
            trend[key] = [value_at(ind, by_date[d], teams) for d in dates]
    return Figures(level, as_of, kids, rows, dates, trend)
