"""Erasure (DPA 2018 s.47) with four eyes: one person asks, a second approves, and only then is the person erased;
or it is refused with a one-line reason while a retention rule or a live case requires the record.

What erasure removes: the person's names, date of birth and sex; their aliases, addresses, phones, vehicles and
identifiers; the record-linkage pairs and evidence about them; their missing episodes (with gradings, screenings,
meetings and links) and their missing-child profile; the reasons of alerts and tasks about those records. What it
keeps: the person row as a placeholder ("erased record", reference only) so that the crimes and episodes of other
people that name them still hold together. The access log gets one erasure entry with metadata only (counts, the
request's number), never the erased values; the chain is untouched and still verifies (docs/adr/0020).
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q

from vigil.core import access_log, clock, policy
from vigil.core.errors import AccessDenied, InputError
from vigil.core.scope import officer_of
from vigil.governance.models import (
    ErasureRequest,
    ErasureStatus,
    ProcessingRestriction,
    RequestStatus,
    SubjectAccessRequest,
)
from vigil.people.models import Person

PURPOSE = "erasure of personal data (DPA 2018 s.47)"


def why_kept(person: Person, as_of: dt.date, *, disposal: bool = False) -> str:
    """The one-line reason the record must be kept now, or '' when it may be erased. ``disposal``: the erasure
    carries out a retention review's decision to dispose (the review already judged the clear period)."""
    from vigil.governance import retention

    pol = policy.current()
    if person.erased_at:
        return f"person {person.ref} was erased on {person.erased_at:%-d %b %Y}"
    standing = retention.standings(as_of, pol, {person.pk})[person.pk]
    if standing.live:
        return f"a live case requires the record: {standing.live[0]}"
    if standing.subjects:
        # Erasing the person would leave the management record (orders, visits, assessments) describing them, and
        # an export naming a person it no longer holds: the subject's record is disposed of first.
        return f"the management record of subject {min(standing.subjects)} still describes the person"
    sar = SubjectAccessRequest.objects.filter(person=person, status=RequestStatus.OPEN).first()
    if sar:
        return f"a subject access request received on {sar.received_on:%-d %b %Y} is still open"
    if standing.group == 1:
        until = standing.keep_until(pol)
        if until is None:
            return ("MoPI group 1 (certain public protection matters) keeps the record, and the date of birth is "
                    "not known")
        if until > as_of:
            return f"MoPI group 1 (certain public protection matters) keeps the record until {until:%-d %b %Y}"
        return ""
    due = standing.due_on(pol)
    if not disposal and due is not None and due > as_of:
        return (f"MoPI group {standing.group} keeps the record until its retention review on {due:%-d %b %Y} "
                f"({standing.reasons[0]})")
    return ""


def _decide(req: ErasureRequest, status: str, actor, refusal: str = "") -> None:
    """Close the request: its outcome, when, and by whom."""
    req.status, req.refusal, req.decided_at = status, refusal[:300], clock.now()
    req.decided_by, req.decided_officer = access_log.actor_names(actor)[0][:150], officer_of(actor)
    req.save()


def _refuse(req: ErasureRequest, reason: str, actor) -> None:
    _decide(req, ErasureStatus.REFUSED, actor, reason)
    access_log.record(actor=actor, operation="erasure", record_type="person", record_ids=req.person_ref,
                      justification=PURPOSE, outcome="refused",
                      detail=f"erasure request #{req.pk} refused: {reason[:200]}")


def request(*, actor, person: Person, reason: str, source: str = "request") -> ErasureRequest:
    """Ask for an erasure. Refused at once (recorded, logged, and raised as InputError) when the record must be
    kept; otherwise it waits for a second person's approval."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InputError("reason: write at least 10 characters")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        who = access_log.actor_names(actor)[0]
        req = ErasureRequest(person=person, person_ref=person.ref, reason=reason, source=source[:40],
                             requested_by=who[:150], requested_at=clock.now(),
                             requested_officer=officer_of(actor))
        kept = why_kept(person, clock.today(), disposal=source.startswith("retention review"))
        if kept:
            req.status = ErasureStatus.REFUSED
        try:
            with transaction.atomic():
                req.save()
        except IntegrityError:
            raise InputError(f"an erasure of person {person.ref} is already awaiting approval") from None
        if kept:
            _refuse(req, kept, actor)
        else:
            access_log.record(actor=actor, operation="collection", record_type="person", record_ids=person.ref,
                              justification=PURPOSE,
                              detail=f"erasure request #{req.pk} recorded: nothing erased until a second person "
                                     "approves it")
    if kept:
        raise InputError(f"erasure refused: {kept}")
    return req


def approve(*, actor, req: ErasureRequest) -> ErasureRequest:
    """The second pair of eyes: someone other than the requester approves, and the person is erased (or the
    request is refused if the record has since become required)."""
    with transaction.atomic():
        req = ErasureRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != ErasureStatus.PENDING:
            raise InputError(f"this erasure request is already {req.get_status_display().lower()}")
        who, officer = access_log.actor_names(actor)
        if who == req.requested_by or (officer and req.requested_officer and officer == req.requested_officer.ref):
            raise AccessDenied("four eyes: the person who asked for an erasure cannot approve it")
        return _carry_out(req, actor)


def withdraw(*, actor, req: ErasureRequest, reason: str) -> ErasureRequest:
    with transaction.atomic():
        req = ErasureRequest.objects.select_for_update().get(pk=req.pk)
        if req.status != ErasureStatus.PENDING:
            raise InputError(f"this erasure request is already {req.get_status_display().lower()}")
        if len((reason or "").strip()) < 5:
            raise InputError("reason: say why the request is withdrawn")
        _decide(req, ErasureStatus.WITHDRAWN, actor, reason.strip())
        access_log.record(actor=actor, operation="alteration", record_type="person", record_ids=req.person_ref,
                          justification=PURPOSE, detail=f"erasure request #{req.pk} withdrawn")
    return req


def erase_now(*, actor, person: Person, reason: str) -> ErasureRequest:
    """``vigil erase``: ask and carry out in one step (the operator at the command line answers for both)."""
    req = request(actor=actor, person=person, reason=reason, source="command line")
    with transaction.atomic():
        req = _carry_out(ErasureRequest.objects.select_for_update().get(pk=req.pk), actor)
    if req.status != ErasureStatus.DONE:
        raise InputError(f"erasure refused: {req.refusal}")
    return req


def _carry_out(req: ErasureRequest, actor) -> ErasureRequest:
    person = Person.objects.select_for_update().filter(pk=req.person_id).first()
    kept = why_kept(person, clock.today(), disposal=req.source.startswith("retention review")) if person else \
        "the person record no longer exists"
    if kept:
        _refuse(req, kept, actor)
        return req
    try:
        with transaction.atomic():
            removed = _remove(person, req)
    except ProtectedError as exc:
        _refuse(req, f"another record still needs it ({type(exc.protected_objects.pop()).__name__})"
                if exc.protected_objects else "another record still needs it", actor)
        return req
    req.removed = removed
    _decide(req, ErasureStatus.DONE, actor)
    said = ", ".join(f"{n} {what}" for what, n in removed.items() if n) or "the person's own fields"
    access_log.record(actor=actor, operation="erasure", record_type="person", record_ids=req.person_ref,
                      justification=PURPOSE,
                      detail=f"erasure request #{req.pk} carried out ({req.source}): removed {said}; the reason "
                             "is in the request")
    return req


def _remove(person: Person, req: ErasureRequest) -> dict[str, int]:
    """Everything that only describes the person goes; the row stays as a placeholder. Counts only."""
    from vigil.missing.models import MissingEpisode, PhilomenaProfile, StrategyMeeting
    from vigil.people.linkage import reviews
    from vigil.people.linkage.models import LinkageTruth, RecordMatch
    from vigil.sweep.models import Alert
    from vigil.work.models import Task, TaskStatus
    from vigil.work.services import settle_all

    removed: dict[str, int] = {}
    note = f"reasons removed: the record was erased (erasure request #{req.pk})"
    matches = RecordMatch.objects.filter(Q(left=person) | Q(right=person))
    match_pks = list(matches.values_list("pk", flat=True))
    reviews.clear(match_pks, outcome=f"closed: a record of the pair was erased (erasure request #{req.pk})",
                  actor="system:erase")
    Task.objects.filter(kind=reviews.KIND, record_type="match", record_ref__in=[str(p) for p in match_pks]) \
        .update(reasons=[note])
    removed["record-linkage pairs"] = matches.delete()[1].get("people.RecordMatch", 0)
    LinkageTruth.objects.filter(person=person).delete()
    for name, rel in (("aliases", person.aliases), ("addresses", person.addresses), ("phones", person.phones),
                      ("vehicles", person.vehicles), ("identifiers", person.identifiers)):
        removed[name] = rel.all().delete()[0]
    episodes = MissingEpisode.objects.filter(child=person)
    episode_refs = list(episodes.values_list("ref", flat=True))
    removed["strategy meetings"] = StrategyMeeting.objects.filter(child=person).delete()[0]
    removed["missing episodes"] = len(episode_refs)
    episodes.delete()
    removed["missing-child profiles"] = PhilomenaProfile.objects.filter(child=person).delete()[0]
    about = Q(entity_type="person", entity_id=person.ref) | Q(entity_type="episode", entity_id__in=episode_refs)
    today = clock.today()
    Alert.objects.filter(about, status="open").update(status="closed", closed_as_of=today,
                                                      closed_reason=f"the record was erased (request #{req.pk})")
    removed["alert reasons"] = Alert.objects.filter(about).update(reasons=[note])
    tasks = Task.objects.filter(Q(record_type="person", record_ref=person.ref)
                                | Q(record_type="episode", record_ref__in=episode_refs))
    settle_all(sources=list(tasks.filter(status=TaskStatus.OPEN).values_list("source", flat=True)),
               outcome=f"closed: the record was erased (erasure request #{req.pk})", actor="system:erase",
               done=False)
    removed["task reasons"] = tasks.update(reasons=[note], handed_over="")
    ProcessingRestriction.objects.filter(person=person, lifted_at__isnull=True).update(
        lifted_at=clock.now(), lifted_by="system:erase", lift_reason="the record was erased")
    person.given_names = person.surname = ""
    person.date_of_birth = person.born_earliest = person.born_latest = None
    person.sex, person.identity, person.erased_at = "unknown", None, clock.now()
    person.save()
    return {k: v for k, v in removed.items() if v}
