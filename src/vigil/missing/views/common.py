"""What every missing-children page needs: the moment the page is judged at, and an episode opened safely."""
from __future__ import annotations

import datetime as dt

from vigil.core import clock
from vigil.missing.deadlines import FORCE_TZ, end_of_day, local_date
from vigil.missing.selectors import open_episode
from vigil.people.selectors import open_person
from vigil.web.actions import opened
from vigil.web.asof import as_of


def moment(request) -> dt.datetime:
    return moment_for(as_of(request))


def moment_for(day: dt.date) -> dt.datetime:
    """The instant a page's timers are judged at: now, when the page is viewed as of today; the current time of
    day on a pinned today (``VIGIL_TODAY``, the demo); the end of the day when viewed as of another date."""
    now = clock.now()
    if local_date(now) == day:
        return now
    if day == clock.today():
        return dt.datetime.combine(day, now.astimezone(FORCE_TZ).time(), tzinfo=FORCE_TZ)
    return end_of_day(day).astimezone(FORCE_TZ)


def episode_or_response(request, ref: str):
    return opened(request, open_episode(actor=request.user, ref=ref), kind="episode", ref=ref)


def child_or_response(request, ref: str):
    return opened(request, open_person(actor=request.user, ref=ref), kind="person", ref=ref)
