"""Background jobs: long work started from a page runs in ``vigil worker``, and the page shows its progress.

Built on django-tasks with its database backend: the queue is a table in Vigil's own database, so there is nothing
else to run, secure or back up. One way to do each thing:

- an area declares a job with ``@job("Plan a batch allocation")`` over a function ``fn(report, actor, **kwargs)``
  that returns ``Done(url, message)``; ``report(done, total, stage)`` moves the progress bar; an ``InputError``
  ends the job with its one-line message, as the same mistake on a form would;
- a view starts it with ``start(the_job, actor=request.user, **kwargs)`` and sends the user to ``job_url(id)``;
- the job page (``web/views.job``) shows the title, a progress bar and the stage, and goes on to the result when it
  is done. Only the user who started a job sees it (deny by default: anyone else is told there is no such job).

The job runs as the user who started it: what it reads and changes is scoped and logged under that user, exactly
as if the page had done it while they waited.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from vigil.core import clock
from vigil.core.errors import InputError
from vigil.core.models import Job

# A long job reports often; the page polls every second. Writing progress more often than this costs the job
# time and tells nobody anything.
REPORT_EVERY = dt.timedelta(seconds=0.5)


@dataclasses.dataclass(frozen=True)
class Done:
    """What a job hands back: where its result is, and a sentence for the page."""

    url: str
    message: str


@dataclasses.dataclass(frozen=True)
class JobView:
    """A job as its page shows it."""

    id: str
    title: str
    state: str          # waiting, running, done, stopped, failed
    done: int
    total: int
    stage: str
    url: str = ""
    message: str = ""
    enqueued_at: object = None
    quiet_s: float = 0.0  # seconds since the worker last reported

    @property
    def silent(self) -> bool:
        """Running, but no word from the worker for two minutes: it may have been stopped halfway."""
        return self.state == "running" and self.quiet_s > 120

    @property
    def finished(self) -> bool:
        return self.state in ("done", "stopped", "failed")

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0


def job(title: str) -> Callable:
    """Declare a background job. ``fn(report, actor, **kwargs) -> Done``; kwargs must be JSON (ids, dates as
    ISO strings)."""

    def wrap(fn: Callable) -> object:
        def run(context, actor_id: int, **kwargs):
            result_id = str(context.task_result.id)
            actor = get_user_model().objects.filter(pk=actor_id).first()
            if actor is None or not actor.is_active:  # disabled since asking: the job does nothing as them
                _update(result_id, stage="Stopped")
                return {"error": "the account that asked for this job is no longer active, so it was not run"}
            last = [dt.datetime.min.replace(tzinfo=dt.UTC)]

            def report(done: int, total: int, stage: str) -> None:
                now = clock.now()
                if now - last[0] < REPORT_EVERY and done < total:
                    return
                last[0] = now
                _update(result_id, done=done, total=total, stage=stage)

            _update(result_id, stage="Started")
            try:
                done = fn(report, actor, **kwargs)
            except InputError as exc:
                _update(result_id, stage="Stopped")
                return {"error": str(exc)}
            _update(result_id, stage="Finished")
            return {"url": done.url, "message": done.message}

        # The worker finds a job by its module and name: the area's module, under the function's own name.
        run.__module__, run.__name__, run.__qualname__, run.__doc__ = fn.__module__, fn.__name__, fn.__qualname__, \
            fn.__doc__
        run.title = title
        return task(takes_context=True)(run)

    return wrap


def start(the_job, *, actor, **kwargs) -> str:
    """Queue a job for the worker, as ``actor``; returns its id for ``job_url``."""
    result = the_job.enqueue(actor_id=actor.pk, **kwargs)
    Job.objects.create(id=result.id, title=the_job.func.title, started_by=actor, reported_at=clock.now())
    return str(result.id)


def job_url(job_id: str) -> str:
    return reverse("job", kwargs={"job_id": job_id})


def _update(result_id: str, **changes) -> None:
    Job.objects.filter(id=result_id).update(**changes, reported_at=clock.now())


def view(job_id, user) -> JobView | None:
    """The job ``user`` started with this id, or None (no such job, or someone else's)."""
    found = Job.objects.filter(id=job_id, started_by=user).first()
    row = DBTaskResult.objects.filter(id=job_id).values("status", "return_value", "enqueued_at").first() \
        if found else None
    if row is None:
        return None
    value = row["return_value"] or {}
    state = {"READY": "waiting", "RUNNING": "running", "FAILED": "failed"}.get(row["status"], "done")
    if state == "done" and value.get("error"):
        state = "stopped"
    message = value.get("error") or value.get("message", "")
    if state == "failed":
        message = ("The job failed before it finished. Nothing it had not finished was saved; it has been "
                   "recorded for the administrator. Try again, or ask them.")
    return JobView(id=job_id, title=found.title, state=state, done=found.done, total=found.total,
                   stage=found.stage if state != "waiting" else "", url=value.get("url", ""), message=message,
                   enqueued_at=row["enqueued_at"],
                   quiet_s=(clock.now() - found.reported_at).total_seconds())

