"""Navigation entries, "my work" panels and the person-page section for offender management."""
from __future__ import annotations

from django.urls import reverse

from vigil.offenders import selectors
from vigil.offenders.models import AnnouncementApproval, Assessment, Subject
from vigil.web.registry import nav, panel, person_section
from vigil.web.shown import log_shown

OWN = "own or team work"

nav("My caseload", "offenders:day", perm="vigil.view_subject", order=10)
nav("Subjects", "offenders:subjects", perm="vigil.view_subject", order=11)
nav("Supervisor's queue", "offenders:queue", perm="vigil.approve_assessment", order=12)
nav("Offender dashboard", "offenders:dashboard", perm="vigil.view_offender_dashboard", order=13)
nav("Visit planner", "offenders:plan", perm="vigil.plan_visits", order=14)


@panel("offender_escalations", template="offenders/panel_escalations.html", perm="vigil.decide_escalation",
       order=6)
def escalations_awaiting_me(request, as_of):
    """Escalations this officer owns: each needs their recorded decision by its deadline."""
    rows = list(selectors.my_escalations(actor=request.user, as_of=as_of)[:50])
    log_shown(request.user, {"subject": [e.subject.ref for e in rows]}, justification=OWN,
              detail="home page: escalations awaiting my decision")
    return {"rows": rows, "as_of": as_of}


@panel("offender_caseload", template="offenders/panel_caseload.html", perm="vigil.plan_visits", order=7)
def caseload(request, as_of):
    if not request.officer.has_role("offender_manager"):
        return None
    day = selectors.my_day(actor=request.user, as_of=as_of)
    return {"day": day}


@panel("offender_queue", template="offenders/panel_queue.html", perm="vigil.approve_assessment", order=8)
def supervisor_queue(request, as_of):
    scope = Subject.objects.restrict(request.user).values("pk")
    waiting = (Assessment.objects.filter(subject__in=scope, approved_on__isnull=True, date__lte=as_of)
               .exclude(assessor=request.officer).count())
    announcements = (AnnouncementApproval.objects.filter(subject__in=scope, approved__isnull=True)
                     .exclude(requested_by=request.officer).count())
    return {"assessments": waiting, "announcements": announcements, "url": reverse("offenders:queue")}


@person_section
def subjects_of_person(request, person):
    rows = list(Subject.objects.restrict(request.user).filter(person=person).select_related("team", "manager"))
    if not rows:
        return None
    log_shown(request.user, {"subject": [s.ref for s in rows]}, justification=OWN,
              detail=f"person page {person.ref}: offender management")
    return {"title": "Offender management", "template": "offenders/person_section.html", "subjects": rows}
