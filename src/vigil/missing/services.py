"""Writes to missing-children records: each one atomic, checked, and written to the access log.

Views pass what the person entered; anything wrong is an ``InputError`` with one clear line and nothing is
written. Times are timezone-aware; the views reject times in the future before calling here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from vigil.core import access_log, clock
from vigil.core.errors import InputError, Superseded
from vigil.core.scope import change_justification, officer_of, refusal
from vigil.missing import links
from vigil.missing.deadlines import local_date
from vigil.missing.models import (
    Grading,
    MissingEpisode,
    OffenderLink,
    PhilomenaProfile,
    RiskGrade,
    Screening,
    Stage,
    StrategyMeeting,
)
from vigil.missing.rules import INDICATORS
from vigil.people.addresses import match_key, normalise_postcode
from vigil.people.models import Person

WORK = "missing-child safeguarding: own or team work"


def _log(actor, operation: str, episode: MissingEpisode, detail: str, justification: str | None = None) -> None:
    """Log a change to an episode: the actor's own work or a break-glass given for a change (else AccessDenied,
    and the caller's transaction rolls back), unless the caller states its own lawful purpose."""
    if justification is None:
        justification = change_justification(actor, episode, record_type="episode", record_id=episode.ref,
                                             own_work=WORK)
    access_log.record(actor=actor, operation=operation, record_type="episode", record_ids=episode.ref,
                      justification=justification, detail=detail)


def _rejudge(actor, child: Person, what: str) -> None:
    """Cleared at once: after a write that changes a child's facts, re-judge the child inside the same transaction
    (``missing.sweep.rejudge``); what no longer holds closes, saying ``cleared by <what> (<who>)``."""
    from vigil.missing.sweep import rejudge
    from vigil.sweep.registry import cleared_by

    rejudge([child.pk], clock.today(), cleared_by=cleared_by(what, officer_of(actor)))


def _text(value: str | None, what: str, minimum: int = 0) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        raise InputError(f"{what}: write at least {minimum} characters" if minimum > 1 else f"{what} is required")
    return value


def people_named(text: str, *, what: str) -> list[Person]:
    """The person records named by their ids in ``text`` (separated by commas), or one line naming the unknown."""
    refs = list(dict.fromkeys(r.strip() for r in (text or "").replace(";", ",").split(",") if r.strip()))
    people = {p.ref: p for p in Person.objects.filter(ref__in=refs)}
    unknown = [r for r in refs if r not in people]
    if unknown:
        raise InputError(f"{what}: no person {', '.join(map(repr, unknown))}")
    return [people[r] for r in refs]


def next_ref() -> str:
    """A new episode id: M + the next number (imported ids are kept as they were sent)."""
    numbers = [int(r[1:]) for r in MissingEpisode.objects.filter(ref__regex=r"^M[0-9]+$").values_list("ref", flat=True)
               .order_by("-pk")[:200] if r[1:].isdigit()]
    n = max(numbers, default=MissingEpisode.objects.count()) + 1
    while MissingEpisode.objects.filter(ref=f"M{n}").exists():
        n += 1
    return f"M{n}"


def reported_child(*, actor, ref: str = "", given_names: str = "", surname: str = "",
                   date_of_birth: dt.date | None = None) -> Person:
    """The child being reported: an existing record by id (never one a restriction denies the officer), or a new
    record from the names given."""
    ref = (ref or "").strip()
    if not ref:
        return new_child_record(actor=actor, given_names=given_names, surname=surname, date_of_birth=date_of_birth)
    person = Person.objects.filter(ref=ref).first()
    if person is None:
        raise InputError(f"child: no person {ref!r}")
    refused = refusal(Person.objects.filter(pk=person.pk), officer_of(actor))
    if refused:
        raise InputError(f"child: {refused}")
    return person


@transaction.atomic
def new_child_record(*, actor, given_names: str, surname: str, date_of_birth: dt.date | None) -> Person:
    """A person record for a child the force held nothing on, held by the reporting officer's team. One name is
    enough when the other is not known (the record is partly known; docs/adr/0307)."""
    given_names, surname = _text(given_names, "given names"), _text(surname, "surname")
    if not (given_names or surname):
        raise InputError("child: give a given name or a surname for a new record")
    n = Person.objects.count() + 1
    while Person.objects.filter(ref=f"PC{n:06d}").exists():
        n += 1
    officer = officer_of(actor)
    child = Person.objects.create(ref=f"PC{n:06d}", given_names=given_names[:200], surname=surname[:200],
                                  date_of_birth=date_of_birth, team=officer.team if officer else None)
    access_log.record(actor=actor, operation="collection", record_type="person", record_ids=child.ref,
                      justification=WORK, detail="person record created for a missing child")
    return child


@transaction.atomic
def report_episode(*, actor, child: Person, reported_at: dt.datetime, last_seen_at: dt.datetime | None = None,
                   last_seen_place: str = "", circumstances: str = "", reported_by_text: str = "", team=None,
                   coordinator=None, ref: str | None = None) -> MissingEpisode:
    if last_seen_at and last_seen_at > reported_at:
        raise InputError("last seen: cannot be after the report")
    officer = officer_of(actor)
    ep = MissingEpisode.objects.create(
        ref=ref or next_ref(), child=child, reported_at=reported_at, last_seen_at=last_seen_at,
        last_seen_place=(last_seen_place or "").strip()[:300], circumstances=(circumstances or "").strip(),
        reported_by_text=(reported_by_text or "").strip()[:200],
        team=team or (officer.team if officer else None), coordinator=coordinator or officer)
    _log(actor, "collection", ep, f"missing episode reported for child {child.ref}")
    _rejudge(actor, child, f"the missing report on {clock.moment_said(reported_at)}")
    return ep


@transaction.atomic
def grade_episode(*, actor, episode: MissingEpisode, grade: str, rationale: str, graded_at: dt.datetime,
                  information_shown: dict | None = None) -> Grading:
    """Record a grading with its rationale and what the grader was shown (the force's holdings on the child)."""
    if grade not in RiskGrade.values:
        raise InputError(f"grade: {grade!r} is not one of {', '.join(RiskGrade.values)}")
    rationale = _text(rationale, "rationale", 10)
    if graded_at < episode.reported_at:
        raise InputError("graded at: cannot be before the report")
    if episode.returned_at and graded_at > episode.returned_at:
        raise InputError("graded at: the child had already returned; a grading is for an open episode")
    g = Grading.objects.create(episode=episode, grade=grade, rationale=rationale, graded_at=graded_at,
                               graded_by=officer_of(actor), information_shown=information_shown or {})
    latest = episode.gradings.order_by("-graded_at", "-pk").first()
    episode.risk_grade, episode.graded_at = latest.grade, latest.graded_at
    episode.save(update_fields=["risk_grade", "graded_at"])
    _log(actor, "alteration", episode, f"graded {grade}")
    return g


def _indicators(values: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(values or ()))
    unknown = [v for v in chosen if v not in INDICATORS]
    if unknown:
        raise InputError(f"indicators: {', '.join(map(repr, unknown))} not on the checklist")
    return [k for k in INDICATORS if k in chosen]


@transaction.atomic
def record_screening(*, actor, episode: MissingEpisode, stage: str, at: dt.datetime, indicators: Sequence[str],
                     notes: str = "", referral_at: dt.datetime | None = None, referral_to: str = "") -> Screening:
    """The CSE/CCE checklist at report or at return. Any indicator present needs a referral within 24 hours."""
    if stage not in Stage.values:
        raise InputError(f"stage: {stage!r} is not one of {', '.join(Stage.values)}")
    chosen = _indicators(indicators)
    if at < episode.reported_at:
        raise InputError("screened at: cannot be before the report")
    if stage == Stage.RETURN:
        if episode.returned_at is None:
            raise InputError("a screening at return needs the return recorded first")
        if at < episode.returned_at:
            raise InputError("screened at: a screening at return cannot be before the return")
    elif episode.returned_at and at > episode.returned_at:
        raise InputError("stage: the child has returned; record this as the screening at return")
    if referral_at is not None:
        if not chosen:
            raise InputError("referral: no indicator is present, so no referral is recorded here")
        if referral_at < at - dt.timedelta(hours=1):
            raise InputError("referral made at: cannot be before the screening")
        _text(referral_to, "referred to")
    s = Screening.objects.create(episode=episode, stage=stage, at=at, indicators=chosen, notes=(notes or "").strip(),
                                 screened_by=officer_of(actor), referral_at=referral_at,
                                 referral_to=(referral_to or "").strip()[:200])
    _log(actor, "collection", episode, f"exploitation screening at {stage}: {len(chosen)} indicator(s)")
    if chosen and referral_at is None and (episode.coordinator_id or episode.team_id):
        _hand_over_referral(actor, episode, s)
    _rejudge(actor, episode.child, f"the screening on {clock.moment_said(at)}")
    return s


def _referral_source(screening: Screening) -> str:
    return f"screening:{screening.pk}:referral"


def _hand_over_referral(actor, episode: MissingEpisode, s: Screening) -> None:
    """Indicators found and no referral yet: the episode's coordinator (or the team's queue) is handed the
    referral, due 24 hours after the screening; recording the referral settles it (``record_referral``)."""
    from vigil.core import policy
    from vigil.work.services import hand_over

    hours = policy.current()["missing.referral_hours"]
    hand_over(source=_referral_source(s), kind="safeguarding_referral", owner=episode.coordinator,
              team=episode.team, title="Make the referral to the exploitation team or safeguarding hub",
              record_type="episode", record_ref=episode.ref, severity="high", by=officer_of(actor), actor=actor,
              due=s.at + dt.timedelta(hours=hours),
              reasons=[f"the screening at {s.stage} on {clock.moment_said(s.at)} found {len(s.indicators)} indicator(s) of "
                       "exploitation", f"any indicator present needs a referral within {hours} hours"])


@transaction.atomic
def record_referral(*, actor, screening: Screening, at: dt.datetime, to: str) -> Screening:
    if not screening.indicators:
        raise InputError("this screening found no indicator: no referral is needed")
    done = Screening.objects.select_for_update().get(pk=screening.pk)  # one at a time; the caller's copy is updated
    if done.referral_at is not None:
        raise Superseded(f"a referral to {done.referral_to} is already recorded for this screening (made at "
                         f"{clock.said(done.referral_at)})")
    if at < screening.at - dt.timedelta(hours=1):
        raise InputError("referral made at: cannot be before the screening")
    screening.referral_at, screening.referral_to = at, _text(to, "referred to")[:200]
    screening.save(update_fields=["referral_at", "referral_to"])
    _log(actor, "disclosure", screening.episode, f"referral to {screening.referral_to}")
    from vigil.work.services import settle

    settle(source=_referral_source(screening), actor=actor,
           outcome=f"referral to {screening.referral_to} recorded on {clock.moment_said(at)}")
    _rejudge(actor, screening.episode.child, f"the referral on {clock.moment_said(at)}")
    return screening


@transaction.atomic
def record_return(*, actor, episode: MissingEpisode, returned_at: dt.datetime, found_at: dict | None,
                  found_with: Iterable[Person] = (), condition: str = "", as_of: dt.date | None = None) -> MissingEpisode:
    """Record where, when and with whom the child was found; then look for offender links the same day."""
    done = MissingEpisode.objects.select_for_update().only("returned_at").get(pk=episode.pk)  # one at a time
    if done.returned_at is not None:
        raise Superseded(f"the return is already recorded for this episode: the child returned at "
                         f"{clock.said(done.returned_at)}")
    if returned_at < episode.reported_at:
        raise InputError("returned at: cannot be before the report")
    found_with = list(found_with)
    if any(p.pk == episode.child_id for p in found_with):
        raise InputError("found with: the child cannot be found with themselves")
    found_at = found_at or {}
    line1 = (found_at.get("line1") or "").strip()
    if not line1 and (found_at.get("postcode") or found_at.get("town")):
        raise InputError("found at: give the first line of the address")
    episode.returned_at = returned_at
    episode.found_line1, episode.found_line2 = line1[:200], (found_at.get("line2") or "").strip()[:200]
    episode.found_town = (found_at.get("town") or "").strip()[:100]
    episode.found_postcode = normalise_postcode(found_at.get("postcode"))[:10]
    episode.found_key = match_key(line1, episode.found_line2, episode.found_town, episode.found_postcode) \
        if line1 else ""
    episode.condition = (condition or "").strip()
    episode.save()
    episode.found_with.set(found_with)
    _log(actor, "collection", episode, f"return recorded; found with {len(found_with)} person(s)")
    links.refresh(as_of=as_of or local_date(returned_at), episodes=MissingEpisode.objects.filter(pk=episode.pk),
                  actor=_actor_name(actor))
    links.raise_alerts_now(OffenderLink.objects.filter(episode=episode, holds=True)
                           .values_list("subject_ref", flat=True), as_of or local_date(returned_at))
    _rejudge(actor, episode.child, f"the return on {clock.moment_said(returned_at)}")
    return episode


def _actor_name(actor) -> str:
    return actor if isinstance(actor, str) else access_log.actor_names(actor)[0]


def _after_return(episode: MissingEpisode, at: dt.datetime, what: str) -> None:
    if episode.returned_at is None:
        raise InputError(f"{what}: record the return first")
    if at < episode.returned_at:
        raise InputError(f"{what}: cannot be before the return")


@transaction.atomic
def record_prevention_interview(*, actor, episode: MissingEpisode, at: dt.datetime) -> MissingEpisode:
    _after_return(episode, at, "prevention interview")
    episode.prevention_interview_at = at
    episode.save(update_fields=["prevention_interview_at"])
    _log(actor, "alteration", episode, "prevention (safe and well) interview recorded")
    _rejudge(actor, episode.child, f"the prevention interview on {clock.moment_said(at)}")
    return episode


@transaction.atomic
def record_return_interview(*, actor, episode: MissingEpisode, at: dt.datetime, note: str = "") -> MissingEpisode:
    _after_return(episode, at, "return home interview")
    episode.return_interview_at, episode.return_interview_note = at, (note or "").strip()
    episode.save(update_fields=["return_interview_at", "return_interview_note"])
    _log(actor, "alteration", episode, "independent return home interview offered")
    _rejudge(actor, episode.child, f"the return home interview on {clock.moment_said(at)}")
    return episode


@transaction.atomic
def record_strategy_meeting(*, actor, child: Person, held_at: dt.datetime, attendees: str = "", outcome: str = "",
                            episode: MissingEpisode | None = None) -> StrategyMeeting:
    outcome = _text(outcome, "outcome", 10)
    m = StrategyMeeting.objects.create(child=child, episode=episode, held_at=held_at,
                                       attendees=(attendees or "").strip(), outcome=outcome,
                                       recorded_by=officer_of(actor))
    access_log.record(actor=actor, operation="collection", record_type="person", record_ids=child.ref,
                      justification=WORK, detail="repeat-missing strategy meeting recorded")
    _rejudge(actor, child, f"the strategy meeting on {clock.moment_said(held_at)}")
    return m


PROFILE_FIELDS = ("looked_after", "placement", "responsible_authority", "description", "photo_ref",
                  "friends_associates", "addresses_frequented", "phones_social_media", "medical",
                  "previous_episodes_note")


@transaction.atomic
def save_philomena_profile(*, actor, child: Person, at: dt.datetime, **fields) -> PhilomenaProfile:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise InputError(f"not a Philomena profile field: {', '.join(sorted(unknown))}")
    profile = PhilomenaProfile.objects.filter(child=child).first()
    created = profile is None
    profile = profile or PhilomenaProfile(child=child)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.updated_at, profile.updated_by = at, officer_of(actor)
    profile.save()
    access_log.record(actor=actor, operation="collection" if created else "alteration", record_type="person",
                      record_ids=child.ref, justification=WORK, detail="Philomena Protocol profile saved")
    return profile


@transaction.atomic
def review_offender_link(*, actor, link: OffenderLink, rationale: str, at: dt.datetime) -> OffenderLink:
    """The offender manager's (or a supervisor's) recorded review of a link; the alert closes once every link on
    the subject is reviewed."""
    done = OffenderLink.objects.select_for_update().get(pk=link.pk)  # one at a time
    if done.reviewed_at is not None:
        by = done.reviewed_by.name if done.reviewed_by else "someone"
        raise Superseded(f"this link was already reviewed by {by} at {clock.said(done.reviewed_at)}")
    link.review_rationale = _text(rationale, "rationale", 15)
    link.reviewed_at, link.reviewed_by = at, officer_of(actor)
    link.save(update_fields=["review_rationale", "reviewed_at", "reviewed_by"])
    access_log.record(actor=actor, operation="alteration", record_type="subject", record_ids=link.subject_ref,
                      justification="offender management: review of a link to a missing child",
                      detail=f"link to episode {link.episode.ref} reviewed")
    links.raise_alerts_now([link.subject_ref], local_date(at))
    return link
