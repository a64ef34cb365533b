"""Navigation and "my work" panels for missing-persons coordinators, exploitation analysts and offender managers."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q

from vigil.core import policy
from vigil.missing import rules, selectors
from vigil.missing.facts import episode_facts
from vigil.missing.models import MissingEpisode, OffenderLink
from vigil.missing.views.common import moment_for
from vigil.people.linkage.selectors import matches_for
from vigil.sweep.models import Alert
from vigil.web.registry import nav, panel, person_section
from vigil.web.shown import alert_refs, alert_texts, log_shown

OWN = "own or team work"

nav("Missing children", "missing:board", perm="vigil.view_missing", order=40)
nav("Matches to review", "missing:matches", perm="vigil.review_matches", order=45)


@panel("missing_work", template="missing/panel_missing.html", perm="vigil.view_missing", order=20)
def missing_work(request, as_of):
    """Counts only (no names): open episodes by grade, timers overdue, returns awaiting work, repeat children."""
    moment, pol = moment_for(as_of), policy.current()
    mine = MissingEpisode.objects.restrict(request.user)
    live = mine.filter(reported_at__lte=moment).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=moment - dt.timedelta(days=selectors.RECENT_RETURN_DAYS)))
    pks = list(live.order_by("-reported_at").values_list("pk", flat=True)[:500])
    facts = episode_facts(MissingEpisode.objects.filter(pk__in=pks), until=moment)
    open_by_grade: dict[str, int] = {}
    overdue = awaiting = 0
    for f in facts:
        timers = [t for t in rules.timers(f, moment, pol) if t.state(moment) != "done"]
        if not f.returned_by(moment):
            open_by_grade[f.grade or "ungraded"] = open_by_grade.get(f.grade or "ungraded", 0) + 1
        elif timers:
            awaiting += 1
        overdue += any(t.state(moment) == "overdue" for t in timers)
    if not facts and not request.user.has_perm("vigil.record_missing"):
        return None
    labels = pol["missing.grade_labels"]
    grades = [(labels.get(g, g), open_by_grade.get(g, 0)) for g in ("ungraded", *rules.GRADES) if
              open_by_grade.get(g)]
    repeat = len(selectors.repeat_children(actor=request.user, moment=moment, pol=pol))
    return {"open": sum(open_by_grade.values()), "grades": grades, "overdue": overdue, "awaiting": awaiting,
            "repeat": repeat}


@panel("exploitation_work", template="missing/panel_exploitation.html", perm="vigil.review_matches", order=21)
def exploitation_work(request, as_of):
    officer = request.officer
    teams = MissingEpisode.objects.restrict(request.user).values("team_id")
    alerts = Alert.objects.filter(status="open", code__in=[rules.EXPLOITATION_LOCATION, rules.CO_MISSING_GROUP],
                                  opened_as_of__lte=as_of).filter(Q(team_id__in=teams) | Q(team_id=officer.team_id))
    shown = list(alerts.order_by("-since")[:10])
    names = log_shown(request.user, alert_refs(shown), texts=alert_texts(shown), justification=OWN,
                      detail="home page: exploitation alerts", names=True)
    linked = Alert.objects.filter(status="open", code=rules.CHILD_LINKED_TO_OFFENDER).filter(
        entity_id__in=OffenderLink.objects.filter(episode__in=MissingEpisode.objects.restrict(
            request.user)).values("subject_ref")).count()
    return {"queued": matches_for(request.user).filter(status="queued").count(), "alerts": shown,
            "alert_total": alerts.count(), "linked": linked, "names": names}


@panel("offender_links", template="missing/panel_offender_links.html", perm="vigil.review_offender_link", order=6)
def offender_links(request, as_of):
    links = selectors.links_to_review(actor=request.user)
    names = log_shown(request.user, {"subject": [link.subject_ref for link in links]},
                      texts=[link.evidence for link in links], justification=OWN,
                      detail="home page: missing children linked to my subjects", names=True)
    return {"links": links, "names": names} if links else None


@person_section
def missing_of_person(request, person):
    """On a person's record: the missing episodes the viewer may see in which this person is the child or was found
    with the child, so the child page and its link graph are one click away."""
    if not request.user.has_perm("vigil.view_missing"):
        return None
    mine = MissingEpisode.objects.restrict(request.user)
    as_child = list(mine.filter(child=person).order_by("-reported_at").values_list("ref", "reported_at")[:50])
    found_with = list(mine.filter(found_with=person).order_by("-reported_at")
                      .values_list("ref", "reported_at", "child__ref")[:50])
    can_report = request.user.has_perm("vigil.record_missing")
    if not as_child and not found_with and not can_report:
        return None
    log_shown(request.user, {"episode": [r[0] for r in as_child] + [r[0] for r in found_with],
                             "person": [r[2] for r in found_with]},
              justification=OWN, detail=f"person page {person.ref}: missing episodes")
    return {"title": "Missing children", "template": "missing/person_section.html", "person_ref": person.ref,
            "as_child": as_child, "found_with": found_with, "can_report": can_report}
