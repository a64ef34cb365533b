"""The visit planner: unpredictable dates and times inside the due window (APP: vary days and times,
including evenings), avoiding the pattern of the subject's recent visits.

``propose`` is a pure function of the window, the recent visits and a random source. The random source is
seeded from the server's secret, the subject and the day, so a plan can be reproduced by the force but not
predicted by the subject.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DAY = dt.timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Slot:
    name: str
    start: dt.time
    end: dt.time
    weight: float

    def holds(self, t: dt.time) -> bool:
        return self.start <= t < self.end


SLOTS = (
    Slot("early morning", dt.time(7, 30), dt.time(9, 30), 0.8),
    Slot("late morning", dt.time(9, 30), dt.time(12, 30), 1.0),
    Slot("afternoon", dt.time(12, 30), dt.time(16, 30), 1.0),
    Slot("early evening", dt.time(16, 30), dt.time(19, 0), 1.2),
    Slot("evening", dt.time(19, 0), dt.time(21, 30), 1.2),
)
AVOID = 0.2  # weight kept by a weekday or time of day used in the recent visits


def slot_of(t: dt.time | None) -> Slot | None:
    return next((s for s in SLOTS if t is not None and s.holds(t)), None)


@dataclass(frozen=True)
class Proposal:
    date: dt.date
    window_start: dt.time
    window_end: dt.time
    reasons: tuple[str, ...]


def due_window(pol: Mapping, *, as_of: dt.date, due: dt.date, last_success: dt.date | None,
               interval: int) -> tuple[dt.date, dt.date]:
    """From the earliest sensible day to the due date; an overdue visit within the next few days."""
    first = as_of + DAY
    if due < first:
        return first, as_of + dt.timedelta(days=pol["planner.overdue_window_days"])
    earliest = (last_success + dt.timedelta(days=int(interval * pol["planner.earliest_fraction"]))
                if last_success else first)
    return max(first, min(earliest, due)), due


def rng_for(secret: str, *parts: object) -> random.Random:
    seed = hashlib.sha256(":".join([secret, *map(str, parts)]).encode()).hexdigest()
    return random.Random(seed)


def propose(*, rng: random.Random, window: tuple[dt.date, dt.date], recent: Sequence[tuple[dt.date, dt.time | None]],
            busy: Mapping[dt.date, int] | None = None, max_per_day: int = 6) -> Proposal | None:
    """A date and a time window, drawn at random inside ``window``; weekdays and times of day of the
    ``recent`` visits are much less likely; days already full for the officer are skipped."""
    busy = busy or {}
    lo, hi = window
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    days = [d for d in days if busy.get(d, 0) < max_per_day]
    if not days:
        return None
    used_days = {d.weekday() for d, _ in recent}
    used_slots = {s.name for s in (slot_of(t) for _, t in recent) if s}
    day_weights = [(0.6 if d.weekday() == 6 else 1.0) * (AVOID if d.weekday() in used_days else 1.0) for d in days]
    day = rng.choices(days, day_weights)[0]
    slot_weights = [s.weight * (AVOID if s.name in used_slots else 1.0) for s in SLOTS]
    slot = rng.choices(SLOTS, slot_weights)[0]
    span = (dt.datetime.combine(day, slot.end) - dt.datetime.combine(day, slot.start)).seconds // 60
    start_min = rng.randrange(0, max(1, span - 60) + 1, 15)
    start = (dt.datetime.combine(day, slot.start) + dt.timedelta(minutes=start_min)).time()
    end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=min(90, span - start_min))).time()
    reasons = [f"inside the due window {lo.isoformat()} to {hi.isoformat()}",
               f"{WEEKDAYS[day.weekday()]} {slot.name}"]
    if recent:
        avoided = sorted({WEEKDAYS[w] for w in used_days}, key=WEEKDAYS.index)
        reasons.append(f"the last {len(recent)} visit(s) were on {', '.join(avoided)}"
                       + (f" in the {', '.join(sorted(used_slots))}" if used_slots else "")
                       + ": those are made less likely")
    return Proposal(day, start, end, tuple(reasons))


def pattern_score(visits: Iterable[tuple[dt.date, dt.time | None]]) -> float:
    """How predictable a series of visits is: the share of the most common (weekday, time of day) pair."""
    pairs = Counter((d.weekday(), (slot_of(t).name if slot_of(t) else None)) for d, t in visits)
    total = sum(pairs.values())
    return max(pairs.values()) / total if total else 0.0
