"""The §3 rule set of the daily sweep: facts read set-based, findings from the pure rules in ``rules.py``."""
from __future__ import annotations

from collections import defaultdict

from vigil.missing import links, rules
from vigil.missing.deadlines import end_of_day
from vigil.missing.facts import episode_facts, strategy_meetings_by_identity
from vigil.sweep.registry import SweepContext, rule_set


# Before the offender rules (order 30): the links it records are review triggers dated when the child was found,
# which the offender judgement reads on the same sweep (event time: docs/adr/0015-event-time.md).
@rule_set("missing", order=20)
def missing_children(ctx: SweepContext):
    as_of, pol = ctx.as_of, ctx.policy
    judged = end_of_day(as_of)
    facts = episode_facts(until=judged)
    for ep in facts:
        for finding in (rules.not_screened(ep, as_of, pol), rules.return_interview_overdue(ep, as_of, pol)):
            if finding:
                yield finding
    # Repeat missing: by the child's resolved identity, so two records of one child count together.
    meetings = strategy_meetings_by_identity(until=judged)
    by_child: dict[str, list[rules.EpisodeFact]] = defaultdict(list)
    for ep in facts:
        by_child[ep.identity].append(ep)
    threshold = pol["missing.repeat_threshold"]
    for identity, eps in by_child.items():
        if len(eps) < threshold:
            continue
        latest = max(eps, key=lambda e: (e.reported_at, e.ref))
        finding = rules.repeat_missing_no_strategy(latest.child, [(e.ref, e.reported_at) for e in eps],
                                                   meetings.get(identity, ()), as_of, pol, team_id=latest.team_id,
                                                   owner=latest.owner)
        if finding:
            yield finding
    yield from rules.exploitation_locations(facts, as_of, pol)
    yield from rules.co_missing_groups(facts, as_of, pol)
    links.refresh(as_of=as_of, facts=facts, actor="system:sweep")
    yield from links.findings(as_of)
