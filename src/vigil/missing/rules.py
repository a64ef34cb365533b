"""The rules of domain-rules §3 as pure functions of (policy, facts, as-of date) → findings with reasons.

Nothing here reads the database or the clock. The sweep (``missing/sweep.py``) gathers facts set-based and
passes them in; pages call the same functions for their timers. How an hours deadline meets an as-of date is
in ``deadlines.py`` (ADR 0300); the readings chosen where §3 is silent are in ADR 0301 and ADR 0305.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vigil.missing.deadlines import (
    add_working_days,
    done_by,
    due,
    end_of_day,
    is_overdue,
    local_date,
    local_text,
)
from vigil.people.addresses import describe_key
from vigil.sweep.registry import Finding

GRADES = ("high", "medium", "low", "very_low")

# The CSE/CCE indicator checklist of domain-rules §3, in its order. The snake_case names are the interchange
# enumeration; the labels are what the screening form shows.
INDICATORS: dict[str, str] = {
    "found_out_of_area": "Found out of area",
    "unexplained_money_or_items": "Unexplained money, phones, SIMs, clothes or hotel keys",
    "returned_injured_or_dishevelled": "Returned injured or dishevelled",
    "in_cars_with_unknown_adults": "In cars with unknown adults",
    "associating_with_missing_or_exploited_children": "Associating with other missing or exploited children",
    "older_associates": "Older associates",
    "arrested_out_of_area": "Arrested out of area, especially for drugs",
    "drug_debt": "Drug debt",
    "school_absence": "School absence",
    "late_night_phone_contact": "Late-night phone contact",
}

# Subject addresses at which finding a missing child links the child to the subject (§3 "notified or associated
# address"; a home address is notified by definition).
OFFENDER_ADDRESS_KINDS = ("home", "notified", "associated")

MISSING_NOT_SCREENED = "MISSING_NOT_SCREENED"
RETURN_INTERVIEW_OVERDUE = "RETURN_INTERVIEW_OVERDUE"
REPEAT_MISSING_NO_STRATEGY = "REPEAT_MISSING_NO_STRATEGY"
CHILD_LINKED_TO_OFFENDER = "CHILD_LINKED_TO_OFFENDER"
EXPLOITATION_LOCATION = "EXPLOITATION_LOCATION"
CO_MISSING_GROUP = "CO_MISSING_GROUP"


@dataclass(frozen=True)
class ScreeningFact:
    stage: str                      # "report" or "return"
    at: dt.datetime
    indicators: tuple[str, ...] = ()
    referral_at: dt.datetime | None = None


@dataclass(frozen=True)
class EpisodeFact:
    ref: str
    child: str                      # the child's person id (shown in reasons)
    reported_at: dt.datetime
    child_key: str = ""             # the child's resolved identity: two records of one child count once
    returned_at: dt.datetime | None = None
    last_seen_at: dt.datetime | None = None
    screenings: tuple[ScreeningFact, ...] = ()
    prevention_interview_at: dt.datetime | None = None
    return_interview_at: dt.datetime | None = None
    found_key: str = ""             # match_key of the found-at address
    found_with: tuple[str, ...] = ()  # identity keys of the people the child was found with
    grade: str = ""
    graded_at: dt.datetime | None = None
    team_id: int | None = None
    owner: str | None = None

    @property
    def identity(self) -> str:
        """The child's identity key, as ``facts.identity_key`` writes it (``I-<ref>`` when unlinked)."""
        return self.child_key or f"I-{self.child}"

    def known_by(self, moment: dt.datetime) -> bool:
        return self.reported_at <= moment

    def returned_by(self, moment: dt.datetime) -> bool:
        return self.returned_at is not None and self.returned_at <= moment  # ``done_by``, asked 180,000 times

    def missing_from(self) -> dt.datetime:
        """Last seen, or reported if that is earlier (or nobody recorded when the child was last seen)."""
        seen = self.last_seen_at
        return self.reported_at if seen is None or self.reported_at < seen else seen


# --- Timers (pages and the board) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timer:
    """One thing an episode needs, with its deadline and whether it is done: what the board shows."""

    what: str
    deadline: dt.datetime | None
    done_at: dt.datetime | None = None

    def state(self, moment: dt.datetime) -> str:
        if done_by(self.done_at, moment):
            return "done"
        if self.deadline is None:
            return "due"
        return "overdue" if self.deadline < moment else "due"

    def left(self, moment: dt.datetime) -> dt.timedelta | None:
        return None if self.deadline is None else self.deadline - moment

    def describe(self, moment: dt.datetime) -> str:
        """'due in 3 h 20 min', 'overdue by 2 days 4 h', 'done 2024-06-03 12:00', 'due now'."""
        state = self.state(moment)
        if state == "done":
            return f"done {local_text(self.done_at)}"
        left = self.left(moment)
        if left is None:
            return "due now"
        span = _span(abs(left))
        return f"due in {span}" if state == "due" else f"overdue by {span}"


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def regrade_due(grade: str, graded_at: dt.datetime | None, pol: Mapping) -> dt.datetime | None:
    """When an open episode must next be graded (None if it has never been graded: grade it now)."""
    if not grade or graded_at is None:
        return None
    return due(graded_at, pol["missing.regrade_hours"][grade])


def first_screening(ep: EpisodeFact, stage: str, moment: dt.datetime) -> ScreeningFact | None:
    """The earliest screening at ``stage`` recorded by ``moment`` (the first of equals)."""
    return min((s for s in ep.screenings if s.stage == stage and s.at <= moment), key=_screened_at, default=None)


def _screened_at(s: ScreeningFact) -> dt.datetime:
    return s.at


def timers(ep: EpisodeFact, moment: dt.datetime, pol: Mapping) -> list[Timer]:
    """Everything the episode needs as known at ``moment``, in the order the work is done."""
    out: list[Timer] = []
    if not ep.returned_by(moment):
        graded = ep.graded_at if ep.graded_at and ep.graded_at <= moment else None
        out.append(Timer("grade" if graded is None else "re-grade", regrade_due(ep.grade, graded, pol)))
    report = first_screening(ep, "report", moment)
    out.append(Timer("screening at report", due(ep.reported_at, pol["missing.screening_hours"]),
                     report.at if report else None))
    if ep.returned_by(moment):
        back = ep.returned_at
        ret = first_screening(ep, "return", moment)
        out.append(Timer("screening at return", due(back, pol["missing.screening_hours"]), ret.at if ret else None))
        out.append(Timer("prevention interview", due(back, pol["missing.prevention_interview_hours"]),
                         ep.prevention_interview_at))
        out.append(Timer("return home interview", due(back, pol["missing.return_interview_hours"]),
                         ep.return_interview_at))
    for s in ep.screenings:
        if s.indicators and s.at <= moment:
            out.append(Timer(f"referral ({s.stage} screening: {len(s.indicators)} indicator(s))",
                             due(s.at, pol["missing.referral_hours"]), s.referral_at))
    return out


# --- MISSING_NOT_SCREENED and RETURN_INTERVIEW_OVERDUE ----------------------------------------------------------

def not_screened(ep: EpisodeFact, as_of: dt.date, pol: Mapping) -> Finding | None:
    """A screening is required at report and again at return, each within 24 hours (ADR 0301: both are needed
    even when the child comes back quickly)."""
    judged = end_of_day(as_of)
    if not ep.known_by(judged):
        return None
    hours = pol["missing.screening_hours"]
    reasons, since = [], []
    report_deadline = due(ep.reported_at, hours)
    report = first_screening(ep, "report", judged)
    if is_overdue(report_deadline, report.at if report else None, as_of):
        reasons.append(f"Episode {ep.ref} of child {ep.child} was reported {local_text(ep.reported_at)}; no "
                       f"exploitation screening at report was recorded by {local_text(report_deadline)} "
                       f"(due within {hours} hours)")
        since.append(local_date(report_deadline))
    if ep.returned_by(judged):
        return_deadline = due(ep.returned_at, hours)
        ret = first_screening(ep, "return", judged)
        if is_overdue(return_deadline, ret.at if ret else None, as_of):
            reasons.append(f"Child {ep.child} returned {local_text(ep.returned_at)}; no exploitation screening at "
                           f"return was recorded by {local_text(return_deadline)} (due within {hours} hours)")
            since.append(local_date(return_deadline))
    if not reasons:
        return None
    return Finding(MISSING_NOT_SCREENED, "high", "episode", ep.ref, min(since), tuple(reasons), ep.owner, ep.team_id)


def return_interview_overdue(ep: EpisodeFact, as_of: dt.date, pol: Mapping) -> Finding | None:
    judged = end_of_day(as_of)
    if not ep.returned_by(judged):
        return None
    hours = pol["missing.return_interview_hours"]
    deadline = due(ep.returned_at, hours)
    if not is_overdue(deadline, ep.return_interview_at, as_of):
        return None
    reason = (f"Child {ep.child} returned {local_text(ep.returned_at)} (episode {ep.ref}); no independent return "
              f"home interview was offered by {local_text(deadline)} (due within {hours} hours)")
    return Finding(RETURN_INTERVIEW_OVERDUE, "high", "episode", ep.ref, local_date(deadline), (reason,), ep.owner,
                   ep.team_id)


# --- REPEAT_MISSING_NO_STRATEGY ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepeatTrigger:
    episode: str
    on: dt.date                      # the report date of the episode that made the child repeat missing
    count: int                       # episodes within the window ending with it
    deadline: dt.date                # the last working day for the strategy meeting
    covered_by: dt.datetime | None   # the strategy meeting that covers it, if any


def repeat_triggers(episodes: Iterable[tuple[str, dt.datetime]], meetings: Iterable[dt.datetime], as_of: dt.date,
                    pol: Mapping) -> list[RepeatTrigger]:
    """Every episode that brings a child to ``threshold`` or more episodes within ``window`` days, with the
    strategy meeting that covers it.

    A meeting covers a trigger when it is held no earlier than ``window`` days before the trigger episode and by
    the end of the as-of day (ADR 0301): a meeting in the last 30 days has already considered the pattern, so a
    child who goes missing again the week after a meeting does not need another one straight away.
    """
    judged = end_of_day(as_of)
    eps = sorted(((ref, at) for ref, at in episodes if at <= judged), key=lambda e: (e[1], e[0]))
    held = sorted(m for m in meetings if m <= judged)
    window = dt.timedelta(days=pol["missing.repeat_window_days"])
    threshold = pol["missing.repeat_threshold"]
    out = []
    for i, (ref, at) in enumerate(eps):
        count = sum(1 for _, other in eps[: i + 1] if other > at - window)
        if count < threshold:
            continue
        on = local_date(at)
        covered = next((m for m in held if m >= at - window), None)
        out.append(RepeatTrigger(ref, on, count, add_working_days(on, pol["missing.strategy_working_days"],
                                                                  pol["missing.bank_holidays"]), covered))
    return out


def repeat_missing_no_strategy(child: str, episodes: Iterable[tuple[str, dt.datetime]],
                               meetings: Iterable[dt.datetime], as_of: dt.date, pol: Mapping, *,
                               team_id: int | None = None, owner: str | None = None) -> Finding | None:
    late = [t for t in repeat_triggers(episodes, meetings, as_of, pol) if t.covered_by is None and t.deadline < as_of]
    if not late:
        return None
    first = late[0]
    days = pol["missing.repeat_window_days"]
    reasons = [f"Child {child} had {t.count} missing episodes in {days} days up to episode {t.episode} reported "
               f"{t.on}; no strategy meeting was held by {t.deadline} "
               f"({pol['missing.strategy_working_days']} working days)" for t in late[-3:]]
    return Finding(REPEAT_MISSING_NO_STRATEGY, "high", "person", child, first.deadline + dt.timedelta(days=1),
                   tuple(reasons), owner, team_id)


# --- CHILD_LINKED_TO_OFFENDER -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubjectAddress:
    subject: str
    key: str
    kind: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class SubjectPerson:
    subject: str
    identity: str                   # the subject person's resolved identity
    person: str = ""                # the subject's person id


@dataclass(frozen=True)
class OffenderLinkFact:
    """A missing child linked to a subject: found at their address, or with a person resolved to them."""

    episode: str
    child: str
    subject: str
    via: str                        # "found_at" or "found_with"
    on: dt.date
    evidence: str
    detail: str = ""                # the address key, or the person found with

    def key(self) -> tuple[str, str, str, str]:
        return (self.episode, self.subject, self.via, self.detail)


def offender_links(episodes: Iterable[EpisodeFact], addresses: Iterable[SubjectAddress],
                   people: Iterable[SubjectPerson], as_of: dt.date,
                   found_with_people: Mapping[str, Mapping[str, str]] | None = None) -> list[OffenderLinkFact]:
    """The links of §3: found at a subject's notified, home or associated address valid on the day of the return,
    or found with a person whose record is resolved to a subject's identity.

    ``found_with_people`` maps an episode to {identity: person id} so reasons can name the record.
    """
    judged = end_of_day(as_of)
    by_key: dict[str, list[SubjectAddress]] = defaultdict(list)
    for a in addresses:
        if a.kind in OFFENDER_ADDRESS_KINDS and a.key:
            by_key[a.key].append(a)
    by_identity: dict[str, list[SubjectPerson]] = defaultdict(list)
    for p in people:
        by_identity[p.identity].append(p)
    out: list[OffenderLinkFact] = []
    for ep in episodes:
        if not ep.returned_by(judged):
            continue
        day = local_date(ep.returned_at)
        for a in by_key.get(ep.found_key, ()) if ep.found_key else ():
            if a.valid_on(day):
                out.append(OffenderLinkFact(
                    ep.ref, ep.child, a.subject, "found_at", day,
                    f"Child {ep.child} (episode {ep.ref}) was found on {day} at {describe_key(ep.found_key)}, "
                    f"the {a.kind} address of subject {a.subject}", ep.found_key))
        names = (found_with_people or {}).get(ep.ref, {})
        for ident in ep.found_with:
            for p in by_identity.get(ident, ()):
                record = names.get(ident, p.person)
                same = record == p.person
                how = "the subject's own record" if same else f"a record resolved to subject {p.subject}'s identity"
                out.append(OffenderLinkFact(
                    ep.ref, ep.child, p.subject, "found_with", day,
                    f"Child {ep.child} (episode {ep.ref}) was found on {day} with person {record}, {how}"
                    + ("" if same else f" (person {p.person})"), record))
    return sorted(set(out), key=lambda link: (link.subject, link.on, link.episode, link.via, link.detail))


def child_linked_to_offender(links: Iterable[OffenderLinkFact], subject: str, *, owner: str | None,
                             team_id: int | None) -> Finding | None:
    """One critical alert per subject while any of its links is unreviewed (ADR 0305); owned by the manager."""
    links = sorted(links, key=lambda link: (link.on, link.episode))
    if not links:
        return None
    reasons = [link.evidence for link in links]
    reasons.append("Review the subject's risk and record the decision: a review trigger and an escalation have "
                   "been opened on the subject")
    return Finding(CHILD_LINKED_TO_OFFENDER, "critical", "subject", subject, links[0].on, tuple(reasons), owner,
                   team_id)


# --- EXPLOITATION_LOCATION --------------------------------------------------------------------------------------

def exploitation_locations(episodes: Iterable[EpisodeFact], as_of: dt.date, pol: Mapping,
                           *, team_of_key: Mapping[str, int | None] | None = None) -> list[Finding]:
    """An address linked to episodes of ``min_children`` or more different children within the window."""
    judged = end_of_day(as_of)
    window_start = judged - dt.timedelta(days=pol["missing.location_window_days"])
    at_key: dict[str, list[EpisodeFact]] = defaultdict(list)
    for ep in episodes:
        if ep.found_key and ep.returned_by(judged) and ep.returned_at > window_start:
            at_key[ep.found_key].append(ep)
    need = pol["missing.location_min_children"]
    months = round(pol["missing.location_window_days"] / 30.4)
    out = []
    for key, eps in sorted(at_key.items()):
        eps.sort(key=lambda e: (e.returned_at, e.ref))
        children: dict[str, EpisodeFact] = {}
        reached = None
        for e in eps:
            children.setdefault(e.identity, e)
            if reached is None and len(children) >= need:
                reached = e
        if reached is None:
            continue
        listed = "; ".join(f"child {e.child} (episode {e.ref}, found {local_date(e.returned_at)})" for e in eps[-8:])
        reasons = (f"{len(children)} different children were found at {describe_key(key)} within {months} months: "
                   f"{listed}",)
        team = (team_of_key or {}).get(key, eps[-1].team_id)
        out.append(Finding(EXPLOITATION_LOCATION, "high", "address", key, local_date(reached.returned_at), reasons,
                           None, team))
    return out


# --- CO_MISSING_GROUP -------------------------------------------------------------------------------------------

def _overlap(a: EpisodeFact, b: EpisodeFact) -> bool:
    return a.missing_from() <= b.returned_at and b.missing_from() <= a.returned_at


def _found_together(a: EpisodeFact, b: EpisodeFact, hours: float) -> bool:
    if b.identity in a.found_with or a.identity in b.found_with:
        return True
    return bool(a.found_key) and a.found_key == b.found_key and \
        abs((a.returned_at - b.returned_at).total_seconds()) <= hours * 3600


def _groups(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The groups the pairs join (connected components, by union-find). networkx gives the same, but importing it
    costs the daily sweep 0.15 s for these few thousand pairs; the record-linkage graph still uses it."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[root(x)].append(x)
    return list(groups.values())


def co_missing_groups(episodes: Iterable[EpisodeFact], as_of: dt.date, pol: Mapping) -> list[Finding]:
    """Children missing at overlapping times and found together (with each other, or at one address within a
    few hours). One alert per group, on its earliest episode, while its latest return is recent (ADR 0305)."""
    judged = end_of_day(as_of)
    window_start = judged - dt.timedelta(days=pol["missing.co_missing_window_days"])
    hours = pol["missing.found_together_hours"]
    eps = [e for e in episodes if e.returned_by(judged) and e.known_by(judged)
           and e.returned_at > window_start - dt.timedelta(days=pol["missing.repeat_window_days"])]
    eps.sort(key=lambda e: (e.returned_at, e.ref))
    together: list[tuple[str, str]] = []
    by_key: dict[str, list[EpisodeFact]] = defaultdict(list)
    by_identity: dict[str, list[EpisodeFact]] = defaultdict(list)
    for e in eps:
        if e.found_key:
            by_key[e.found_key].append(e)
        by_identity[e.identity].append(e)
    for e in eps:
        candidates = list(by_key.get(e.found_key, ())) if e.found_key else []
        for ident in e.found_with:
            candidates.extend(by_identity.get(ident, ()))
        for other in candidates:
            if other.ref != e.ref and other.identity != e.identity and _overlap(e, other) and \
                    _found_together(e, other, hours):
                together.append((e.ref, other.ref))
    index = {e.ref: e for e in eps}
    out = []
    for component in _groups(together):
        group = sorted((index[r] for r in component), key=lambda e: (e.missing_from(), e.ref))
        if len({e.identity for e in group}) < 2 or max(e.returned_at for e in group) <= window_start:
            continue
        first = group[0]
        members = "; ".join(f"child {e.child} (episode {e.ref}, missing {local_text(e.missing_from())} to "
                            f"{local_text(e.returned_at)})" for e in group[:8])
        places = sorted({describe_key(e.found_key) for e in group if e.found_key})
        reasons = [f"{len({e.identity for e in group})} children were missing at overlapping times and found "
                   f"together: {members}"]
        if places:
            reasons.append(f"Found at: {'; '.join(places)}")
        out.append(Finding(CO_MISSING_GROUP, "high", "episode", first.ref,
                           local_date(max(e.returned_at for e in group)), tuple(reasons), None, first.team_id))
    return out

