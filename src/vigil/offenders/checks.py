"""The checks a visit or an assessment passes wherever it comes from: the web form, the API and the interchange
import all ask here, so nothing one accepts is refused by another (docs/adr/0014).

A record repeats one already held when it has the same subject, date, time (to the minute) and outcome (a visit),
or the same subject, date and assessor (an assessment). A person entering it again is almost always entering it
twice: it is refused with one line naming the record already held. A visit at another time or with another
outcome is a different visit. In an import, a record that carries its own ``id`` is the sender's to tell apart
(the interchange contract), so only records without one are checked there.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from vigil.core import clock
from vigil.core.errors import InputError
from vigil.core.rows import chunks
from vigil.offenders.models import Assessment, Outcome, Visit

ANNOUNCE_REASON_MIN = 5  # characters: "an announced visit needs a reason" below this, on every path


def _day(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _minute(time: dt.time | str | None) -> str | None:
    if time is None or time == "":
        return None
    return time[:5] if isinstance(time, str) else time.strftime("%H:%M")


def visit_key(subject: str, day: dt.date | str, time: dt.time | str | None, outcome: str) -> tuple:
    """What makes two visits the same: subject id, date, time to the minute (or none) and outcome."""
    return subject, _day(day), _minute(time), outcome


def assessment_key(subject: str, day: dt.date | str, assessor: str) -> tuple:
    """What makes two assessments the same: subject id, date and the assessor's id."""
    return subject, _day(day), assessor


def announce_reason_problem(announced: bool, reason: str | None) -> str | None:
    """The one rule for an announced visit's reason; None when it passes."""
    if announced and len((reason or "").strip()) < ANNOUNCE_REASON_MIN:
        return "an announced visit needs a reason"
    return None


def held_visit_keys(subjects: Iterable[str]) -> set[tuple]:
    """The keys of the visits held for these subject ids (for an import: set-based, in chunks)."""
    keys: set[tuple] = set()
    for part in chunks(sorted(set(subjects))):
        keys |= {visit_key(*row) for row in Visit.objects.filter(subject__ref__in=part)
                 .values_list("subject__ref", "date", "time", "outcome")}
    return keys


def held_assessment_keys(subjects: Iterable[str]) -> set[tuple]:
    keys: set[tuple] = set()
    for part in chunks(sorted(set(subjects))):
        keys |= {assessment_key(*row) for row in Assessment.objects.filter(subject__ref__in=part)
                 .values_list("subject__ref", "date", "assessor__ref")}
    return keys


def _by(officer, recorded_at: dt.datetime | None) -> str:
    who = f" by {officer.name}" if officer is not None else ""
    return f"{who} at {clock.said(recorded_at)}" if recorded_at else who


def refuse_repeated_visit(*, subject, day: dt.date, time: dt.time | None, outcome: str) -> None:
    """InputError naming the visit already held if this one repeats it."""
    key = visit_key(subject.ref, day, time, outcome)
    for held in (Visit.objects.filter(subject=subject, date=day, outcome=outcome).select_related("lead_officer")
                 .order_by("pk")):
        if visit_key(subject.ref, held.date, held.time, held.outcome) == key:
            at = f" at {key[2]}" if key[2] else " (no time given)"
            raise InputError(f"this visit is already recorded: {Outcome(outcome).label.lower()} on "
                             f"{day:%d %B %Y}{at}, entered{_by(held.lead_officer, held.recorded_at)}; a second "
                             "one with the same date, time and outcome would be a duplicate")


def refuse_repeated_assessment(*, subject, day: dt.date, assessor) -> None:
    """InputError naming the assessment already held if this one repeats it."""
    held = (Assessment.objects.filter(subject=subject, date=day, assessor=assessor).order_by("pk").first())
    if held is not None:
        raise InputError(f"an assessment of {subject.ref} dated {day:%d %B %Y} by {assessor.name} is already "
                         f"recorded ({held.get_risk_level_display().lower()} risk"
                         f"{', at ' + clock.said(held.recorded_at) if held.recorded_at else ''}); one assessor "
                         "records one assessment of a subject a day")
