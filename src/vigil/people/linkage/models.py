"""Linkage records: each run, each scored pair of person records with its evidence and its status, and the truth
of synthetic data kept aside for measuring linkage (never exported, never shown to officers)."""
from __future__ import annotations

from django.db import models

from vigil.core.scope import RestrictedQuerySet


class LinkRun(models.Model):
    """One run of record linkage over all people (``vigil link``)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.CharField(max_length=150)
    records = models.PositiveIntegerField(default=0, help_text="person records compared")
    pairs_scored = models.PositiveIntegerField(default=0, help_text="pairs at or above the review threshold")
    auto_linked = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    identities = models.PositiveIntegerField(default=0, help_text="identities with two or more records after it")
    parameters = models.CharField(max_length=16, help_text="'prior' (documented priors) or 'trained' (EM)")
    thresholds = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    incremental = models.BooleanField(default=False, help_text="only records new or changed since the last run "
                                                                "were compared (with all records)")
    model = models.JSONField(default=dict, blank=True, help_text="the parameters scored with (m, u, the prior), "
                                                                 "which an incremental run reuses")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"link run #{self.pk}"


class ComparedRecord(models.Model):
    """What a person record looked like to linkage when it was last compared: an incremental run compares only the
    records whose digest has changed since (and records never compared)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, primary_key=True, related_name="+")
    digest = models.CharField(max_length=40)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.digest}"


class MatchStatus(models.TextChoices):
    QUEUED = "queued", "Awaiting review"
    LINKED_AUTO = "linked_auto", "Linked automatically"
    ACCEPTED = "accepted", "Accepted by a reviewer"
    REJECTED = "rejected", "Rejected by a reviewer"
    UNDONE = "undone", "Link undone"
    WITHDRAWN = "withdrawn", "No longer supported by the evidence"


LINKED = (MatchStatus.LINKED_AUTO, MatchStatus.ACCEPTED)
HUMAN_DECIDED = (MatchStatus.ACCEPTED, MatchStatus.REJECTED, MatchStatus.UNDONE)
PURPOSE = "record linkage: resolving the same person across records (public protection and safeguarding)"


class RecordMatch(models.Model):
    """A pair of person records scored by linkage (``left`` has the lower primary key), with its evidence."""

    left = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(help_text="match probability from the model")
    match_weight = models.FloatField(default=0)
    evidence = models.JSONField(default=list, help_text="per comparison: level, weight, the two values")
    status = models.CharField(max_length=12, choices=MatchStatus.choices, db_index=True)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches")
    scored_at = models.DateTimeField()
    decided_by = models.CharField(max_length=150, blank=True, help_text="username of the reviewer")
    decided_officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    history = models.JSONField(default=list, blank=True, help_text="every status change: when, who, what, why")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-probability", "pk"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="one_match_per_pair")]
        indexes = [models.Index(fields=["status", "probability"])]

    def __str__(self) -> str:
        return f"match #{self.pk} ({self.status}, p={self.probability:.3f})"

    @property
    def is_link(self) -> bool:
        return self.status in LINKED


class LinkageTruth(models.Model):
    """The true identity of a synthetic record, kept aside for measuring linkage quality (bench/)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="+")
    truth = models.CharField(max_length=64, db_index=True)
    note = models.CharField(max_length=100, blank=True, help_text="how the record was varied (alias, typo …)")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.truth}"
