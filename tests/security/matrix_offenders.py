"""Matrix rows for offender management's routes: every page and API endpoint × every role.

The records: a subject of the first borough's MOSOVO team (``S-MINE``), with a pending assessment, an
announced-visit request and an open s.96B escalation; and a subject of the other borough (``S-OTHER``).
Outside one's work a page sends to break-glass (302) and the API refuses (403). The restricted officer (an
offender manager with an open domestic-abuse case) is refused every subject (403), even their own team's.
"""
from __future__ import annotations

import datetime as dt

from tests.offenders.factories import assess, subject, visit
from tests.security.matrix import Case
from vigil.core import clock
from vigil.offenders.escalations import open_escalation
from vigil.offenders.models import AnnouncementApproval, Assessment

MANAGERS = ("offender_manager", "supervisor", "senior_officer")
# The allocation manager is also a supervisor (of a CID team): the supervisor's pages open for them, but no
# subject is in their work, so a subject sends them to break-glass and a record of one is not found for them.


def only(status: int, roles, **extra: int) -> dict[str, int]:
    out = {r: status for r in roles}
    out.update(extra)
    return out


def subject_route(ok_roles, *, api: bool = False) -> dict[str, int]:
    """A record of S-MINE: 200 for the given roles in its team; the other team's manager is sent to break-glass
    (the API refuses); the restricted officer is refused; everyone else lacks the permission (403)."""
    out = only(200, ok_roles)
    outside = 403 if api else 302
    if "supervisor" in ok_roles:
        out["allocation_manager"] = outside
    if "offender_manager" in ok_roles:
        out["other_team_offender_manager"] = outside
        out["restricted"] = 403
    return out


def cases(org):
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    mine = subject(org.teams["om"], ref="S-MINE", manager=om, managed_from=dt.date(2012, 5, 1),
                   notification_start=dt.date(2012, 5, 1))
    subject(org.teams["om2"], ref="S-OTHER", manager=org.officers["other_team_offender_manager"],
            managed_from=dt.date(2015, 1, 1))
    assess(mine, "high", dt.date(2016, 5, 1), assessor=om, approver=ds)
    visit(mine, dt.date(2017, 3, 2), officer=om)
    pending = Assessment.objects.create(subject=mine, date=dt.date(2024, 8, 1), risk_level="high", assessor=om,
                                        rationale="pending approval for the matrix", recorded_at=clock.now())
    ann = AnnouncementApproval.objects.create(subject=mine, planned_for=dt.date(2024, 8, 20), reason="interpreter",
                                              requested_by=om, requested_at=clock.now())
    esc = open_escalation(subject=mine, kind="S96B_WARRANT_CONSIDERATION", opened_on=dt.date(2024, 8, 15),
                          reasons=["2 failed home attempts"], source="matrix")
    users = only(200, ("offender_manager", "supervisor", "senior_officer", "other_team_offender_manager",
                       "restricted", "allocation_manager"))
    approvers = only(200, ("supervisor", "senior_officer", "allocation_manager"))
    planners = only(200, ("offender_manager", "supervisor", "senior_officer", "other_team_offender_manager",
                          "restricted", "allocation_manager"))
    s = "/offenders/subjects/S-MINE"
    return [
        Case("offenders:day", "/offenders/", users),
        Case("offenders:subjects", "/offenders/subjects/", users),
        Case("offenders:subject", f"{s}/", subject_route(MANAGERS)),
        Case("offenders:subject", "/offenders/subjects/S-OTHER/",
             only(302, MANAGERS, other_team_offender_manager=200, restricted=403, allocation_manager=302),
             note="another borough's subject"),
        Case("offenders:subject", "/offenders/subjects/S-NONE/", only(404, MANAGERS, other_team_offender_manager=404,
                                                                      restricted=404, allocation_manager=404)),
        Case("offenders:record_visit", f"{s}/visits/new/", subject_route(MANAGERS)),
        Case("offenders:record_visit", f"{s}/visits/new/", subject_route(MANAGERS), method="post",
             data={"date": "not a date"}, note="bad input: the form again, with the error next to the field"),
        Case("offenders:record_assessment", f"{s}/assessments/new/",
             subject_route(("offender_manager", "supervisor", "senior_officer"))),
        Case("offenders:request_announcement", f"{s}/announcements/new/", subject_route(MANAGERS)),
        Case("offenders:change_mode", f"{s}/mode/", subject_route(MANAGERS)),
        Case("offenders:edit_subject", f"{s}/edit/", subject_route(MANAGERS)),
        Case("offenders:record_notification", f"{s}/notifications/new/", subject_route(MANAGERS)),
        Case("offenders:record_order", f"{s}/orders/new/", subject_route(MANAGERS)),
        Case("offenders:approve_assessment", f"/offenders/assessments/{pending.pk}/approve/",
             {**approvers, "allocation_manager": 404}),
        Case("offenders:decide_announcement", f"/offenders/announcements/{ann.pk}/",
             {**approvers, "allocation_manager": 404}),
        Case("offenders:escalation", f"/offenders/escalations/{esc.pk}/", subject_route(MANAGERS)),
        Case("offenders:queue", "/offenders/queue/", approvers),
        Case("offenders:dashboard", "/offenders/dashboard/", approvers),
        Case("offenders:plan", "/offenders/plan/", planners),
        Case("offenders:plan_export", "/offenders/plan/export/?date=2024-08-20", planners),
        Case("api-offenders-subjects", "/api/offenders/subjects/", users),
        Case("api-offenders-subject", "/api/offenders/subjects/S-MINE/", subject_route(MANAGERS, api=True)),
        Case("api-offenders-visits", "/api/offenders/subjects/S-MINE/visits/",
             {**subject_route(MANAGERS, api=True), **only(400, MANAGERS)}, method="post", data={},
             note="an empty submission is refused with 400 (and one line of detail) for those who may record"),
    ]
