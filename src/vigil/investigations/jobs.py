"""Investigations' background jobs (core/jobs.py): the batch allocation's plan, which optimises a whole queue."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from vigil.core.jobs import Done, job
from vigil.investigations import services


@job("Plan a batch allocation")
def plan_batch(report, actor, *, as_of: str, team_id: int | None, borough_id: int | None, scope_label: str) -> Done:
    run = services.plan_batch(actor=actor, as_of=dt.date.fromisoformat(as_of), team_id=team_id,
                              borough_id=borough_id, scope_label=scope_label, report=report)
    return Done(url=reverse("investigations:batch_preview", kwargs={"pk": run.pk}),
                message=f"Batch allocation #{run.pk} is ready to preview: {run.summary.get('allocated', 0)} of "
                        f"{run.summary.get('crimes', 0)} crime(s) proposed.")
