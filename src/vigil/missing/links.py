"""Missing children linked to offenders: find the links, take the offender actions once, raise the alert the
same day.

A link is found when a return is recorded, when a linkage match is accepted (an adult found with a child turns
out to be a subject's alias), and by the daily sweep. While a link holds, the subject's risk review is brought
forward from the day the child was found (``offenders.triggers.sync_triggers``: event time, so a late import or a
monthly sweep gives the same review date; the trigger is withdrawn if the link stops holding). For each new link an
escalation is opened on the subject (``offenders.escalations.open_escalation``: workflow, dated the day Vigil found
the link); the critical alert goes to the subject's offender manager.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import Q

from vigil.core import access_log
from vigil.core.rows import LISTED, chunks
from vigil.missing import rules
from vigil.missing.deadlines import end_of_day
from vigil.missing.facts import episode_facts, identity_key
from vigil.missing.models import MissingEpisode, OffenderLink
from vigil.people.models import Address, Person
from vigil.sweep.models import Alert
from vigil.sweep.registry import Finding

SOURCE = "missing"


def _subject_model():
    try:
        return apps.get_model("offenders", "Subject")
    except LookupError:  # offender management not installed
        return None


CANDIDATES_BY_LIST = LISTED  # beyond this many keys, the candidates come from every episode, joined in the database


def subject_facts(found_keys: Iterable[str], identities: Iterable[str]) -> tuple[
        list[rules.SubjectAddress], list[rules.SubjectPerson], dict[str, dict]]:
    """The subjects who could match where children were found (``found_keys``) or whom with (``identities``):
    their addresses, resolved identities and managers. A few queries, and only those subjects' rows; no other
    subject can match. For many keys (the daily sweep) the candidates are those of every episode recorded: more
    than can match, never fewer (``rules.offender_links`` decides which do)."""
    Subject = _subject_model()
    if Subject is None:
        return [], [], {}
    people = set()
    found_keys, identities = set(found_keys), set(identities)
    at_address = Address.objects.filter(person__subjects__isnull=False, kind__in=rules.OFFENDER_ADDRESS_KINDS)
    subject_people = Person.objects.filter(subjects__isnull=False)
    if len(found_keys) > CANDIDATES_BY_LIST:  # the daily sweep: joined in the database, not an IN list of each key
        people |= set(at_address.filter(match_key__in=MissingEpisode.objects.exclude(found_key="")
                                        .values("found_key")).values_list("person_id", flat=True))
    else:
        for part in chunks(sorted(found_keys)):
            people |= set(at_address.filter(match_key__in=part).values_list("person_id", flat=True))
    if len(identities) > CANDIDATES_BY_LIST:  # every person any child was found with, and their identities
        with_whom = MissingEpisode.found_with.through.objects
        people |= set(subject_people.filter(Q(identity_id__in=with_whom.exclude(person__identity__isnull=True)
                                                .values("person__identity_id"))
                                            | Q(pk__in=with_whom.values("person_id"))).values_list("pk", flat=True))
    else:
        for part in chunks(sorted(identities)):
            unlinked = [k.removeprefix("I-") for k in part if k.startswith("I-")]
            people |= set(subject_people.filter(Q(identity__ref__in=part) | Q(identity__isnull=True, ref__in=unlinked))
                          .values_list("pk", flat=True))
    subjects, by_person, subject_people = {}, defaultdict(list), []
    for part in chunks(sorted(people)):
        for s in Subject.objects.filter(person_id__in=part).values(
                "pk", "ref", "person_id", "person__ref", "person__identity__ref", "manager__ref", "team_id"):
            subjects[s["ref"]] = {"pk": s["pk"], "person_id": s["person_id"], "manager": s["manager__ref"],
                                  "team_id": s["team_id"], "person_ref": s["person__ref"]}
            by_person[s["person_id"]].append(s["ref"])
            subject_people.append(rules.SubjectPerson(
                s["ref"], identity_key(s["person__ref"], s["person__identity__ref"]), s["person__ref"]))
    addresses = []
    for part in chunks(sorted(by_person)):
        for a in (Address.objects.filter(person_id__in=part, kind__in=rules.OFFENDER_ADDRESS_KINDS)
                  .values("person_id", "match_key", "kind", "valid_from", "valid_to")):
            for ref in by_person[a["person_id"]]:
                addresses.append(rules.SubjectAddress(ref, a["match_key"], a["kind"], a["valid_from"], a["valid_to"]))
    return addresses, subject_people, subjects


def found_with_records(episode_pks: Iterable[int] | None = None) -> dict[str, dict[str, str]]:
    """{episode ref: {identity: person ref}} for naming the record a child was found with."""
    through = MissingEpisode.found_with.through
    qs = through.objects.all() if episode_pks is None else through.objects.filter(missingepisode_id__in=list(
        episode_pks))
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in qs.values("missingepisode__ref", "person__ref", "person__identity__ref").iterator(chunk_size=20000):
        out[r["missingepisode__ref"]][identity_key(r["person__ref"], r["person__identity__ref"])] = r["person__ref"]
    return out


def with_episode(links):
    """Links with what the checks read of their episode (its reference and return), not its every column: a national
    sweep reads 3,000 links, and each episode's other times would be parsed for nothing."""
    return links.select_related("episode").only(*(f.name for f in OffenderLink._meta.concrete_fields),
                                                "episode__ref", "episode__returned_at")


@transaction.atomic
def refresh(*, as_of: dt.date, episodes=None, facts: list[rules.EpisodeFact] | None = None,
            actor: str = "system:missing") -> list[OffenderLink]:
    """Bring the stored links into line with the evidence as of ``as_of``; take offender actions for new ones.

    ``episodes`` (a queryset) limits the check to some episodes (a return just recorded, a match just accepted);
    links on other episodes are left as they are. Returns the links that hold for the episodes checked.
    """
    judged = end_of_day(as_of)
    if facts is None:
        facts = episode_facts(episodes, until=judged)
    checked = [f for f in facts if f.returned_by(judged) and (f.found_key or f.found_with)]
    if not checked and not (OffenderLink.objects.exists() if episodes is None
                            else OffenderLink.objects.filter(episode__in=episodes).exists()):
        return []  # no child found anywhere or with anyone, no link to undo: every subject's addresses go unread
    addresses, people, subjects = subject_facts(found_keys={f.found_key for f in checked if f.found_key},
                                                identities={k for f in checked for k in f.found_with})
    names = found_with_records(None if episodes is None else episodes.values_list("pk", flat=True))
    found = rules.offender_links(checked, addresses, people, as_of, names)
    ep_pk = dict(MissingEpisode.objects.filter(ref__in=[f.ref for f in checked]).values_list("ref", "pk")) \
        if len(checked) < 5000 else dict(MissingEpisode.objects.values_list("ref", "pk"))
    existing = {}
    stored = OffenderLink.objects.all() if episodes is None else OffenderLink.objects.filter(
        episode_id__in=list(ep_pk.values()))
    for link in with_episode(stored):
        existing[(link.episode_id, link.subject_ref, link.via, link.detail)] = link
    holding, to_create, to_update = [], [], []
    created_on: set[str] = set()
    for f in found:
        key = (ep_pk[f.episode], f.subject, f.via, f.detail[:200])
        s = subjects[f.subject]
        link = existing.pop(key, None)
        if link is None:
            link = OffenderLink(episode_id=key[0], subject_ref=f.subject, subject_person_id=s["person_id"],
                                subject_team_id=s["team_id"], manager_ref=s["manager"] or "", via=f.via,
                                detail=key[3], evidence=f.evidence, first_seen_on=f.on)
            to_create.append(link)
            created_on.add(f.episode)
        elif (not link.holds or link.evidence != f.evidence or link.manager_ref != (s["manager"] or "")
              or link.first_seen_on != f.on):  # a corrected return date moves the link to the day it happened
            link.holds, link.evidence, link.manager_ref, link.first_seen_on = True, f.evidence, s["manager"] or "", f.on
            to_update.append(link)
        holding.append(link)
    # Links whose evidence has gone (a linkage undone, an address corrected) stop holding; the record stays.
    returned = {f.ref for f in facts if f.returned_by(judged)}
    gone = [link for link in existing.values() if link.holds and link.episode.ref in returned]
    for link in gone:
        link.holds = False
    OffenderLink.objects.bulk_create(to_create, batch_size=2000)
    OffenderLink.objects.bulk_update(to_update + gone, ["holds", "evidence", "manager_ref", "first_seen_on"],
                                     batch_size=2000)
    if to_create or gone:
        refs = sorted({f.episode for f in found if f.episode in created_on} | {lk.episode.ref for lk in gone})
        access_log.record(actor=actor, operation="combination", record_type="episode", record_ids=refs,
                          justification="safeguarding: missing child linked to a managed offender (domain-rules §3)",
                          detail=f"{len(to_create)} offender link(s) found, {len(gone)} no longer supported")
    _sync_review_triggers(holding, {ep_pk[ref]: ref for ref in returned if ref in ep_pk}, subjects, actor)
    take_offender_actions([lk for lk in holding if lk.actioned_on is None], as_of)
    return holding


def _sync_review_triggers(holding: list[OffenderLink], refs: dict[int, str], subjects: dict, actor: str) -> None:
    """One review trigger per episode and linked subject, dated the day the child was found; withdrawn when the
    link stops holding (the episodes checked are the scope: links of later returns are left alone)."""
    if _subject_model() is None:
        return
    from vigil.offenders.triggers import sync_triggers

    wanted: dict[tuple[int, str], tuple[dt.date, str]] = {}
    for link in sorted(holding, key=lambda lk: (lk.first_seen_on, lk.via, lk.detail)):
        key = (subjects[link.subject_ref]["pk"], f"{SOURCE}:{refs.get(link.episode_id) or link.episode.ref}")
        wanted.setdefault(key, (link.first_seen_on, link.evidence))
    sync_triggers(trigger="missing_child_link", wanted=wanted, sources={f"{SOURCE}:{r}" for r in refs.values()},
                  actor=actor)


def take_offender_actions(links: list[OffenderLink], as_of: dt.date) -> None:
    """Open an escalation on each linked subject: once per link (the review trigger is kept in line by
    ``_sync_review_triggers``)."""
    if not links:
        return
    Subject = _subject_model()
    if Subject is None:
        return
    from vigil.offenders.escalations import open_escalation

    by_ref = Subject.objects.in_bulk([lk.subject_ref for lk in links], field_name="ref")
    for link in links:
        subject = by_ref.get(link.subject_ref)
        if subject is None:
            continue
        source = f"{SOURCE}:{link.episode.ref}"
        open_escalation(subject=subject, kind="CHILD_LINKED_TO_OFFENDER", opened_on=as_of,
                        reasons=[link.evidence], source=source, since=link.first_seen_on)
        link.actioned_on = as_of
    OffenderLink.objects.bulk_update(links, ["actioned_on"], batch_size=2000)


def findings(as_of: dt.date, links: Iterable[OffenderLink] | None = None) -> list[Finding]:
    """CHILD_LINKED_TO_OFFENDER: one per subject with a link that holds and had no review by the as-of day."""
    judged = end_of_day(as_of)
    qs = with_episode(OffenderLink.objects.filter(holds=True)) if links is None else links
    by_subject: dict[str, list[OffenderLink]] = defaultdict(list)
    for link in qs:
        if link.reviewed_at is not None and link.reviewed_at <= judged:
            continue
        if link.episode.returned_at is None or link.episode.returned_at > judged:
            continue
        by_subject[link.subject_ref].append(link)
    out = []
    for subject, lks in sorted(by_subject.items()):
        facts = [rules.OffenderLinkFact(lk.episode.ref, "", lk.subject_ref, lk.via, lk.first_seen_on, lk.evidence,
                                        lk.detail) for lk in lks]
        f = rules.child_linked_to_offender(facts, subject, owner=lks[0].manager_ref or None,
                                           team_id=lks[0].subject_team_id)
        if f:
            out.append(f)
    return out


def raise_alerts_now(subject_refs: Iterable[str], as_of: dt.date) -> list[Alert]:
    """Open (or update) the CHILD_LINKED_TO_OFFENDER alerts of these subjects straight away, the same day, without
    waiting for the nightly sweep (which finds the same alerts again: it is idempotent)."""
    refs = set(subject_refs)
    if not refs:
        return []
    links = with_episode(OffenderLink.objects.filter(holds=True, subject_ref__in=refs))
    out = []
    found = {f.entity_id: f for f in findings(as_of, links)}
    for ref in refs:
        f = found.get(ref)
        alert = Alert.objects.filter(code=rules.CHILD_LINKED_TO_OFFENDER, entity_type="subject", entity_id=ref,
                                     status="open").first()
        if f is None:
            if alert is not None:
                alert.status, alert.closed_as_of = "closed", as_of
                alert.save(update_fields=["status", "closed_as_of"])
            continue
        if alert is None:
            alert = Alert(code=f.code, entity_type=f.entity_type, entity_id=f.entity_id, opened_as_of=as_of)
        alert.severity, alert.since, alert.owner, alert.reasons, alert.team_id = (
            f.severity, f.since, f.owner or "", list(f.reasons), f.team_id)
        alert.last_seen_as_of = as_of
        alert.save()
        out.append(alert)
    return out


def on_identities_changed(sender, person_pks, as_of, actor=None, **kwargs) -> None:
    """Record linkage changed who is who: re-check the episodes whose found-with people are now (or were) one of
    those identities, and raise or close the alerts the same day."""
    pks = set(person_pks)
    if len(pks) > 2000:
        episodes = None
    else:
        identity_ids = set(Person.objects.filter(pk__in=pks, identity__isnull=False)
                           .values_list("identity_id", flat=True))
        related = pks | set(Person.objects.filter(identity_id__in=identity_ids).values_list("pk", flat=True))
        episodes = MissingEpisode.objects.filter(
            pk__in=MissingEpisode.objects.filter(Q(found_with__in=related) | Q(child_id__in=related)).values("pk"))
    before = OffenderLink.objects.filter(holds=True)
    if episodes is not None:
        before = before.filter(episode__in=episodes)
    subjects = set(before.values_list("subject_ref", flat=True))
    who = actor if isinstance(actor, str) else (access_log.actor_names(actor)[0] if actor else "system:link")
    holding = refresh(as_of=as_of, episodes=episodes, actor=who)
    raise_alerts_now(subjects | {lk.subject_ref for lk in holding}, as_of)
