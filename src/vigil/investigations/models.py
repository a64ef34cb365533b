"""Crimes, the people involved in them, their allocation history and batch allocation runs.

The offence catalogue is reference data (``vigil.crimes.offences``), not a table; a crime holds its
Home Office offence code. A crime is open until ``closed_on``; an allocation is current from ``start`` until its
``end`` (a reallocation or the crime's closing: closing a crime always ends its allocation on that day), so
workloads and queues can be read as of any date.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.core.scope import RestrictedQuerySet
from vigil.crimes import offences
from vigil.investigations.flags import ENGAGEMENT, FLAG_LABELS, FLAGS, THRIVE_GRADES

_GRADES = [(g, g) for g in THRIVE_GRADES]


class Crime(models.Model):
    ref = models.CharField("id", max_length=64, unique=True, help_text="the sending system's reference")
    offence_code = models.CharField(max_length=16, db_index=True, help_text="Home Office offence code")
    reported = models.DateField(db_index=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="crimes",
                             help_text="the team that holds the crime")
    closed_on = models.DateField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)

    child_victim = models.BooleanField(FLAG_LABELS["child_victim"], default=False)
    vulnerable_adult = models.BooleanField(FLAG_LABELS["vulnerable_adult"], default=False)
    domestic_abuse = models.BooleanField(FLAG_LABELS["domestic_abuse"], default=False)
    domestic_abuse_high_risk = models.BooleanField(FLAG_LABELS["domestic_abuse_high_risk"], default=False)
    hate = models.BooleanField(FLAG_LABELS["hate"], default=False)
    weapon = models.BooleanField(FLAG_LABELS["weapon"], default=False)
    serious_injury = models.BooleanField(FLAG_LABELS["serious_injury"], default=False)
    multiple_offenders = models.BooleanField(FLAG_LABELS["multiple_offenders"], default=False)
    substantial_loss = models.BooleanField(FLAG_LABELS["substantial_loss"], default=False)

    # THRIVE: threat, harm, risk, investigation (solvability below), vulnerability (the flags), engagement.
    threat = models.CharField(max_length=8, choices=_GRADES, blank=True)
    harm = models.CharField(max_length=8, choices=_GRADES, blank=True)
    risk = models.CharField(max_length=8, choices=_GRADES, blank=True)
    engagement = models.CharField(max_length=16, choices=[(e, e) for e in ENGAGEMENT], blank=True)
    thrive_notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assessed_on = models.DateField(null=True, blank=True)
    solvability = models.JSONField(null=True, blank=True,
                                   help_text="solvability factors found at screening; null: not screened")
    screened_on = models.DateField(null=True, blank=True)

    # Set when a batch allocation could not place the crime: escalated to an inspector (CRIME_UNALLOCATED).
    escalated_on = models.DateField(null=True, blank=True)
    escalated_to = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    unallocated_reason = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported", "ref"]
        indexes = [models.Index(fields=["team", "reported"]), models.Index(fields=["closed_on", "reported"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.offence_code}"

    @property
    def flags(self) -> frozenset[str]:
        return frozenset(f for f in FLAGS if getattr(self, f))

    @property
    def offence(self) -> offences.Offence | None:
        return offences.offence(self.offence_code)

    @property
    def status(self) -> str:
        return "closed" if self.closed_on else "open"

    def thrive(self) -> dict[str, str]:
        return {"threat": self.threat, "harm": self.harm, "risk": self.risk}


def open_on(as_of, prefix: str = "") -> Q:
    """Crimes reported by ``as_of`` and not closed by then."""
    return Q(**{f"{prefix}reported__lte": as_of}) & (Q(**{f"{prefix}closed_on__isnull": True})
                                                     | Q(**{f"{prefix}closed_on__gt": as_of}))


class CrimePerson(models.Model):
    """A known person involved in a crime: a victim or a suspect (continuity and §4 restrictions use these)."""

    class Role(models.TextChoices):
        VICTIM = "victim"
        SUSPECT = "suspect"

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="crime_roles")
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["crime", "person", "role"], name="uniq_crime_person_role")]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self) -> str:
        return f"{self.role} {self.person_id} in {self.crime_id}"


class Allocation(models.Model):
    """Who investigates a crime, from when, by whose decision; an override when the officer was not eligible."""

    class Method(models.TextChoices):
        MANUAL = "manual"
        BATCH = "batch"
        IMPORT = "import"
        GENERATED = "generated"

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="allocations")
    officer = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="allocations")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="reallocated or the crime closed")
    units = models.PositiveSmallIntegerField(
        default=1, help_text="the workload this investigation carries: units of its required level (PIP1 = 1, "
                             "PIP2 = 2, PIP3 = 4); re-weighed when the policy changes")
    recorded_at = models.DateTimeField()
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.MANUAL)
    ineligible_reasons = models.JSONField(default=list, blank=True,
                                          help_text="why the officer was not eligible when allocated")
    override_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="the supervisor (DS or above) who overrode")
    override_on = models.DateField(null=True, blank=True)
    override_rationale = models.TextField(blank=True)
    batch = models.ForeignKey("BatchRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["crime"], condition=Q(end__isnull=True), name="one_current_allocation"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="allocation_ends_after_start"),
        ]
        # (end, start, officer, units) answers "each officer's workload on a date" from the index alone.
        indexes = [models.Index(fields=["officer", "end"]), models.Index(fields=["end", "start", "officer", "units"])]

    def __str__(self) -> str:
        return f"{self.crime_id} → {self.officer_id} from {self.start}"

    @property
    def overridden(self) -> bool:
        return self.override_by_id is not None


class Outcome(models.TextChoices):
    """How an investigation ended: the Home Office crime outcome framework, in the words a person uses."""
    CHARGED = "charged", "Charged or summonsed (outcome 1)"
    CAUTION = "caution", "Caution (outcomes 2 and 3)"
    TAKEN_INTO_CONSIDERATION = "taken_into_consideration", "Taken into consideration (outcome 4)"
    OFFENDER_DIED = "offender_died", "The offender died (outcome 5)"
    PENALTY_NOTICE = "penalty_notice", "Penalty notice for disorder (outcome 6)"
    COMMUNITY_RESOLUTION = "community_resolution", "Community resolution (outcome 8)"
    NOT_IN_PUBLIC_INTEREST = "not_in_public_interest", "Prosecution not in the public interest (outcomes 9 and 10)"
    PROSECUTION_PREVENTED = "prosecution_prevented", "Prosecution prevented (outcomes 11 to 13)"
    VICTIM_DOES_NOT_SUPPORT = "victim_does_not_support", \
        "Evidential difficulties: the victim does not support action (outcomes 14 and 16)"
    EVIDENTIAL_DIFFICULTIES = "evidential_difficulties", \
        "Evidential difficulties: suspect identified, the victim supports action (outcome 15)"
    NO_SUSPECT = "no_suspect", "Investigation complete: no suspect identified (outcome 18)"
    ANOTHER_BODY = "another_body", "Further action by another body or agency (outcome 20)"
    NOT_IN_PUBLIC_INTEREST_TO_INVESTIGATE = "not_in_public_interest_to_investigate", \
        "Further investigation not in the public interest (outcome 21)"
    DIVERSION = "diversion", "Diversionary, educational or intervention activity (outcome 22)"


class Closure(models.Model):
    """An investigation closed: on which day, with which outcome, why and by whom; and, if it was reopened, when,
    why and by whom. ``Crime.closed_on`` is where the crime stands now; its closures are how it got there."""

    crime = models.ForeignKey(Crime, on_delete=models.CASCADE, related_name="closures")
    closed_on = models.DateField()
    outcome = models.CharField(max_length=40, choices=Outcome.choices)
    reason = models.TextField()
    closed_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    recorded_at = models.DateTimeField()
    reopened_on = models.DateField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    reopened_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["crime"], condition=Q(reopened_on__isnull=True),
                                               name="one_standing_closure")]

    def __str__(self) -> str:
        return f"{self.crime_id} closed {self.closed_on} ({self.outcome})"


def current_on(as_of, prefix: str = "") -> Q:
    """Allocations in force on ``as_of``."""
    return Q(**{f"{prefix}start__lte": as_of}) & (Q(**{f"{prefix}end__isnull": True})
                                                  | Q(**{f"{prefix}end__gt": as_of}))


class BatchRun(models.Model):
    """One batch allocation: the proposal shown in the preview, and what was applied."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    as_of = models.DateField()
    scope = models.CharField(max_length=40, help_text="team:<pk>, borough:<pk> or force")
    scope_label = models.CharField(max_length=200)
    policy_version = models.PositiveIntegerField(default=0)
    proposals = models.JSONField(default=list)     # [{crime, officer, cost, reasons, impact}]
    unallocated = models.JSONField(default=list)   # [{crime, reasons}]
    summary = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    outcome = models.JSONField(default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch #{self.pk} {self.scope_label}"
