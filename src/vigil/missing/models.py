"""Missing children: episodes, gradings, exploitation screenings, returns, strategy meetings, Philomena profiles,
and the links between missing children and offenders that the link graph finds."""
from __future__ import annotations

from django.db import models

from vigil.core.scope import RestrictedQuerySet


class RiskGrade(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


class Stage(models.TextChoices):
    REPORT = "report", "At report"
    RETURN = "return", "At return"


class MissingEpisode(models.Model):
    """One episode of a child going missing: the report, its gradings, screenings and the return."""

    ref = models.CharField("id", max_length=64, unique=True, help_text="the sending system's reference")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="missing_episodes")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="missing_episodes", help_text="the missing persons unit that holds it")
    coordinator = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="missing_episodes", help_text="the officer in charge of it")
    # The report
    reported_at = models.DateTimeField(db_index=True)
    reported_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="reported_episodes")
    reported_by_text = models.CharField(max_length=200, blank=True, help_text="e.g. 'residential care staff'")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_place = models.CharField(max_length=300, blank=True)
    circumstances = models.TextField(blank=True)
    # The current grade (the latest Grading; kept here for set-based lists)
    risk_grade = models.CharField(max_length=10, choices=RiskGrade.choices, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    # The return
    returned_at = models.DateTimeField(null=True, blank=True, db_index=True)
    found_line1 = models.CharField(max_length=200, blank=True)
    found_line2 = models.CharField(max_length=200, blank=True)
    found_town = models.CharField(max_length=100, blank=True)
    found_postcode = models.CharField(max_length=10, blank=True)
    found_key = models.CharField(max_length=200, blank=True, db_index=True, help_text="match_key of the found-at place")
    found_with = models.ManyToManyField("people.Person", blank=True, related_name="found_with_episodes")
    condition = models.TextField(blank=True, help_text="the child's condition when found")
    prevention_interview_at = models.DateTimeField(null=True, blank=True)
    return_interview_at = models.DateTimeField(null=True, blank=True,
                                               help_text="when the independent return home interview was offered")
    return_interview_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["child", "reported_at"]), models.Index(fields=["team", "returned_at"])]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def found_at_text(self) -> str:
        return ", ".join(p for p in (self.found_line1, self.found_line2, self.found_town, self.found_postcode) if p)


class Grading(models.Model):
    """A risk grading with its rationale, and a record of what the force held that the grader was shown."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    grade = models.CharField(max_length=10, choices=RiskGrade.choices)
    rationale = models.TextField()
    graded_at = models.DateTimeField()
    graded_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    information_shown = models.JSONField(default=dict, blank=True,
                                         help_text="summary of what the grading form showed (HMICFRS 2024)")

    class Meta:
        ordering = ["graded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.grade}"


class Screening(models.Model):
    """The CSE/CCE indicator checklist, at report or at return; any indicator present needs a referral."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="screenings")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    at = models.DateTimeField()
    indicators = models.JSONField(default=list, blank=True)
    screened_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    notes = models.TextField(blank=True)
    referral_at = models.DateTimeField(null=True, blank=True)
    referral_to = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["episode", "stage"])]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.stage} {self.at:%Y-%m-%d %H:%M}"


class StrategyMeeting(models.Model):
    """A multi-agency strategy meeting for a repeat-missing child."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="strategy_meetings")
    episode = models.ForeignKey(MissingEpisode, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="strategy_meetings")
    held_at = models.DateTimeField()
    attendees = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["held_at"]
        indexes = [models.Index(fields=["child", "held_at"])]

    def __str__(self) -> str:
        return f"strategy meeting {self.held_at:%Y-%m-%d}"


class PhilomenaProfile(models.Model):
    """Philomena Protocol Part 1: held in advance for a looked-after child, handed over when they go missing."""

    child = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="philomena_profile")
    looked_after = models.BooleanField(default=True)
    placement = models.CharField(max_length=200, blank=True, help_text="care home or foster placement")
    responsible_authority = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="height, build, hair, distinguishing marks, usual clothing")
    photo_ref = models.CharField(max_length=200, blank=True, help_text="where the recent photograph is held")
    friends_associates = models.TextField(blank=True)
    addresses_frequented = models.TextField(blank=True)
    phones_social_media = models.TextField(blank=True)
    medical = models.TextField(blank=True, help_text="medical needs and medication")
    previous_episodes_note = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    def __str__(self) -> str:
        return f"Philomena profile of {self.child_id}"


class OffenderLink(models.Model):
    """A missing child found at a subject's address or with a person resolved to a subject.

    Written when the link is first seen (on recording the return, on accepting a linkage match, or by the sweep);
    the offender actions (review trigger, escalation) are taken once per link. The alert stays open until the
    subject's offender manager (or a supervisor) records a review of the link (ADR 0305), or the link stops
    holding (a linkage undone, an address corrected).
    """

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="offender_links")
    subject_ref = models.CharField(max_length=64, db_index=True)
    subject_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    subject_team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    manager_ref = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=12, help_text="found_at or found_with")
    detail = models.CharField(max_length=200, blank=True, help_text="the address key or the person found with")
    evidence = models.TextField()
    first_seen_on = models.DateField()
    holds = models.BooleanField(default=True, help_text="false once the evidence no longer supports it")
    actioned_on = models.DateField(null=True, blank=True, help_text="when the trigger and escalation were opened")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    review_rationale = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["first_seen_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["episode", "subject_ref", "via", "detail"],
                                               name="one_offender_link_per_cause")]

    def __str__(self) -> str:
        return f"{self.episode_id} ↔ {self.subject_ref} ({self.via})"
