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
    PNC_ID = "pnc_id", "PNC ID"
    NI_NUMBER = "ni_number", "National Insurance number"
    PASSPORT = "passport", "Passport"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    OTHER = "other", "Other"


class Identity(models.Model):
    """The resolved person that one or more records belong to (set by record linkage)."""

    ref = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.ref


def display_name(given_names: str | None, surname: str | None, known_as=lambda: "") -> str:
    """How a person is named on pages (also for rows read with ``values()``); ``known_as`` is asked only when
    neither name is known."""
    given, surname = (given_names or "").strip(), (surname or "").strip()
    if given and surname:
        return f"{given} {surname}"
    if given:
        return f"{given} (surname not known)"
    if surname:
        return f"{surname} (given names not known)"
    nickname = known_as()
    return f"name not known, known as {nickname}" if nickname else "name not known"


class Person(models.Model):
    """One record of a person, who may be only partly known: a name may be empty (unknown), a nickname is an
    alias, and a date of birth may be exact (``date_of_birth``), approximate (``born_earliest``–``born_latest``:
    a year or a range, see ``people/birth.py``) or unknown. Show a person by ``display_name``."""

    ref = models.CharField("id", max_length=64, unique=True)
    given_names = models.CharField(max_length=200, blank=True, help_text="empty when not known")
    surname = models.CharField(max_length=200, blank=True, db_index=True, help_text="empty when not known")
    date_of_birth = models.DateField(null=True, blank=True, help_text="when known to the day")
    born_earliest = models.DateField(null=True, blank=True,
                                     help_text="an approximate date of birth: the earliest day it could be")
    born_latest = models.DateField(null=True, blank=True,
                                   help_text="an approximate date of birth: the latest day it could be")
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="people", help_text="the team that holds this record")
    identity = models.ForeignKey(Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="records")
    erased_at = models.DateTimeField(null=True, blank=True,
                                     help_text="set when the person was erased: the row stays only as a placeholder "
                                               "for the records that name it (docs/adr/0020)")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "given_names"]
        indexes = [models.Index(fields=["surname", "given_names"]), models.Index(fields=["date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                name="person_birth_exact_or_range",
                condition=(models.Q(born_earliest__isnull=True, born_latest__isnull=True)
                           | models.Q(date_of_birth__isnull=True, born_earliest__isnull=False,
                                      born_latest__isnull=False, born_earliest__lte=models.F("born_latest")))),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The one way a person is named on every page: 'Mark Ellery', 'Mark (surname not known)',
        'Ellery (given names not known)', 'name not known, known as Jay', 'name not known'."""
        if self.erased_at:
            return "erased record"
        return display_name(self.given_names, self.surname, lambda: self.known_as)

    @property
    def known_as(self) -> str:
        """The first alias, for a person recorded by nickname only ('' if none). Uses prefetched aliases."""
        if not self.pk:
            return ""
        for a in self.aliases.all():
            text = " ".join(x for x in (a.given_names.strip(), a.surname.strip()) if x)
            if text:
                return text
        return ""

    @property
    def birth(self):
        from vigil.people.birth import of

        return of(self)

    @property
    def born(self) -> str:
        """'born 3 February 1971', 'born about 1990', 'born 1988–1992' or 'date of birth not known'."""
        return self.birth.sentence()

    @property
    def date_of_birth_text(self) -> str:
        """'3 February 1971', 'about 1990', '1988–1992' or 'not known'."""
        return self.birth.describe()


class Alias(models.Model):
    """Another name the person is known by: a nickname ('Jay') is an alias with only ``given_names``."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    given_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=200, blank=True, db_index=True)

    def __str__(self) -> str:
        return " ".join(x for x in (self.given_names.strip(), self.surname.strip()) if x)


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
