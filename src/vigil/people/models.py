"""A person record: one record from one source. Record linkage groups records of the same person into an
``Identity``; a record is never merged or overwritten by linkage."""
from __future__ import annotations

from django.db import models

from vigil.core.scope import RestrictedQuerySet


class Sex(models.TextChoices):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class AddressKind(models.TextChoices):
    HOME = "home"
    NOTIFIED = "notified"
    PREVIOUS = "previous"
    ASSOCIATED = "associated"
    WORK = "work"
    TEMPORARY = "temporary"
    CARE_HOME = "care_home"
    OTHER = "other"


class IdentifierType(models.TextChoices):
    PNC_ID = "pnc_id"
    NI_NUMBER = "ni_number"
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    OTHER = "other"


class Identity(models.Model):
    """The resolved person that one or more records belong to (set by record linkage)."""

    ref = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.ref


class Person(models.Model):
    ref = models.CharField("id", max_length=64, unique=True)
    given_names = models.CharField(max_length=200)
    surname = models.CharField(max_length=200, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="people", help_text="the team that holds this record")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="records")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "given_names"]
        indexes = [models.Index(fields=["surname", "given_names"]), models.Index(fields=["date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.given_names} {self.surname}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.surname}"


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_names = models.CharField(max_length=200)
    surname = models.CharField(max_length=200, db_index=True)

    def __str__(self) -> str:
        return f"{self.given_names} {self.surname}"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=16, choices=AddressKind.choices, default=AddressKind.HOME)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    match_key = models.CharField(max_length=200, db_index=True, help_text="normalised form; see people/addresses.py")

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)


class Phone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, db_index=True, help_text="digits only, UK national form")

    def __str__(self) -> str:
        return self.number


class Vehicle(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(max_length=10, db_index=True, help_text="upper case, no spaces")

    def __str__(self) -> str:
        return self.registration


class Identifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    type = models.CharField(max_length=16, choices=IdentifierType.choices)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["type", "value"])]

    def __str__(self) -> str:
        return f"{self.type}: {self.value}"


# Record-linkage models live in the linkage package; importing them here registers them with the people app.
from vigil.people.linkage.models import LinkageTruth, LinkRun, RecordMatch  # noqa: E402,F401
