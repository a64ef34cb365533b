"""Linkage's background job (core/jobs.py): a linkage run started from the review queue, so nobody waits on a page
while Splink scores a force's records. It runs as the person who started it; the run is logged under them."""
from __future__ import annotations

from django.urls import reverse

from vigil.core.jobs import Done, job
from vigil.people.linkage import services

STAGES = 6  # the stages run_linkage reports (read, score, pairs, identities, queue, done), for the progress bar


@job("Link person records")
def link_records(report, actor, *, incremental: bool = False) -> Done:
    seen = [0]

    def progress(stage: str) -> None:
        seen[0] = min(seen[0] + 1, STAGES - 1)
        report(seen[0], STAGES, stage)

    report(0, STAGES, "reading the person records")
    run = services.run_linkage(actor=actor, incremental=incremental, progress=progress)
    return Done(url=reverse("missing:matches"),
                message=f"Linkage run #{run.pk} is done: {run.records} records compared, {run.auto_linked} pair(s) "
                        f"linked automatically, {run.queued} to review.")
