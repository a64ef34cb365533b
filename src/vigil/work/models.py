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


# --- notices: owned work pushed to the person by email (work/notices.py, ADR 0019) ---------------------------------

class NoticeTiming(models.TextChoices):
    IMMEDIATE = "immediate", "At once"
    DIGEST = "digest", "In a daily digest"


class NoticePreference(models.Model):
    """How an officer hears of non-critical work. Critical items, and escalations sent up a rank to them, are always
    told at once: there is no setting for them."""

    officer = models.OneToOneField("accounts.Officer", on_delete=models.CASCADE, related_name="notice_preference")
    non_critical = models.CharField(max_length=9, choices=NoticeTiming.choices, default=NoticeTiming.DIGEST)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.non_critical}"


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"


class Notice(models.Model):
    """One email to one officer (the outbox): how many items, the text, and what became of it. The text says only
    that there is work and where; never a name, a reference or a reason."""

    key = models.CharField(max_length=120, unique=True,
                           help_text="the same notice is never made twice: 'digest:<officer>:<day>' or "
                                     "'immediate:<officer>:<hash of its items>'")
    officer = models.ForeignKey("accounts.Officer", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=9, choices=NoticeTiming.choices)
    day = models.DateField(null=True, blank=True, help_text="a digest's day")
    items = models.PositiveIntegerField()
    critical = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(help_text="not sent before this (retries back off)")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="when a sender took it ('sending')")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["officer", "created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False),
                                              name="sent_notice_has_sent_at")]

    def __str__(self) -> str:
        return f"{self.kind} notice to {self.officer_id}: {self.items} item(s), {self.status}"


class AnnouncedItem(models.Model):
    """The ledger: a work item an officer has been (or, in their digest, will be) told about, so it is told once.
    An escalation sent up a rank has a new key (its level), so its new holder is told at once."""

    officer = models.ForeignKey("accounts.Officer", on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=80, help_text="e.g. 'alert:41', 'escalation:7:level1', 'task:3'")
    severity = models.CharField(max_length=8)
    timing = models.CharField(max_length=9, choices=NoticeTiming.choices)
    day = models.DateField(help_text="the day it was found")
    at = models.DateTimeField()
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="announced",
                               help_text="the notice that tells it; empty: waiting for the officer's digest")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["officer", "item"], name="an_item_is_announced_once")]
        indexes = [models.Index(fields=["timing", "notice"])]

    def __str__(self) -> str:
        return f"{self.item} → {self.officer_id}"
