"""Offender management: subjects, their management mode history and orders, risk assessments, home visits,
review triggers and escalations (domain-rules §1).

Dates are the facts a rule reads (a visit's date, an assessment's approval date); ``recorded_at`` columns are
when Vigil was told, for audit only. A sweep as of a date ignores every fact dated after it.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from vigil.core.scope import RestrictedQuerySet


class SubjectKind(models.TextChoices):
    REGISTERED_OFFENDER = "registered_offender", "Registered offender"
    SUSPECT = "suspect", "Suspect"


class Mode(models.TextChoices):
    ACTIVE = "active", "Active"
    REACTIVE = "reactive", "Reactive"
    CUSTODY = "custody", "Custody"
    HOSPITAL = "hospital", "Hospital"
    ABROAD = "abroad", "Abroad"


PAUSED_MODES = (Mode.CUSTODY, Mode.HOSPITAL, Mode.ABROAD)


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


RISK_ORDER = ["low", "medium", "high", "very_high"]


class Outcome(models.TextChoices):
    SEEN_AT_HOME = "seen_at_home", "Seen at home"
    SEEN_ELSEWHERE = "seen_elsewhere", "Seen elsewhere"
    NO_REPLY = "no_reply", "No reply"
    REFUSED_ENTRY = "refused_entry", "Refused entry"
    NOT_AT_ADDRESS = "not_at_address", "Not at address"
    ADDRESS_INVALID = "address_invalid", "Address invalid"


class Disposal(models.TextChoices):
    """What the court imposed; it sets the notification period (SOA 2003 s.82)."""

    CAUTION = "caution", "Caution"
    COMMUNITY_OR_FINE = "community_or_fine", "Community order or fine"
    CUSTODY_6M_OR_LESS = "custody_6m_or_less", "Custody of 6 months or less"
    CUSTODY_UNDER_30M = "custody_under_30m", "Custody of more than 6 and under 30 months"
    CUSTODY_30M_OR_MORE = "custody_30m_or_more", "Custody of 30 months or more"


class Subject(models.Model):
    """A registered offender or a suspect managed by a team. ``ref`` is the interchange id."""

    ref = models.CharField("id", max_length=64, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(max_length=24, choices=SubjectKind.choices)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="subjects")
    manager = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="subjects", help_text="the named offender manager")
    managed_from = models.DateField(help_text="start of management (for a suspect: when recorded)")
    managed_until = models.DateField(null=True, blank=True,
                                     help_text="end of management (notification ended, suspect released from it)")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.ACTIVE,
                            help_text="current management mode; its history is in ModePeriod")
    mode_since = models.DateField(null=True, blank=True)
    mappa_category = models.PositiveSmallIntegerField(null=True, blank=True)
    mappa_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # Notification (registered offenders)
    notification_start = models.DateField(null=True, blank=True)
    notification_end = models.DateField(null=True, blank=True, help_text="empty: indefinite")
    no_fixed_abode = models.BooleanField(default=False, help_text="periodic notification is then weekly")
    disposal = models.CharField(max_length=24, choices=Disposal.choices, blank=True)
    under_18_at_conviction = models.BooleanField(default=False)
    # Suspects (online child abuse)
    children_in_household = models.BooleanField(default=False,
                                                help_text="children live in or visit the household")
    children_noted_on = models.DateField(null=True, blank=True)
    safeguarding_referral_on = models.DateField(null=True, blank=True)
    investigation_opened = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock: a stale save is refused")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        indexes = [models.Index(fields=["team", "kind"]), models.Index(fields=["manager"])]
        constraints = [
            models.CheckConstraint(condition=Q(mappa_level__isnull=True) | Q(mappa_level__gte=1, mappa_level__lte=3),
                                   name="subject_mappa_level_1_3"),
            models.CheckConstraint(condition=Q(mappa_category__isnull=True)
                                   | Q(mappa_category__gte=1, mappa_category__lte=3),
                                   name="subject_mappa_category_1_3"),
        ]

    def __str__(self) -> str:
        return self.ref


class ModePeriod(models.Model):
    """A period in one management mode. Days not covered by any period are ``active``."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="mode_periods")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="last day in this mode; empty: still in it")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["subject", "start"]
        indexes = [models.Index(fields=["subject", "start"])]

    def __str__(self) -> str:
        return f"{self.mode} {self.start}–{self.end or '…'}"


class NotificationKind(models.TextChoices):
    INITIAL = "initial", "Initial notification"
    PERIODIC = "periodic", "Periodic notification"
    CHANGE = "change", "Notified change (name, address, stay elsewhere)"
    TRAVEL = "travel", "Foreign travel notified"


class NotificationRecord(models.Model):
    """A notification the subject made at a police station (SOA 2003 ss.83–86)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    on = models.DateField()
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["subject", "on"]
        indexes = [models.Index(fields=["subject", "kind", "on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class OrderKind(models.TextChoices):
    SHPO = "shpo", "Sexual Harm Prevention Order"
    SRO = "sro", "Sexual Risk Order"
    LICENCE = "licence", "Licence conditions"
    NOTIFICATION_ORDER = "notification_order", "Notification order"


class Order(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="orders")
    kind = models.CharField(max_length=24, choices=OrderKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True, help_text="the prohibitions or licence conditions, as imposed")

    class Meta:
        ordering = ["subject", "start"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start}"


class Assessment(models.Model):
    """A risk assessment. The level is a human judgement; it takes effect once a supervisor approves it."""

    ref = models.CharField("id", max_length=64, unique=True, null=True, blank=True)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField()
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    assessor = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField()
    factors = models.JSONField(default=dict, blank=True,
                               help_text="ARMS domains: {'risk': {name: rating}, 'protective': {name: rating}}")
    approved_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField(null=True, blank=True, help_text="takes effect from this date")
    approved_at = models.DateTimeField(null=True, blank=True, help_text="when the approval was recorded (none for an "
                                                                        "imported one)")
    approval_note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-date"]
        indexes = [models.Index(fields=["subject", "approved_on"])]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.date} {self.risk_level}"


class ToolScore(models.Model):
    """An actuarial tool's result. ``items`` holds the codings when Vigil's calculator scored it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="tools")
    tool = models.CharField(max_length=32, help_text="static99r, ospc, rm2000, ospi, kirat, …")
    score = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)
    items = models.JSONField(null=True, blank=True)
    calculated = models.BooleanField(default=False, help_text="scored by Vigil from item codings")

    def __str__(self) -> str:
        return f"{self.tool} {self.score} {self.band}"


class AnnouncementApproval(models.Model):
    """A supervisor's prior approval of an announced visit to a high or very high risk subject."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="announcement_approvals")
    planned_for = models.DateField()
    reason = models.TextField()
    requested_by = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True, help_text="empty: awaiting a decision")
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["planned_for"]

    def __str__(self) -> str:
        return f"announce {self.subject_id} {self.planned_for}"


class Visit(models.Model):
    ref = models.CharField("id", max_length=64, unique=True, null=True, blank=True)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    lead_officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    other_officers = models.ManyToManyField("accounts.Officer", blank=True, related_name="+")
    announced = models.BooleanField(default=False)
    announce_reason = models.TextField(blank=True)
    announcement_approval = models.ForeignKey(AnnouncementApproval, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="visits")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    devices_checked = models.BooleanField(null=True, help_text="empty: not recorded")
    concerns = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                       help_text="one visit per submission, however often it is retried")
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-date", "-time"]
        indexes = [models.Index(fields=["subject", "date"]),
                   models.Index(fields=["outcome", "subject", "date"], name="visit_outcome_subject_date")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.date} {self.outcome}"


class VisitPlan(models.Model):
    """A planned visit proposed by the planner (or chosen by an officer): a date and a time window."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="plans")
    officer = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="visit_plans")
    date = models.DateField()
    window_start = models.TimeField()
    window_end = models.TimeField()
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField()
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["date", "window_start"]
        indexes = [models.Index(fields=["officer", "date"])]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.date} {self.window_start}"


class Trigger(models.TextChoices):
    ADDRESS_CHANGE = "address_change", "Change of address"
    TWO_FAILED_VISITS = "two_failed_visits", "Two failed visits"
    NEW_INTELLIGENCE = "new_intelligence", "New intelligence"
    BREACH = "breach", "Breach"
    ARREST = "arrest", "Arrest"
    MISSING_CHILD_LINK = "missing_child_link", "Link to a missing child"


class ReviewTrigger(models.Model):
    """An event that brings the subject's risk review forward (to within 14 days of ``on``)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="triggers")
    trigger = models.CharField(max_length=24, choices=Trigger.choices)
    on = models.DateField()
    reason = models.TextField()
    source = models.CharField(max_length=200, help_text="what recorded it (e.g. 'missing:M1', 'sweep', a user)")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["subject", "on"]
        constraints = [models.UniqueConstraint(fields=["subject", "trigger", "source"], name="one_trigger_per_source")]

    def __str__(self) -> str:
        return f"{self.trigger} {self.on}"


class EscalationKind(models.TextChoices):
    S96B_WARRANT_CONSIDERATION = "S96B_WARRANT_CONSIDERATION", "s.96B warrant consideration"
    WHEREABOUTS_UNKNOWN = "WHEREABOUTS_UNKNOWN", "Whereabouts unknown"
    VISIT_OVERDUE = "VISIT_OVERDUE", "Visit critically overdue"
    CHILD_LINKED_TO_OFFENDER = "CHILD_LINKED_TO_OFFENDER", "Missing child linked to the subject"


class Escalation(models.Model):
    """A matter a named senior officer must decide by a deadline. It ends only in a recorded human decision
    (a resolution), a successful visit, or the subject being recorded in custody, hospital or abroad."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=32, choices=EscalationKind.choices)
    opened_on = models.DateField()
    since = models.DateField(help_text="when the condition began, as the rule reads the record")
    reasons = models.JSONField(default=list)
    source = models.CharField(max_length=200)
    owner = models.ForeignKey("accounts.Officer", null=True, on_delete=models.PROTECT, related_name="escalations")
    deadline = models.DateField(help_text="a decision is due by the end of this day")
    level = models.PositiveSmallIntegerField(default=0, help_text="times escalated up a rank for a missed deadline")
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        constraints = [models.UniqueConstraint(fields=["subject", "kind"], condition=Q(closed_on__isnull=True),
                                               name="one_open_escalation_per_kind")]
        indexes = [models.Index(fields=["owner", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class DecisionOption(models.TextChoices):
    S96B_WARRANT = "s96b_warrant_application", "Apply for a s.96B warrant to enter and search"
    ARREST_NOTIFICATION = "arrest_notification_offence", "Arrest for a notification offence (s.91)"
    WANTED_CIRCULATION = "wanted_circulation", "Wanted or missing circulation"
    FURTHER_ATTEMPTS = "further_attempts_varied_times", "Further attempts at varied times"
    ENQUIRIES_KNOWN_ADDRESSES = "enquiries_known_addresses", "Enquiries at known addresses"
    RISK_REVIEW = "risk_review", "Bring the risk review forward"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding referral for the child"
    OTHER = "other", "Other (explained in the rationale)"


class EscalationDecision(models.Model):
    """The owner's recorded decision: options, rationale and the next review date."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="decisions")
    decided_by = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    options = models.JSONField(default=list)
    rationale = models.TextField()
    next_review = models.DateField(null=True, blank=True)
    applicant = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="for a s.96B application: the Supt or above")
    resolves = models.BooleanField(default=False, help_text="the owner records a resolution: the escalation closes")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["escalation", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"decision {self.decided_on} on {self.escalation_id}"


class EscalationEvent(models.Model):
    """The escalation's history: opened, escalated up, decided, closed."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    on = models.DateField()
    what = models.CharField(max_length=16)
    officer = models.ForeignKey("accounts.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["escalation", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.what} {self.on}"


class InvestigationReview(models.Model):
    """A review of a suspect's investigation (INVESTIGATION_STALE looks for one in the last 90 days)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="investigation_reviews")
    on = models.DateField()
    by = models.ForeignKey("accounts.Officer", on_delete=models.PROTECT, related_name="+")
    note = models.TextField()

    class Meta:
        ordering = ["subject", "on"]

    def __str__(self) -> str:
        return f"review {self.on}"
