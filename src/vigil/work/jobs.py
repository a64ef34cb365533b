"""Notices' background job (core/jobs.py): an administrator sends the waiting notices now, and today's digest if
asked, from the notices page, when the timer that runs ``vigil notify`` has stopped or a digest must go early. It
does what ``vigil notify [--digest]`` does: each item is still told once, whoever starts it and however often."""
from __future__ import annotations

from django.urls import reverse

from vigil.core import clock
from vigil.core.jobs import Done, job
from vigil.work import notices


def _n(count: int, one: str) -> str:
    return f"{count} {one}{'' if count == 1 else 's'}"


@job("Send notices of waiting work")
def send_notices(report, actor, *, digest: bool = False) -> Done:
    steps = 3 if digest else 2
    now = clock.now()
    report(0, steps, "finding the work not yet told")
    found = notices.collect(now)
    made = None
    if digest:
        report(1, steps, "making today's digests")
        made = notices.digest(clock.today(), now, planned=found)
    report(steps - 1, steps, "sending")
    sent = notices.deliver(now)
    line = f"{_n(sent.sent, 'notice')} sent, {sent.failed} failed, {_n(sent.items, 'item')} announced"
    if made is not None:
        line += f"; {_n(made.notices, 'digest')} made today"
        if made.already:
            line += f" ({_n(made.already, 'officer')} had today's digest already)"
    if sent.retrying:
        line += f"; {sent.retrying} to try again"
    return Done(url=reverse("work:notices"), message=line + ".")
