"""Tasks: work handed to a named officer (or a team's queue) by a decision or a rule, with its history.

A task is one of the three kinds of work item (``work/queue.py``): an alert someone owns, an escalation awaiting
their decision, or a task. A decision that names the next actor (a s.96B application by a superintendent, a
strategy meeting, a referral) creates that actor's task, carrying the decider's rationale.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    source = models.CharField(max_length=200, unique=True,
                              help_text="what handed it over (e.g. 'escalation-decision:41'): one task per source")
    kind = models.CharField(max_length=40, help_text="what to do, e.g. s96b_application, strategy_meeting")
    title = models.CharField(max_length=200)
    reasons = models.JSONField(default=list)
    handed_over = models.TextField(blank=True, help_text="the rationale of the decision that created it")
    record_type = models.CharField(max_length=32)
    record_ref = models.CharField(max_length=200)
    severity = models.CharField(max_length=8, default="high")
    owner = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tasks", help_text="empty: in the team's queue until someone claims it")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="tasks")
    due = models.DateTimeField()
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "owner"]), models.Index(fields=["status", "team"])]
        constraints = [models.CheckConstraint(condition=Q(status="open") | Q(closed_at__isnull=False),
                                              name="closed_task_has_closed_at")]

    def __str__(self) -> str:
        return f"{self.title} ({self.record_type} {self.record_ref})"


class TaskEvent(models.Model):
    """The history of a task: created, claimed, reassigned (with reason), done or cancelled (with outcome)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    what = models.CharField(max_length=16)
    officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="who did it")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.what} {self.at:%Y-%m-%d %H:%M}"
