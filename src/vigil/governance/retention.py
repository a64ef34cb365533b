"""MoPI retention review (domain-rules §6; docs/adr/0020): which group each person's record is in, when its review
is due, and the review officer's decision.

A person's record is in the group of the gravest matter it is part of:

- **group 1**, certain public protection matters: a managed sex offender or online child-abuse suspect, every other
  record resolved to the same person, and a child linked to a subject (found at their address or with them). Kept
  until the subject would be 100, reviewed every 10 years from the start of management and after each review;
- **group 2**, other sexual, violent or serious offences (by the crime's Home Office offence group, in policy), and
  missing-children matters (the child and those they were found with): reviewed 10 years after the last event, and
  again 10 years after each review that retains it;
- **group 3**, everything else: reviewed 6 years after the last event or review. A record with no event at all has
  nothing to date it from and is due at once.

Everything is read set-based (a dozen queries for the whole force), so ``vigil retention due`` at national scale
takes seconds. The schedule is versioned policy (``governance/policy.py``).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from vigil.core import access_log, clock, policy
from vigil.core.errors import InputError
from vigil.crimes import offences
from vigil.governance.models import RetentionDecision, RetentionReview
from vigil.people.models import Person

GROUP_NAMES = {1: "certain public protection matters", 2: "other sexual, violent or serious offences",
               3: "all other offences and records"}
PURPOSE = "MoPI retention review (DPA 2018 s.39: kept no longer than necessary)"


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def schedule_said(group: int, pol) -> str:
    """The schedule of a group, in a sentence for a subject-access pack or a page."""
    years = pol[f"retention.group{group}_review_years"]
    if group == 1:
        return (f"reviewed every {years} years and kept until the subject would be "
                f"{pol['retention.group1_keep_until_age']}")
    return f"reviewed {years} years after the last event or review; disposed of when no longer needed"


@dataclass
class Standing:
    """Where one person's record stands for retention: its group, why, its events and its last review."""

    pk: int
    ref: str
    team_id: int | None = None                # the team holding the record (assurance rolls teams up)
    group: int = 3
    reasons: list[str] = field(default_factory=list)
    first_event: dt.date | None = None
    last_event: dt.date | None = None
    born: dt.date | None = None               # the latest the person can have been born (for "would be 100")
    last_review: tuple | None = None          # (reviewed_on, next_review_on, decision)
    live: list[str] = field(default_factory=list)  # live cases that require the record
    subjects: list[str] = field(default_factory=list)  # subject records of this person (ended ones too)

    def event(self, day: dt.date | None) -> None:
        if day is None:
            return
        self.first_event = day if self.first_event is None else min(self.first_event, day)
        self.last_event = day if self.last_event is None else max(self.last_event, day)

    def put(self, group: int, reason: str) -> None:
        if group < self.group:
            self.group, self.reasons = group, []
        if group == self.group and reason not in self.reasons and len(self.reasons) < 5:
            self.reasons.append(reason)

    def due_on(self, pol) -> dt.date | None:
        """When the next review is due (None: due at once, nothing dates the record)."""
        if self.last_review and self.last_review[1]:
            return self.last_review[1]
        years = pol[f"retention.group{self.group}_review_years"]
        anchor = self.first_event if self.group == 1 else self.last_event
        return years_after(anchor, years) if anchor else None

    def keep_until(self, pol) -> dt.date | None:
        """Group 1: the day the subject would be 100 (None: date of birth not known, kept and reviewed)."""
        if self.group != 1 or self.born is None:
            return None
        return years_after(self.born, pol["retention.group1_keep_until_age"])

    def may_dispose(self, as_of: dt.date, pol) -> bool:
        """Whether MoPI allows disposal now: group 1 only once the subject would be 100; groups 2 and 3 once the
        clear period has passed (the review is due). A live case always keeps the record."""
        if self.live:
            return False
        if self.group == 1:
            until = self.keep_until(pol)
            return until is not None and until <= as_of
        due = self.due_on(pol)
        return due is None or due <= as_of

    def as_json(self, as_of: dt.date, pol) -> dict:
        due = self.due_on(pol)
        keep = self.keep_until(pol)
        return {"record": {"type": "person", "id": self.ref}, "group": self.group, "group_name": GROUP_NAMES[self.group],
                "due": (due or as_of).isoformat(), "overdue": bool(due and due < as_of),
                "last_event": self.last_event.isoformat() if self.last_event else None,
                "last_review": self.last_review[0].isoformat() if self.last_review else None,
                "keep_until": keep.isoformat() if keep else None, "may_dispose": self.may_dispose(as_of, pol),
                "reasons": self.reasons_said(as_of, pol)}

    def reasons_said(self, as_of: dt.date, pol) -> list[str]:
        due = self.due_on(pol)
        out = [f"MoPI group {self.group} ({GROUP_NAMES[self.group]}): {r}" for r in self.reasons]
        if self.last_review:
            out.append(f"last reviewed on {self.last_review[0]:%-d %b %Y} ({self.last_review[2]}); next review "
                       f"set for {due:%-d %b %Y}" if due else f"last reviewed on {self.last_review[0]:%-d %b %Y}")
        elif due is None:
            out.append("no event dates the record: its review is due now")
        elif self.group == 1:
            out.append(f"reviewed every {pol['retention.group1_review_years']} years from "
                       f"{self.first_event:%-d %b %Y}: first review due {due:%-d %b %Y}")
        else:
            out.append(f"last event on {self.last_event:%-d %b %Y}; clear period of "
                       f"{pol[f'retention.group{self.group}_review_years']} years ends {due:%-d %b %Y}")
        keep = self.keep_until(pol)
        if keep:
            out.append(f"kept until the subject would be {pol['retention.group1_keep_until_age']} ({keep:%-d %b %Y})")
        elif self.group == 1:
            out.append("date of birth not known: kept and reviewed, never disposed of on age")
        out += [f"live case: {c}" for c in self.live]
        return out


def standings(as_of: dt.date, pol=None, people: set[int] | None = None) -> dict[int, Standing]:
    """Every person's retention standing (or only ``people``, primary keys), read set-based."""
    from vigil.investigations.models import CrimePerson
    from vigil.missing.deadlines import local_date
    from vigil.missing.models import MissingEpisode, OffenderLink
    from vigil.offenders.models import Subject

    pol = pol or policy.current()
    qs = Person.objects.filter(erased_at__isnull=True).order_by()
    if people is not None:
        qs = qs.filter(pk__in=people)
    out: dict[int, Standing] = {}
    by_identity: dict[int, list[int]] = defaultdict(list)
    for pk, ref, team, identity, dob, latest in qs.values_list("pk", "ref", "team_id", "identity_id",
                                                               "date_of_birth", "born_latest"):
        out[pk] = Standing(pk, ref, team, born=dob or latest)
        if identity:
            by_identity[identity].append(pk)

    # Group 1: the subjects, their other records, and children linked to them.
    subjects = Subject.objects.order_by().values_list("person_id", "person__identity_id", "ref", "kind",
                                                      "managed_from", "managed_until")
    group1_identities: dict[int, tuple[str, dt.date]] = {}
    for person, identity, ref, kind, start, until in subjects:
        what = "managed sex offender" if kind == "registered_offender" else "online child-abuse suspect"
        if identity:
            group1_identities.setdefault(identity, (ref, start))
        s = out.get(person)
        if s is None:
            continue
        s.subjects.append(ref)
        s.put(1, f"{what} (subject {ref}), managed from {start:%-d %b %Y}")
        s.event(start)
        s.event(until or as_of)
        if until is None or until >= as_of:
            s.live.append(f"subject {ref} is managed")
    for identity, (ref, start) in group1_identities.items():
        for pk in by_identity.get(identity, ()):
            s = out[pk]
            if s.group > 1 or not any(ref in r for r in s.reasons):
                s.put(1, f"a record of the same person as subject {ref}")
                s.event(start)
    links = OffenderLink.objects.order_by().values_list("episode__child_id", "subject_ref", "episode__ref")
    if people is not None:
        links = links.filter(episode__child_id__in=people)
    for child, subject, episode in links:
        if child in out:
            out[child].put(1, f"a child linked to subject {subject} (episode {episode})")

    # Group 2 or 3: crimes, by offence group.
    serious = offences.codes_matching(groups=pol["retention.group2_offence_groups"])
    roles = CrimePerson.objects.order_by().values_list("person_id", "role", "crime__ref", "crime__offence_code",
                                                       "crime__reported", "crime__closed_on")
    if people is not None:
        roles = roles.filter(person_id__in=people)
    for person, role, ref, code, reported, closed in roles:
        s = out.get(person)
        if s is None:
            continue
        grave = code in serious
        o = offences.offence(code)
        s.put(2 if grave else 3, f"{role} in crime {ref} ({o.description if o else 'offence ' + code})")
        s.event(reported)
        s.event(closed)
        if closed is None:
            s.live.append(f"crime {ref} is open")
    # Group 2: missing children and those they were found with (safeguarding).
    episodes = MissingEpisode.objects.order_by().values_list("child_id", "ref", "reported_at", "returned_at")
    if people is not None:
        episodes = episodes.filter(child_id__in=people)
    for child, ref, reported, returned in episodes:
        s = out.get(child)
        if s is None:
            continue
        s.put(2, f"a missing child (episode {ref})")
        s.event(local_date(reported))
        if returned is None:
            s.live.append(f"missing episode {ref} is open")
        else:
            s.event(local_date(returned))
    found = MissingEpisode.found_with.through.objects.order_by().values_list(
        "person_id", "missingepisode__ref", "missingepisode__returned_at")
    if people is not None:
        found = found.filter(person_id__in=people)
    for person, ref, returned in found:
        s = out.get(person)
        if s is not None:
            s.put(2, f"found with a missing child (episode {ref})")
            s.event(local_date(returned) if returned else None)
    # Everyone else: group 3, dated by their addresses if by nothing else.
    from vigil.people.models import Address

    addresses = Address.objects.order_by().values_list("person_id", "valid_from").filter(valid_from__isnull=False)
    if people is not None:
        addresses = addresses.filter(person_id__in=people)
    for person, day in addresses:
        s = out.get(person)
        if s is not None and s.last_event is None:
            s.event(day)
    for s in out.values():
        if not s.reasons:
            s.reasons.append("a person record with no offence, case or missing episode")
    # The latest review of each.
    reviews = RetentionReview.objects.order_by("person_id", "reviewed_on", "pk").values_list(
        "person_id", "reviewed_on", "next_review_on", "decision")
    if people is not None:
        reviews = reviews.filter(person_id__in=people)
    for person, on, next_on, decision in reviews:
        if person in out:
            out[person].last_review = (on, next_on, decision)
    return out


def due(as_of: dt.date, pol=None) -> list[Standing]:
    """The records whose review is due on or before ``as_of``, most overdue first."""
    pol = pol or policy.current()
    rows = [s for s in standings(as_of, pol).values() if (s.due_on(pol) or as_of) <= as_of]
    return sorted(rows, key=lambda s: (s.due_on(pol) or as_of, s.group, s.ref))


def figures(as_of: dt.date, pol=None) -> dict:
    """The assurance figures: records by group; reviews due (not yet overdue, within 30 days), overdue, and done
    in the last year, by decision."""
    pol = pol or policy.current()
    by_group = {1: 0, 2: 0, 3: 0}
    overdue = soon = 0
    for s in standings(as_of, pol).values():
        by_group[s.group] += 1
        d = s.due_on(pol)
        if d is None or d < as_of:
            overdue += 1
        elif d <= as_of + dt.timedelta(days=30):
            soon += 1
    done = defaultdict(int)
    for decision in RetentionReview.objects.filter(reviewed_on__gt=as_of - dt.timedelta(days=365),
                                                   reviewed_on__lte=as_of).values_list("decision", flat=True):
        done[decision] += 1
    return {"records_by_group": by_group, "overdue": overdue, "due_within_30_days": soon,
            "reviewed_last_year": dict(done)}


@transaction.atomic
def record_review(*, actor, person: Person, decision: str, rationale: str, reviewed_on: dt.date,
                  next_review_on: dt.date | None = None) -> RetentionReview:
    """The review officer's decision with its rationale. Retain: the next review is set (by default a full
    review period on). Dispose: an erasure is asked for, which a second person approves (``erasure``)."""
    from vigil.core.scope import officer_of
    from vigil.governance import erasure

    if decision not in RetentionDecision.values:
        raise InputError(f"decision: {decision!r} is not one of retain, dispose")
    rationale = (rationale or "").strip()
    if len(rationale) < 10:
        raise InputError("rationale: write at least 10 characters")
    pol = policy.current()
    standing = standings(reviewed_on, pol, {person.pk}).get(person.pk)
    if standing is None:
        raise InputError(f"person {person.ref} has been erased")
    if decision == RetentionDecision.DISPOSE and not standing.may_dispose(reviewed_on, pol):
        raise InputError("decision: MoPI keeps this record now: " + "; ".join(
            standing.live or [f"group {standing.group} record kept until "
                              f"{(standing.keep_until(pol) or standing.due_on(pol) or reviewed_on):%-d %b %Y}"]))
    if decision == RetentionDecision.RETAIN:
        default = years_after(reviewed_on, pol[f"retention.group{standing.group}_review_years"])
        next_review_on = next_review_on or default
        if next_review_on <= reviewed_on:
            raise InputError("next_review_on: the next review must be after this one")
    else:
        next_review_on = None
    who = access_log.actor_names(actor)[0]
    review = RetentionReview.objects.create(
        person=person, person_ref=person.ref, group=standing.group, reviewed_on=reviewed_on, decision=decision,
        rationale=rationale, next_review_on=next_review_on, reviewer=officer_of(actor), recorded_by=who[:150],
        recorded_at=clock.now(), policy_version=pol.version)
    access_log.record(actor=actor, operation="alteration", record_type="person", record_ids=person.ref,
                      justification=PURPOSE, detail=f"retention review #{review.pk}: {decision} (group {standing.group})")
    if decision == RetentionDecision.DISPOSE:
        erasure.request(actor=actor, person=person, reason=f"MoPI disposal: {rationale}",
                        source=f"retention review #{review.pk}")
    return review
