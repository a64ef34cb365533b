"""Professional-standards cases against officers (domain-rules §4).

A case is never deleted and never reopened: closing it records the date. Whether it restricts the officer on a
given day is a rule (``vigil.standards.rules``), not a stored flag, so any page can be viewed as of a date.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from vigil.core.scope import RestrictedQuerySet


class CaseCategory(models.TextChoices):
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    VAWG = "vawg", "Violence against women and girls"
    SEXUAL_MISCONDUCT = "sexual_misconduct", "Sexual misconduct"
    DISHONESTY = "dishonesty", "Dishonesty"
    OTHER = "other", "Other"


class CaseOutcome(models.TextChoices):
    """How a case closed (the Police (Conduct) Regulations 2020, in the words professional standards use)."""
    NO_CASE_TO_ANSWER = "no_case_to_answer", "No case to answer"
    REFLECTIVE_PRACTICE = "reflective_practice", "Referred to the reflective practice review process"
    MISCONDUCT_PROVEN = "misconduct_proven", "Misconduct proven"
    GROSS_MISCONDUCT_PROVEN = "gross_misconduct_proven", "Gross misconduct proven"
    NOT_PROVEN = "not_proven", "Not proven at a hearing"
    NO_FURTHER_ACTION = "no_further_action", "No further action (withdrawn or not pursued)"


class OfficerCase(models.Model):
    ref = models.CharField("id", max_length=64, unique=True, help_text="the sending system's reference")
    officer = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="standards_cases")
    category = models.CharField(max_length=24, choices=CaseCategory.choices)
    opened = models.DateField()
    closed = models.DateField(null=True, blank=True, help_text="the restriction ends the day after this date")
    summary = models.TextField(blank=True, help_text="what is alleged, in a line (never shown outside PSD)")
    close_outcome = models.CharField(max_length=32, choices=CaseOutcome.choices, blank=True)
    close_reason = models.TextField(blank=True, help_text="why the case closed, recorded by whoever closed it")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # A closed case is reopened as a new case that names it (ADR 0025): the closed case's dates stay true, so a
    # judgement replayed for a day in between finds no restriction then, as there was none.
    reopens = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reopened_as")
    reopen_reason = models.TextField(blank=True, help_text="why the closed case was reopened")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened", "ref"]
        indexes = [models.Index(fields=["officer", "opened"]), models.Index(fields=["closed"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(closed__isnull=True) | models.Q(closed__gte=models.F("opened")),
                                   name="officer_case_closed_after_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} ({self.category})"

    def is_open_on(self, as_of: dt.date) -> bool:
        return self.opened <= as_of and (self.closed is None or as_of <= self.closed)

    def status_on(self, as_of: dt.date) -> str:
        if as_of < self.opened:
            return "not yet opened"
        return "open" if self.is_open_on(as_of) else "closed"
