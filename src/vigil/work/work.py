"""The work sources the foundation owns: the open alerts an officer owns (and those no rule could give one officer,
such as an exploitation location, waiting in their team's queue), and the tasks handed to them or waiting in their
team's queue. Nothing open is left without someone to see it."""
from __future__ import annotations

from django.db.models import Q

from vigil.sweep.catalogue import label
from vigil.sweep.models import Alert
from vigil.work.models import Task, TaskStatus
from vigil.work.registry import OpenItem, WorkItem, item_count, open_items, work_source


def _alerts(officers):
    return Alert.objects.filter(Q(owner__in=[o.ref for o in officers])
                                | Q(owner="", team_id__in={o.team_id for o in officers}), status="open")


def _tasks(officers):
    return Task.objects.filter(Q(owner__in=officers) | Q(owner__isnull=True, team_id__in={o.team_id for o in officers}),
                               status=TaskStatus.OPEN)


@item_count("alerts")
def count_alerts(officer):
    return [_alerts([officer])]


@item_count("tasks")
def count_tasks(officer):
    return [_tasks([officer])]


@work_source("alerts")
def owned_alerts(officers):
    for a in _alerts(officers).order_by():
        yield WorkItem("alert", f"{a.entity_type} {a.entity_id}", label(a.code), a.opened_as_of, tuple(a.reasons),
                       a.severity, a.owner or None, detail={"code": a.code, "since": a.since.isoformat(), "alert": a.pk})


@work_source("tasks")
def handed_tasks(officers):
    qs = _tasks(officers).select_related("owner")
    for t in qs:
        reasons = tuple(t.reasons) + ((f"handed over: {t.handed_over}",) if t.handed_over else ())
        yield WorkItem("task", f"{t.record_type} {t.record_ref}", t.title, t.due, reasons, t.severity,
                       t.owner.ref if t.owner else None, detail={"task": t.pk, "kind": t.kind})


@open_items("alerts")
def all_owned_alerts():
    for pk, owner, team, severity in Alert.objects.filter(status="open").exclude(owner="", team__isnull=True) \
            .order_by().values_list("pk", "owner", "team__ref", "severity"):
        yield OpenItem(f"alert:{pk}", severity, officer=owner or None, team=None if owner else team)


@open_items("tasks")
def all_open_tasks():
    for pk, owner, team, severity in Task.objects.filter(status=TaskStatus.OPEN).order_by().values_list(
            "pk", "owner__ref", "team__ref", "severity"):
        yield OpenItem(f"task:{pk}", severity, officer=owner, team=None if owner else team)
