"""Notices' background job (core/jobs.py): an administrator sends the waiting notices now, and today's digest if
asked, from the notices page, when the timer that runs ``vigil notify`` has stopped or a digest must go early. It
does what ``vigil notify [--digest]`` does (``notices.send``): each item is still told once, whoever starts it and
however often."""
from __future__ import annotations

from django.urls import reverse

from vigil.core import clock
from vigil.core.jobs import Done, job
from vigil.work import notices


@job("Send notices of waiting work")
def send_notices(report, actor, *, digest: bool = False) -> Done:
    stages = ["finding the work not yet told", "making the day's digests", "sending"] if digest else \
        ["finding the work not yet told", "sending"]
    line = notices.send(clock.today(), with_digest=digest,
                        progress=lambda stage: report(stages.index(stage), len(stages), stage))
    return Done(url=reverse("work:notices"), message=line + ".")
