"""Organisation: boroughs, teams, officers, their roles and accreditations, and API tokens."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from vigil.core.scope import RestrictedQuerySet


class TeamKind(models.TextChoices):
    OFFENDER_MANAGEMENT = "offender_management", "Offender management"
    INVESTIGATION = "investigation", "Investigation"
    MISSING_PERSONS = "missing_persons", "Missing persons"
    EXPLOITATION = "exploitation", "Exploitation"
    PROFESSIONAL_STANDARDS = "professional_standards", "Professional standards"
    OTHER = "other", "Other"


class Rank(models.TextChoices):
    PC = "PC"
    DC = "DC"
    DS = "DS"
    DI = "DI"
    DCI = "DCI"
    SUPT = "Supt"
    CHSUPT = "ChSupt"
    STAFF = "staff"


# Order of command, lowest first. Police staff sit outside it (they never supervise or decide escalations).
RANK_ORDER = ["PC", "DC", "DS", "DI", "DCI", "Supt", "ChSupt"]
SUPERVISOR_MIN = "DS"   # a supervisor is DS or above
SENIOR_MIN = "DI"       # a senior officer is DI or above (an inspector)
S96B_APPLICANT_MIN = "Supt"  # s.96B applications are made by Supt or above


def rank_at_least(rank: str, minimum: str) -> bool:
    return rank in RANK_ORDER and RANK_ORDER.index(rank) >= RANK_ORDER.index(minimum)


def next_rank_up(rank: str) -> str | None:
    if rank not in RANK_ORDER or rank == RANK_ORDER[-1]:
        return None
    return RANK_ORDER[RANK_ORDER.index(rank) + 1]


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    SUPERVISOR = "supervisor", "Supervisor"
    SENIOR_OFFICER = "senior_officer", "Senior officer"
    INVESTIGATOR = "investigator", "Investigator"
    ALLOCATION_MANAGER = "allocation_manager", "Allocation manager"
    MISSING_PERSONS_COORDINATOR = "missing_persons_coordinator", "Missing persons coordinator"
    EXPLOITATION_ANALYST = "exploitation_analyst", "Exploitation analyst"
    PROFESSIONAL_STANDARDS = "professional_standards", "Professional standards"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    # MoPI retention review, subject access, erasure (docs/adr/0020)
    INFORMATION_MANAGER = "information_manager", "Information manager"


class SpecialismName(models.TextChoices):
    SEXUAL_OFFENCES = "sexual_offences", "Sexual offences"
    CHILD_ABUSE = "child_abuse", "Child abuse"
    ONLINE_CSA = "online_csa", "Online child sexual abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"


class Borough(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    ref = models.CharField("id", max_length=64, unique=True, help_text="the sending system's reference")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TeamKind.choices)
    borough = models.ForeignKey(Borough, null=True, blank=True, on_delete=models.PROTECT, related_name="teams")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Officer(models.Model):
    ref = models.CharField("id", max_length=64, unique=True)
    name = models.CharField(max_length=200)
    rank = models.CharField(max_length=8, choices=Rank.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="officers")
    joined = models.DateField()
    pip_level = models.PositiveSmallIntegerField(default=1, help_text="Professionalising Investigation Programme level")
    student_officer = models.BooleanField(default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="officer"
    )
    active = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["team", "rank"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.ref})"

    @property
    def titled(self) -> str:
        """How an officer is named on pages and in reasons: rank and name ("DS Priya Shah"), the rank once."""
        if self.rank == "staff" or self.name.startswith(f"{self.rank} "):
            return self.name
        return f"{self.rank} {self.name}"

    @property
    def role_names(self) -> set[str]:
        cache = getattr(self, "_role_cache", None)
        if cache is None:
            cache = set(self.roles.values_list("role", flat=True))
            self._role_cache = cache
        return cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names & set(roles))

    def years_of_service(self, as_of: dt.date) -> float:
        return (as_of - self.joined).days / 365.25

    @property
    def borough_id(self):
        return self.team.borough_id


class OfficerRole(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "role"], name="uniq_officer_role")]

    def __str__(self) -> str:
        return self.role


class Specialism(models.Model):
    """An accreditation held by an officer, valid until ``expires`` (inclusive)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="specialisms")
    name = models.CharField(max_length=32, choices=SpecialismName.choices)
    expires = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "name"], name="uniq_officer_specialism")]

    def __str__(self) -> str:
        return f"{self.name} until {self.expires}"


class ApiToken(models.Model):
    """A token for an integration. Only a hash is stored; the token is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# Roles whose grant needs a second administrator's approval (four eyes): they see or change everything.
POWERFUL_ROLES = frozenset({Role.PROFESSIONAL_STANDARDS, Role.AUDITOR, Role.ADMINISTRATOR, Role.INFORMATION_MANAGER})


class LinkPurpose(models.TextChoices):
    ACTIVATE = "activate", "activate a new account (set the password and enrol the authenticator)"
    ENROL = "enrol", "enrol a new authenticator (the password is already set)"


class AccountLink(models.Model):
    """A one-time link that sets a password and/or enrols an authenticator. Only a hash of its token is stored;
    it works once, until ``expires_at``, and a newer link for the same account replaces it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links")
    purpose = models.CharField(max_length=16, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} link for {self.user} (#{self.pk})"


class RequestStatus(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class AccountRequest(models.Model):
    """A request that waits for another administrator's decision (four eyes)."""

    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class MfaResetRequest(AccountRequest):
    """A signed-out user's 'I have lost my authenticator'. Another administrator approves it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mfa_reset_requests")

    class Meta:
        ordering = ["requested_at"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                               name="one_pending_mfa_reset_per_user")]

    def __str__(self) -> str:
        return f"MFA reset #{self.pk} for {self.user} ({self.status})"


class RoleChangeRequest(AccountRequest):
    """A role change that grants a powerful role (or any role to oneself): pending until a second administrator,
    who is neither the requester nor the officer concerned, approves it."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="role_change_requests")
    roles_before = models.JSONField(default=list)
    roles_after = models.JSONField(default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["requested_at"]
        constraints = [models.UniqueConstraint(fields=["officer"], condition=models.Q(status="pending"),
                                               name="one_pending_role_change_per_officer")]

    def __str__(self) -> str:
        return f"role change #{self.pk} for {self.officer.ref} ({self.status})"

    @property
    def granted(self) -> list[str]:
        return sorted(set(self.roles_after) - set(self.roles_before))

    @property
    def removed(self) -> list[str]:
        return sorted(set(self.roles_before) - set(self.roles_after))
