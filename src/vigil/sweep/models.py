"""Alerts: what the sweep found, open until what caused it is resolved."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from vigil.core.scope import RestrictedQuerySet


class Severity(models.TextChoices):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


class EntityType(models.TextChoices):
    SUBJECT = "subject"
    CRIME = "crime"
    OFFICER = "officer"
    PERSON = "person"
    EPISODE = "episode"
    TEAM = "team"
    ADDRESS = "address"


class Alert(models.Model):
    code = models.CharField(max_length=40, db_index=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    entity_type = models.CharField(max_length=16, choices=EntityType.choices)
    entity_id = models.CharField(max_length=200)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="the team whose work this is (for scoping and assurance)")
    since = models.DateField(help_text="when the condition began, as the rule reads the record")
    owner = models.CharField(max_length=64, blank=True, help_text="officer id of the person who must act")
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=8, default="open", db_index=True)
    opened_as_of = models.DateField()
    last_seen_as_of = models.DateField()
    closed_as_of = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True,
                                     help_text="what cleared it: a write that removed its cause, or the sweep")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code", "entity_type", "entity_id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "entity_type", "entity_id"], condition=Q(status="open"),
                                    name="one_open_alert_per_cause"),
        ]
        indexes = [models.Index(fields=["status", "owner"]), models.Index(fields=["entity_type", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.code} {self.entity_type}:{self.entity_id}"

    def as_json(self, as_of) -> dict:
        return {"code": self.code, "severity": self.severity,
                "entity": {"type": self.entity_type, "id": self.entity_id}, "as_of": as_of.isoformat(),
                "since": self.since.isoformat(), "owner": self.owner or None, "reasons": list(self.reasons)}
