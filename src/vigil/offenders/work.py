"""Work items of offender management (``vigil.work``): the open escalations awaiting their owner's decision, and
the approvals a supervisor of the subject's team gives (an assessment, an announced visit)."""
from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from vigil.accounts.models import Officer, rank_at_least
from vigil.core import clock
from vigil.offenders.models import AnnouncementApproval, Assessment, Escalation, EscalationKind
from vigil.sweep.catalogue import CATALOGUE
from vigil.sweep.models import Alert
from vigil.work.registry import OpenItem, WorkItem, item_count, open_items, work_source

APPROVER_RANK = "DS"  # as offenders.services._supervisor: a supervisor (DS or above) approves


def _escalations(officers):
    return Escalation.objects.filter(owner__in=officers, closed_on__isnull=True)


def _assessments(approvers):
    """Waiting in the approvers' teams; with one approver, not the ones they made themselves."""
    qs = Assessment.objects.filter(approved_on__isnull=True, subject__team_id__in={o.team_id for o in approvers})
    return qs.exclude(assessor=approvers[0]) if len(approvers) == 1 else qs


def _announcements(approvers):
    qs = AnnouncementApproval.objects.filter(approved__isnull=True,
                                             subject__team_id__in={o.team_id for o in approvers})
    return qs.exclude(requested_by=approvers[0]) if len(approvers) == 1 else qs


@item_count("escalations")
def count_escalations(officer):
    return [_escalations([officer])]


@item_count("approvals")
def count_approvals(officer):
    return [_assessments([officer]), _announcements([officer])] if _approver(officer) else []


def _severities(codes, refs=None) -> dict[tuple[str, str], str]:
    """The severity the one judgement gave each (subject, escalation kind): its open alert of the same code, in one
    query (of the subjects ``refs``, or all); ``_severity`` falls back on the catalogue's default."""
    qs = Alert.objects.filter(status="open", entity_type="subject", code__in=set(codes))
    if refs is not None:
        qs = qs.filter(entity_id__in=set(refs))
    return {(ref, code): severity for ref, code, severity in qs.values_list("entity_id", "code", "severity")}


def _severity(judged: dict, ref: str, kind: str) -> str:
    return judged.get((ref, kind)) or (CATALOGUE[kind].severity if kind in CATALOGUE else "high")


@work_source("escalations")
def escalations_awaiting(officers):
    kinds = dict(EscalationKind.choices)
    rows = list(_escalations(officers).select_related("subject", "owner").order_by("deadline", "pk"))
    judged = _severities({e.kind for e in rows}, {e.subject.ref for e in rows}) if rows else {}
    for e in rows:
        severity = _severity(judged, e.subject.ref, e.kind)
        yield WorkItem("escalation", f"subject {e.subject.ref}", f"Decide: {kinds.get(e.kind, e.kind)}",
                       e.deadline or e.opened_on, tuple(e.reasons or ()), severity, e.owner.ref,
                       detail={"escalation": e.pk, "opened_on": e.opened_on.isoformat()})


@open_items("escalations")
def all_escalations_awaiting():
    """Every open escalation with its owner; one that went up a rank is a new item (its level is in the key)."""
    rows = list(Escalation.objects.filter(closed_on__isnull=True, owner__isnull=False).order_by()
                .values_list("pk", "kind", "owner__ref", "level", "subject__ref"))
    judged = _severities({r[1] for r in rows}) if rows else {}
    for pk, kind, owner, level, ref in rows:
        severity = _severity(judged, ref, kind)
        yield OpenItem(f"escalation:{pk}:level{level}", severity, officer=owner, escalated=level > 0)


def _approver(officer) -> bool:
    return officer.active and rank_at_least(officer.rank, APPROVER_RANK) and \
        officer.has_role("supervisor", "senior_officer")


def _assessment_severity(level: str) -> str:
    return "high" if level in ("high", "very_high") else "medium"


@work_source("approvals")
def approvals_awaiting(officers):
    """Assessments and announced visits of the officers' teams waiting for a supervisor (not the one who asked)."""
    approvers = [o for o in officers if _approver(o)]
    if not approvers:
        return
    for a in _assessments(approvers).select_related("subject", "assessor").order_by("date", "pk"):
        yield WorkItem("approval", f"subject {a.subject.ref}", "Approve the risk assessment", a.date,
                       (f"{a.assessor.name} assessed the subject as {a.get_risk_level_display()} on "
                        f"{clock.day_said(a.date)}", a.rationale), _assessment_severity(a.risk_level), None,
                       link=reverse("offenders:approve_assessment", args=[a.pk]), detail={"assessment": a.pk})
    for a in _announcements(approvers).select_related("subject", "requested_by").order_by("planned_for"):
        yield WorkItem("approval", f"subject {a.subject.ref}", "Decide on an announced visit", a.planned_for,
                       (f"{a.requested_by.name} asks to announce the visit planned for "
                        f"{clock.day_said(a.planned_for)}", a.reason), "high", None,
                       link=reverse("offenders:decide_announcement", args=[a.pk]), detail={"announcement": a.pk})


@open_items("approvals")
def all_approvals_awaiting():
    """Each waiting approval, once for each supervisor of the subject's team who may give it."""
    approvers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for o in (Officer.objects.filter(active=True, roles__role__in=["supervisor", "senior_officer"]).distinct()
              .order_by()):
        if rank_at_least(o.rank, APPROVER_RANK):
            approvers[o.team_id].append((o.pk, o.ref))
    for pk, team, assessor, level in (Assessment.objects.filter(approved_on__isnull=True).order_by()
                                      .values_list("pk", "subject__team_id", "assessor_id", "risk_level")):
        for officer_pk, ref in approvers.get(team, ()):
            if officer_pk != assessor:
                yield OpenItem(f"assessment-approval:{pk}", _assessment_severity(level), officer=ref)
    for pk, team, asker in (AnnouncementApproval.objects.filter(approved__isnull=True).order_by()
                            .values_list("pk", "subject__team_id", "requested_by_id")):
        for officer_pk, ref in approvers.get(team, ()):
            if officer_pk != asker:
                yield OpenItem(f"announcement-approval:{pk}", "high", officer=ref)
