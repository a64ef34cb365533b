"""Which episodes, people and offender links are part of an officer's work.

- Episodes: those held by the officer's team (the missing persons unit); the borough's for exploitation analysts
  (the exploitation hub serves its borough's missing persons unit) and senior officers.
- People: the children, the people they were found with and the people who reported them, in those episodes.
- Offender links: those on the officer's managed subjects (owner or team) and those on episodes in their work.
"""
from __future__ import annotations

from django.db.models import Q

from vigil.core.scope import grant, grant_q, record_type
from vigil.missing.models import MissingEpisode, OffenderLink
from vigil.people.models import Person

BOROUGH_WIDE = ("senior_officer", "exploitation_analyst")
EPISODE_WORK = ("missing_persons_coordinator", "exploitation_analyst", "supervisor", "senior_officer")


@grant(MissingEpisode)
def episodes_my_team_holds(officer) -> Q:
    if officer.has_role(*BOROUGH_WIDE) and officer.team.borough_id:
        return Q(team__borough_id=officer.team.borough_id) | Q(team_id=officer.team_id)
    return Q(team_id=officer.team_id)


@grant(Person)
def people_in_my_episodes(officer) -> Q | None:
    if not officer.has_role(*EPISODE_WORK):
        return None
    episodes = MissingEpisode.objects.filter(grant_q(MissingEpisode, officer))
    return (Q(pk__in=episodes.values("child_id")) | Q(pk__in=episodes.values("found_with"))
            | Q(pk__in=episodes.values("reported_by_id")))


@grant(OffenderLink)
def offender_links_in_my_work(officer) -> Q:
    mine = Q(manager_ref=officer.ref) | Q(subject_team_id=officer.team_id)
    if officer.has_role("senior_officer") and officer.team.borough_id:
        mine |= Q(subject_team__borough_id=officer.team.borough_id)
    if officer.has_role(*EPISODE_WORK):
        mine |= Q(episode__in=MissingEpisode.objects.filter(grant_q(MissingEpisode, officer)))
    return mine


record_type("episode", "missing.MissingEpisode")  # opened (and broken glass for) by its reference
