"""The work sources the foundation owns: the open alerts an officer owns, and the tasks handed to them or waiting
in their team's queue."""
from __future__ import annotations

from django.db.models import Q

from vigil.sweep.catalogue import label
from vigil.sweep.models import Alert
from vigil.work.models import Task, TaskStatus
from vigil.work.registry import WorkItem, work_source


@work_source("alerts")
def owned_alerts(officer):
    for a in Alert.objects.filter(status="open", owner=officer.ref).order_by():
        yield WorkItem("alert", f"{a.entity_type} {a.entity_id}", label(a.code), a.opened_as_of, tuple(a.reasons),
                       a.severity, officer.ref, detail={"code": a.code, "since": a.since.isoformat()})


@work_source("tasks")
def handed_tasks(officer):
    qs = Task.objects.filter(Q(owner=officer) | Q(owner__isnull=True, team_id=officer.team_id),
                             status=TaskStatus.OPEN).select_related("owner")
    for t in qs:
        reasons = tuple(t.reasons) + ((f"handed over: {t.handed_over}",) if t.handed_over else ())
        yield WorkItem("task", f"{t.record_type} {t.record_ref}", t.title, t.due, reasons, t.severity,
                       t.owner.ref if t.owner else None, detail={"task": t.pk, "kind": t.kind})
