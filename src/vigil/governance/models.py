"""Information governance records (DPA 2018 Part 3, MoPI): retention review decisions, subject access requests,
erasure requests (four eyes) and what they removed (counts only), restrictions of processing, and disclosures to
partner agencies. Each keeps the person's reference, so it outlives an erasure as metadata; none holds the erased
values."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class RetentionDecision(models.TextChoices):
    RETAIN = "retain", "Retain and review again"
    DISPOSE = "dispose", "Dispose (erase)"


class RetentionReview(models.Model):
    """A review officer's MoPI decision on a person's record, with its rationale and the next review date."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="retention_reviews")
    person_ref = models.CharField(max_length=64, db_index=True)
    group = models.PositiveSmallIntegerField(help_text="the MoPI group the record was in when reviewed (1, 2, 3)")
    reviewed_on = models.DateField()
    decision = models.CharField(max_length=8, choices=RetentionDecision.choices)
    rationale = models.TextField()
    next_review_on = models.DateField(null=True, blank=True, help_text="empty after a disposal")
    reviewer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    recorded_by = models.CharField(max_length=150, help_text="username, or 'system:COMMAND'")
    recorded_at = models.DateTimeField()
    policy_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["person_ref", "reviewed_on"])]

    def __str__(self) -> str:
        return f"retention review of {self.person_ref} on {self.reviewed_on}: {self.decision}"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed without a pack"


class SubjectAccessRequest(models.Model):
    """A data subject's request for their data (DPA 2018 s.45): received, due a month later, answered by a pack."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="access_requests")
    person_ref = models.CharField(max_length=64, db_index=True)
    received_on = models.DateField()
    due_on = models.DateField(help_text="one month after receipt (DPA 2018 s.54)")
    status = models.CharField(max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    logged_by = models.CharField(max_length=150)
    logged_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=150, blank=True)
    pack_sha256 = models.CharField(max_length=64, blank=True, help_text="checksum of the pack sent")
    withheld = models.JSONField(default=list, blank=True,
                                help_text="each restriction applied: what, how many, why (s.45(4))")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"subject access request #{self.pk} ({self.person_ref}, due {self.due_on})"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a second person's approval"
    DONE = "done", "Erased"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ErasureRequest(models.Model):
    """An erasure asked for by one person and carried out on a second's approval (four eyes), or refused with its
    reason. ``removed`` counts what went, by kind: never the values."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="erasure_requests")
    person_ref = models.CharField(max_length=64, db_index=True)
    reason = models.TextField()
    source = models.CharField(max_length=40, default="request",
                              help_text="'request', 'retention review #N' or 'command line'")
    requested_by = models.CharField(max_length=150)
    requested_officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField(max_length=300, blank=True)
    removed = models.JSONField(default=dict, blank=True, help_text="how many of each kind of row went")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person_ref"], condition=Q(status="pending"),
                                               name="one_pending_erasure_per_person")]

    def __str__(self) -> str:
        return f"erasure #{self.pk} of {self.person_ref} ({self.status})"


class ProcessingRestriction(models.Model):
    """Restriction of processing (DPA 2018 s.47): while in force, only the team holding the record and
    professional standards can open it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="processing_restrictions")
    reason = models.TextField()
    placed_by = models.CharField(max_length=150)
    placed_at = models.DateTimeField()
    lifted_by = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(lifted_at__isnull=True),
                                               name="one_restriction_in_force_per_person")]

    def __str__(self) -> str:
        return f"restriction of processing of person #{self.person_id}"


class RecipientKind(models.TextChoices):
    PROBATION = "probation", "Probation service"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    OTHER_FORCE = "other_force", "Another police force"
    SAFEGUARDING_HUB = "safeguarding_hub", "Multi-agency safeguarding hub"
    OTHER = "other", "Another agency"


class Disclosure(models.Model):
    """Personal data shared with a partner agency: to whom, on what lawful basis, what was sent, by whom."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="disclosures")
    person_ref = models.CharField(max_length=64, db_index=True)
    recipient_kind = models.CharField(max_length=24, choices=RecipientKind.choices)
    recipient = models.CharField(max_length=200, help_text="the agency and, where known, the named recipient")
    lawful_basis = models.CharField(max_length=300)
    what = models.TextField(help_text="what was sent, described (not the data itself)")
    disclosed_by = models.CharField(max_length=150)
    disclosed_officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    disclosed_at = models.DateTimeField()

    class Meta:
        ordering = ["-disclosed_at", "-pk"]

    def __str__(self) -> str:
        return f"disclosure of {self.person_ref} to {self.recipient}"
