"""The §3 rule set of the daily sweep: facts read set-based, findings from the pure rules in ``rules.py``."""
from __future__ import annotations

from collections import defaultdict

from vigil.missing import links, rules
from vigil.missing.deadlines import end_of_day
from vigil.missing.facts import episode_facts, strategy_meetings_by_identity
from vigil.sweep.registry import SweepContext, rejudger, rule_set


# Before the offender rules (order 30): the links it records are review triggers dated when the child was found,
# which the offender judgement reads on the same sweep (event time: docs/adr/0015-event-time.md).
@rule_set("missing", order=20)
def missing_children(ctx: SweepContext):
    as_of, pol = ctx.as_of, ctx.policy
    judged = end_of_day(as_of)
    facts = episode_facts(until=judged)
    yield from _episode_findings(facts, as_of, pol)
    yield from _repeat_missing(facts, strategy_meetings_by_identity(until=judged), as_of, pol)
    yield from rules.exploitation_locations(facts, as_of, pol)
    yield from rules.co_missing_groups(facts, as_of, pol)
    links.refresh(as_of=as_of, facts=facts, actor="system:sweep")
    yield from links.findings(as_of)


def _episode_findings(facts, as_of, pol):
    """Each episode's own timers: not screened, return interview overdue."""
    for ep in facts:
        for finding in (rules.not_screened(ep, as_of, pol), rules.return_interview_overdue(ep, as_of, pol)):
            if finding:
                yield finding


def _repeat_missing(facts, meetings, as_of, pol):
    """Repeat missing: by the child's resolved identity, so two records of one child count together."""
    by_child: dict[str, list[rules.EpisodeFact]] = defaultdict(list)
    for ep in facts:
        by_child[ep.identity].append(ep)
    for identity, eps in by_child.items():
        if len(eps) < pol["missing.repeat_threshold"]:
            continue
        latest = max(eps, key=lambda e: (e.reported_at, e.ref))
        finding = rules.repeat_missing_no_strategy(latest.child, [(e.ref, e.reported_at) for e in eps],
                                                   meetings.get(identity, ()), as_of, pol, team_id=latest.team_id,
                                                   owner=latest.owner)
        if finding:
            yield finding


def rejudge(children, as_of, *, cleared_by: str) -> dict[str, int]:
    """Re-judge some children (person primary keys) after a write, inside the writer's transaction: the episode
    rules (not screened, return interview overdue) for every episode of each child's identity, and repeat missing
    for the child. What no longer holds closes, ``cleared_by`` saying why; what newly holds opens. Links to
    offenders are refreshed by the return itself (``services.record_return``); exploitation locations and children
    missing together span many children and are left to the nightly sweep."""
    from vigil.core import policy
    from vigil.missing.models import MissingEpisode
    from vigil.people.models import Person
    from vigil.sweep.engine import reconcile

    pol = policy.current()
    identities = Person.objects.filter(pk__in=list(children)).values_list("identity_id", flat=True)
    records = set(Person.objects.filter(identity_id__in=[i for i in identities if i]).values_list("pk", flat=True))
    records |= set(children)
    refs = set(Person.objects.filter(pk__in=records).values_list("ref", flat=True))
    episodes = MissingEpisode.objects.filter(child_id__in=records)
    judged = end_of_day(as_of)
    facts = episode_facts(episodes, until=judged)
    per_episode = list(_episode_findings(facts, as_of, pol))
    repeat = list(_repeat_missing(facts, strategy_meetings_by_identity(until=judged, children=records), as_of, pol))
    episode_refs = set(episodes.values_list("ref", flat=True))
    counts = reconcile(as_of, per_episode, {rules.MISSING_NOT_SCREENED, rules.RETURN_INTERVIEW_OVERDUE},
                       entities=("episode", episode_refs), cleared_by=cleared_by)
    more = reconcile(as_of, repeat, {rules.REPEAT_MISSING_NO_STRATEGY}, entities=("person", refs),
                     cleared_by=cleared_by)
    return {k: counts[k] + more[k] for k in counts}


@rejudger("person")
def _rejudge_refs(refs, as_of, *, cleared_by: str) -> dict[str, int]:
    """A child named by reference (an import): those with missing episodes are re-judged."""
    from vigil.missing.models import MissingEpisode

    children = set(MissingEpisode.objects.filter(child__ref__in=refs).values_list("child_id", flat=True))
    if not children:
        return {"opened": 0, "updated": 0, "closed": 0}
    return rejudge(children, as_of, cleared_by=cleared_by)
