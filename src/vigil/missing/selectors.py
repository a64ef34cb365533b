"""Reads of missing-children records: restricted to the actor's work and written to the access log.

Each page's data comes from a fixed handful of queries whatever the number of episodes (the list pages assert
their query counts in tests).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from vigil.core import access_log
from vigil.core.policy import Policy
from vigil.core.scope import Access, officer_of, open_record, refusal
from vigil.missing import rules
from vigil.missing.deadlines import local_text
from vigil.missing.facts import episode_facts, identity_key, strategy_meetings_by_identity
from vigil.missing.graph import LinkGraph, address_graph, child_graph
from vigil.missing.models import MissingEpisode, OffenderLink, PhilomenaProfile, StrategyMeeting
from vigil.people.addresses import describe_key
from vigil.people.models import Address, Person
from vigil.web.shown import log_shown

RECENT_RETURN_DAYS = 14


def _consulted(actor, record_type: str, ids, detail: str, justification: str = "own or team work") -> None:
    access_log.record(actor=actor, operation="consultation", record_type=record_type, record_ids=ids,
                      justification=justification, detail=detail)


@dataclass
class TimerRow:
    what: str
    state: str          # due, overdue, done
    text: str           # "due in 3 h 20 min"
    deadline: str       # "2024-06-02 22:10"


def timer_rows(timers: list[rules.Timer], moment: dt.datetime) -> list[TimerRow]:
    return [TimerRow(t.what, t.state(moment), t.describe(moment), local_text(t.deadline) if t.deadline else "now")
            for t in timers]


@dataclass
class BoardRow:
    episode: MissingEpisode
    fact: rules.EpisodeFact
    timers: list[rules.Timer]
    overdue: list[rules.Timer] = field(default_factory=list)
    next_due: rules.Timer | None = None
    display: list[TimerRow] = field(default_factory=list)


@dataclass
class RepeatChild:
    child_ref: str
    name: str
    count: int
    latest: str
    meeting_due: dt.date | None
    meeting_held: dt.datetime | None


def _rows(qs, moment: dt.datetime, pol: Policy) -> list[BoardRow]:
    episodes = {e.ref: e for e in qs.select_related("child", "team", "coordinator")}
    facts = episode_facts(MissingEpisode.objects.filter(pk__in=[e.pk for e in episodes.values()]), until=moment)
    rows = []
    for f in facts:
        ts = rules.timers(f, moment, pol)
        open_ts = [t for t in ts if t.state(moment) != "done"]
        overdue = [t for t in open_ts if t.state(moment) == "overdue"]
        due_next = sorted((t for t in open_ts if t.deadline), key=lambda t: t.deadline)
        rows.append(BoardRow(episodes[f.ref], f, ts, overdue, due_next[0] if due_next else None,
                             timer_rows([t for t in ts if t.state(moment) != "done"], moment)))
    return rows


def board(*, actor, moment: dt.datetime, pol: Policy) -> dict:
    """The coordinator's board: open episodes by grade with their timers, returns awaiting screening or interviews,
    and repeat-missing children."""
    mine = MissingEpisode.objects.restrict(actor)
    open_qs = mine.filter(reported_at__lte=moment).filter(Q(returned_at__isnull=True) | Q(returned_at__gt=moment))
    open_rows = _rows(open_qs.order_by("reported_at")[:300], moment, pol)
    order = {g: i for i, g in enumerate(rules.GRADES)}
    open_rows.sort(key=lambda r: (order.get(r.fact.grade, -1), r.next_due.deadline if r.next_due and
                                  r.next_due.deadline else moment))
    by_grade: dict[str, list[BoardRow]] = defaultdict(list)
    for r in open_rows:
        by_grade[r.fact.grade or "ungraded"].append(r)
    recent = mine.filter(returned_at__lte=moment, returned_at__gt=moment - dt.timedelta(days=RECENT_RETURN_DAYS))
    returns = [r for r in _rows(recent.order_by("-returned_at")[:300], moment, pol) if r.overdue or r.next_due]
    repeat = repeat_children(actor=actor, moment=moment, pol=pol)
    shown = [r.episode.ref for r in open_rows] + [r.episode.ref for r in returns] + [c.latest for c in repeat]
    _consulted(actor, "episode", shown, "coordinator's board")
    _consulted(actor, "person", [r.episode.child.ref for r in open_rows + returns] + [c.child_ref for c in repeat],
               "coordinator's board: the children")
    labels = pol["missing.grade_labels"]
    grades = [(g, labels.get(g, g), by_grade.get(g, [])) for g in ("ungraded", *rules.GRADES)]
    return {"grades": grades, "open_count": len(open_rows), "returns": returns, "repeat": repeat,
            "overdue_count": sum(1 for r in open_rows + returns if r.overdue)}


def repeat_children(*, actor, moment: dt.datetime, pol: Policy) -> list[RepeatChild]:
    window = dt.timedelta(days=pol["missing.repeat_window_days"])
    mine = MissingEpisode.objects.restrict(actor).filter(reported_at__lte=moment, reported_at__gt=moment - window)
    counts = list(mine.values("child_id").annotate(n=Count("pk")).filter(n__gte=pol["missing.repeat_threshold"])
                  .order_by("-n")[:100])
    if not counts:
        return []
    child_ids = [c["child_id"] for c in counts]
    people = Person.objects.select_related("identity").in_bulk(child_ids)
    eps = defaultdict(list)
    for e in MissingEpisode.objects.filter(child_id__in=child_ids, reported_at__lte=moment).values(
            "child_id", "ref", "reported_at"):
        eps[e["child_id"]].append((e["ref"], e["reported_at"]))
    meetings = strategy_meetings_by_identity(until=moment, children=child_ids)
    as_of = moment.date()
    out = []
    for c in counts:
        p = people[c["child_id"]]
        ident = identity_key(p.ref, p.identity.ref if p.identity_id else None)
        triggers = rules.repeat_triggers(eps[p.pk], meetings.get(ident, ()), as_of, pol)
        last = triggers[-1] if triggers else None
        latest = max(eps[p.pk], key=lambda e: e[1])[0]
        out.append(RepeatChild(p.ref, p.display_name, c["n"], latest, last.deadline if last else None,
                               last.covered_by if last else None))
    return out


def episode_fact(ep: MissingEpisode) -> rules.EpisodeFact | None:
    facts = episode_facts(MissingEpisode.objects.filter(pk=ep.pk))
    return facts[0] if facts else None


def open_episode(*, actor, ref: str) -> tuple[MissingEpisode | None, Access]:
    """One episode, if the actor may open it; the consultation or the refused attempt is logged."""
    ep, decision = open_record(actor, MissingEpisode.objects.select_related("child", "team", "coordinator"), ref,
                               record_type="episode", purpose="episode opened")
    if decision.allowed:
        _consulted(actor, "person", [ep.child.ref, *ep.found_with.order_by("ref").values_list("ref", flat=True)],
                   f"episode {ref} opened: the child, and anyone found with them", decision.justification)
    return ep, decision


def holdings(child: Person, *, moment: dt.datetime, pol: Policy, exclude: MissingEpisode | None = None) -> dict:
    """Everything the force holds on the child, for the grading form (HMICFRS 2024: grade with all of it).

    Episodes, screenings and links are gathered over every record resolved to the same identity.
    """
    records = [child.pk] if child.identity_id is None else list(
        Person.objects.filter(identity_id=child.identity_id).values_list("pk", flat=True))
    eps = list(MissingEpisode.objects.filter(child_id__in=records, reported_at__lte=moment)
               .exclude(pk=exclude.pk if exclude else None).select_related("child").order_by("-reported_at"))
    facts = {f.ref: f for f in episode_facts(MissingEpisode.objects.filter(pk__in=[e.pk for e in eps]))}
    indicators: dict[str, int] = defaultdict(int)
    for f in facts.values():
        for s in f.screenings:
            for i in s.indicators:
                indicators[i] += 1
    window = dt.timedelta(days=pol["missing.repeat_window_days"])
    recent = [e for e in eps if e.reported_at > moment - window]
    links = list(OffenderLink.objects.filter(episode__child_id__in=records, holds=True).select_related("episode"))
    profile = PhilomenaProfile.objects.filter(child_id__in=records).order_by("-updated_at").first()
    care = list(Address.objects.filter(person_id__in=records, kind="care_home").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=moment.date())))
    looked_after = bool(care) or bool(profile and profile.looked_after)
    found_with = list(Person.objects.filter(found_with_episodes__child_id__in=records).distinct()[:20])
    places = sorted({e.found_key for e in eps if e.found_key})
    others_at = dict(MissingEpisode.objects.filter(found_key__in=places).exclude(child_id__in=records)
                     .values("found_key").annotate(n=Count("child_id", distinct=True)).values_list("found_key", "n"))
    meetings = list(StrategyMeeting.objects.filter(child_id__in=records).order_by("-held_at")[:5])
    flags = []
    if len(recent) + (1 if exclude else 0) >= pol["missing.repeat_threshold"]:
        flags.append(f"Repeat missing: {len(recent) + (1 if exclude else 0)} episodes in "
                     f"{pol['missing.repeat_window_days']} days")
    if looked_after:
        flags.append("Looked-after child" + ("" if profile else " — no Philomena profile held"))
    for key, label in rules.INDICATORS.items():
        if indicators.get(key):
            flags.append(f"Exploitation indicator seen before: {label.lower()} ({indicators[key]}×)")
    for link in links:
        flags.append(f"Linked to a managed offender: {link.evidence}")
    for key, n in sorted(others_at.items()):
        flags.append(f"Found before at {describe_key(key)}, where {n} other child(ren) were also found")
    if len(records) > 1:
        flags.append(f"{len(records)} records resolved to this child by record linkage")
    return {"records": records, "episodes": eps, "recent": recent, "links": links, "profile": profile,
            "looked_after": looked_after, "care_addresses": care, "found_with": found_with, "flags": flags,
            "indicators": dict(indicators), "meetings": meetings, "places": [(k, describe_key(k)) for k in places]}


def holdings_for_grading(*, actor, episode: MissingEpisode, moment: dt.datetime, pol: Policy) -> dict:
    """What the grading form shows; the earlier episodes it shows (on every record of the child) are logged."""
    h = holdings(episode.child, moment=moment, pol=pol, exclude=episode)
    if h["episodes"]:
        _consulted(actor, "episode", [e.ref for e in h["episodes"]], f"shown on the grading form of {episode.ref}")
    if len(h["records"]) > 1:
        access_log.record(actor=actor, operation="combination", record_type="person", record_ids=episode.child.ref,
                          justification="own or team work",
                          detail=f"{len(h['records'])} linked records combined on the grading form")
    return h


def summary_of(h: dict) -> dict:
    """What the grading form showed, kept with the grading (ids and counts, never names)."""
    return {"previous_episodes": [e.ref for e in h["episodes"]], "recent_episodes": len(h["recent"]),
            "looked_after": h["looked_after"], "philomena_profile": bool(h["profile"]), "flags": h["flags"],
            "offender_links": [lk.subject_ref for lk in h["links"]], "records": len(h["records"])}


def _visible(actor, lg: LinkGraph) -> set[int]:
    """The people in the graph the viewer may name (the rest are shown by kind and id only)."""
    return set(Person.objects.restrict(actor).filter(pk__in=list(lg.people)).values_list("pk", flat=True))


def child_page(*, actor, child: Person, moment: dt.datetime, pol: Policy) -> dict:
    h = holdings(child, moment=moment, pol=pol)
    lg, starts = child_graph(child)
    lg.visible = _visible(actor, lg)
    access_log.record(actor=actor, operation="combination", record_type="person", record_ids=child.ref,
                      justification="own or team work", detail=f"link graph drawn ({lg.g.number_of_nodes()} nodes)")
    timeline = sorted(h["episodes"], key=lambda e: e.reported_at)
    _consulted(actor, "episode", [e.ref for e in timeline], f"child page {child.ref}: episodes")
    _log_graph(actor, lg, f"child {child.ref}")
    return {"holdings": h, "graph": lg, "elements": lg.elements(), "paths": lg.paths_to_subjects(starts),
            "timeline": timeline}


def address_page(*, actor, key: str, moment: dt.datetime) -> dict:
    lg: LinkGraph = address_graph(key)
    lg.visible = _visible(actor, lg)
    episodes = list(MissingEpisode.objects.restrict(actor).filter(found_key=key, reported_at__lte=moment)
                    .select_related("child").order_by("-returned_at"))
    outside = MissingEpisode.objects.filter(found_key=key).exclude(
        pk__in=MissingEpisode.objects.restrict(actor).values("pk")).count()
    access_log.record(actor=actor, operation="combination", record_type="address", record_ids=key[:128],
                      justification="own or team work", detail=f"link graph drawn ({lg.g.number_of_nodes()} nodes)")
    _consulted(actor, "episode", [e.ref for e in episodes], "address page: episodes found there")
    _consulted(actor, "person", [e.child.ref for e in episodes], "address page: children found there")
    _log_graph(actor, lg, "an address")
    return {"key": key, "described": describe_key(key), "graph": lg, "elements": lg.elements(),
            "episodes": episodes, "outside": outside}


def open_offender_link(*, actor, pk: int) -> tuple[OffenderLink | None, str]:
    """A link between a missing child and a subject, for the subject's offender manager to review (logged).

    Returns (link, refusal): a professional-standards restriction on missing-child records refuses it."""
    link = OffenderLink.objects.restrict(actor).select_related("episode", "reviewed_by").filter(pk=pk).first()
    if link is None:
        return None, ""
    refused = refusal(MissingEpisode.objects.filter(pk=link.episode_id), officer_of(actor))
    if refused:
        access_log.record(actor=actor, operation="consultation", record_type="episode", record_ids=link.episode.ref,
                          justification=f"refused: {refused}", outcome="refused",
                          detail="attempt to open a link between a missing child and a subject")
        return None, refused
    _consulted(actor, "subject", link.subject_ref, f"link to missing episode {link.episode.ref} opened")
    log_shown(actor, {"episode": [link.episode.ref]}, texts=[link.evidence], justification="own or team work",
              detail=f"link {link.pk} to subject {link.subject_ref}: the episode and the records its evidence names")
    return link, ""


def _log_graph(actor, lg: LinkGraph, of: str) -> None:
    """A link graph names the records it joins (people outside the viewer's work by kind and id only)."""
    log_shown(actor, {}, texts=[str(el["data"]) for el in lg.elements()], justification="own or team work",
              detail=f"named in the link graph of {of}")


def links_to_review(*, actor) -> list[OffenderLink]:
    """Links on the officer's managed subjects that nobody has reviewed yet (for "my work")."""
    officer = actor.officer
    return list(OffenderLink.objects.filter(holds=True, reviewed_at__isnull=True).filter(
        Q(manager_ref=officer.ref) | Q(subject_team_id=officer.team_id))
        .exclude(episode__in=MissingEpisode.objects.denied_to(actor)).select_related("episode")
        .order_by("first_seen_on")[:50])
