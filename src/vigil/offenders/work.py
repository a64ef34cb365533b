"""Work items of offender management: the open escalations awaiting their owner's decision (``vigil.work``)."""
from __future__ import annotations

from vigil.offenders.models import Escalation, EscalationKind
from vigil.sweep.catalogue import CATALOGUE
from vigil.work.registry import WorkItem, work_source


@work_source("escalations")
def escalations_awaiting(officer):
    kinds = dict(EscalationKind.choices)
    for e in (Escalation.objects.filter(owner=officer, closed_on__isnull=True).select_related("subject")
              .order_by("deadline", "pk")):
        severity = CATALOGUE[e.kind].severity if e.kind in CATALOGUE else "high"
        yield WorkItem("escalation", f"subject {e.subject.ref}", f"Decide: {kinds.get(e.kind, e.kind)}",
                       e.deadline or e.opened_on, tuple(e.reasons or ()), severity, officer.ref,
                       detail={"escalation": e.pk, "opened_on": e.opened_on.isoformat()})
