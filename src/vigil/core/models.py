"""Core records: policy versions, the s.62 access log and break-glass justifications."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class PolicyVersion(models.Model):
    """One version of force policy. Never edited: a change is a new version (who, when, why)."""

    number = models.PositiveIntegerField(unique=True)
    values = models.JSONField(default=dict, help_text="overrides of the defaults, by policy key")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"policy v{self.number}"


class Operation(models.TextChoices):
    """The operations of Data Protection Act 2018 s.62(1)."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"


class AccessLogEntry(models.Model):
    """An append-only, hash-chained s.62 log entry. Written only by ``vigil.core.access_log``.

    ``entry_hash`` = HMAC-SHA256(key ``key_id``, previous hash + canonical JSON of this entry's fields), so editing
    or deleting any row breaks every later link, and only a holder of the key (outside the database) can write a
    link; ``vigil audit verify`` finds the first break, and checks the head against the witness's checkpoints.
    Database triggers refuse UPDATE and DELETE (see migration 0002).
    """

    at = models.DateTimeField(db_index=True)
    operation = models.CharField(max_length=16, choices=Operation.choices)
    outcome = models.CharField(max_length=8, default="allowed", help_text="allowed or refused")
    actor = models.CharField(max_length=150, help_text="username, or 'system:COMMAND' for a command")
    actor_officer = models.CharField(max_length=64, blank=True, help_text="officer id, where the actor is one")
    record_type = models.CharField(max_length=32, db_index=True)
    record_id = models.CharField(max_length=128, db_index=True)
    justification = models.TextField(help_text="why: own work, team work, break-glass #n, or a command's purpose")
    recipients = models.JSONField(default=list, blank=True, help_text="for a disclosure: who received it")
    detail = models.TextField(blank=True, help_text="what was done, never the personal data itself")
    request_id = models.CharField(max_length=64, blank=True)
    # Nullable so that adding it is an ALTER TABLE ADD COLUMN: SQLite would otherwise rebuild the table and lose
    # its append-only triggers. NULL: an entry from before signing keys existed.
    key_id = models.CharField(max_length=32, null=True, blank=True,  # noqa: DJ001
                              help_text="the signing key's id; empty before keys existed")
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["record_type", "record_id", "at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.operation} {self.record_type}:{self.record_id} by {self.actor}"


class BreakGlass(models.Model):
    """A justification entered *before* opening a record outside the officer's own work.

    It opens the record to read; a change needs a break-glass given for a change (``purpose``). Every one is
    reviewed by professional standards.
    """

    class Reason(models.TextChoices):
        URGENT_SAFEGUARDING = "urgent_safeguarding", "Urgent safeguarding of a child or adult at risk"
        LIVE_INCIDENT = "live_incident", "Live incident or operation"
        COVERING_COLLEAGUE = "covering_colleague", "Covering a colleague's caseload"
        INTELLIGENCE_CHECK = "intelligence_check", "Intelligence check for a current investigation"
        PARTNER_REQUEST = "partner_request", "Lawful request from a partner agency"
        OTHER = "other", "Other (explain)"

    class Purpose(models.TextChoices):
        READ = "read", "To read the record"
        CHANGE = "change", "To change the record (also opens it to read)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glasses")
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.READ)
    record_type = models.CharField(max_length=32)
    record_id = models.CharField(max_length=128)
    reason_code = models.CharField(max_length=32, choices=Reason.choices)
    reason_text = models.TextField()
    at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, blank=True, help_text="justified or referred")
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "record_type", "record_id", "expires_at"])]

    def __str__(self) -> str:
        return f"break-glass #{self.pk} {self.record_type}:{self.record_id}"

    def justification(self) -> str:
        """The access log's justification for what this break-glass opened."""
        change = " for a change" if self.purpose == self.Purpose.CHANGE else ""
        return f"break-glass #{self.pk}{change} ({self.reason_code}): {self.reason_text}"


class Submission(models.Model):
    """A claimed one-time key (``core.submissions``): a form's submission key or an API write's ``Idempotency-Key``
    header; a repeat gets the first result."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    at = models.DateTimeField()
    status = models.PositiveSmallIntegerField(default=0, help_text="0 while running; the response's status after")
    location = models.CharField(max_length=500, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True,
                                   help_text="an API write's method, path and body (SHA-256); blank for a form")
    body = models.JSONField(null=True, blank=True, help_text="an API write's first JSON answer, replayed to a repeat")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_submission_per_key")]

    def __str__(self) -> str:
        return f"submission {self.key} to {self.path}"


class Job(models.Model):
    """A background job as its page shows it (core/jobs.py): who started it, and how far it has got. The queue
    itself is django-tasks' table; this row shares the task's id."""

    id = models.UUIDField(primary_key=True)
    title = models.CharField(max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    reported_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"
