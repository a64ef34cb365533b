"""Offender-management defaults (domain-rules §1). A force changes them with ``vigil policy``; rules read them
from the ``Policy`` they are given, never from here directly."""
from vigil.core.policy import define

S1 = "domain-rules §1"

# Home visits
for level, days in (("very_high", 30), ("high", 91), ("medium", 182), ("low", 365)):
    define(f"visits.interval_days.{level}", days, f"routine home-visit interval for {level} risk",
           source="pre-2017 national frequencies (" + S1 + ")")
define("visits.first_visit_max_days", 28,
       "with no successful visit yet, the first is due within the smaller of the interval and this", source=S1)
define("visits.unassessed_level", "high",
       "risk level assumed for visit intervals until a first assessment is approved (docs/adr/0100)")
define("visits.critical_multiple", 2, "a visit is critically overdue after this many intervals", source=S1)
define("visits.critical_days_high", 365,
       "for high and very high risk, critically overdue after this many days whatever the interval", source=S1)
define("visits.paused_modes", ["custody", "hospital", "abroad"], "modes in which visits are paused", source=S1)
define("visits.failed_outcomes", ["no_reply", "refused_entry"], "failed home attempts (s.96B)", source=S1)
define("visits.whereabouts_outcomes", ["not_at_address", "address_invalid"],
       "outcomes that mean the subject's whereabouts are unknown", source=S1)
define("visits.announced_share_max.very_high", 0.10, "announced share flagged above (rolling 12 months)", S1)
define("visits.announced_share_max.high", 0.10, "announced share flagged above (rolling 12 months)", S1)
define("visits.announced_share_max.medium", 0.25, "announced share flagged above (rolling 12 months)", S1)
define("visits.announced_share_max.low", 0.50, "announced share flagged above (rolling 12 months)", S1)
define("visits.announced_window_days", 365, "the rolling window of the announced share", S1)
define("visits.announced_approval_levels", ["high", "very_high"],
       "risk levels whose announced visits need a supervisor's prior approval", S1)

# Escalations
define("escalations.s96b_failed_attempts", 2, "failed home attempts that open a s.96B consideration",
       "Sexual Offences Act 2003 s.96B")
define("escalations.deadline_days.high", 7, "decision deadline for high and very high risk subjects", S1)
define("escalations.deadline_days.other", 14, "decision deadline for other subjects", S1)
define("escalations.whereabouts_deadline_days_high", 1, "WHEREABOUTS_UNKNOWN deadline on high/very high", S1)
define("escalations.visit_overdue_deadline_days", 7,
       "a critical VISIT_OVERDUE: days for the supervisor to achieve a visit or record a decision", S1)
define("escalations.child_link_deadline_days", 1,
       "CHILD_LINKED_TO_OFFENDER decision deadline, every risk level (docs/adr/0102)")
define("escalations.owner_rank.S96B_WARRANT_CONSIDERATION", "DI", "lowest rank that owns it (an inspector)", S1)
define("escalations.owner_rank.WHEREABOUTS_UNKNOWN", "DI", "lowest rank that owns it (an inspector)", S1)
define("escalations.owner_rank.VISIT_OVERDUE", "DS", "lowest rank that owns it (the team's supervisor)", S1)
define("escalations.owner_rank.CHILD_LINKED_TO_OFFENDER", "DI", "lowest rank that owns it (docs/adr/0102)")
define("escalations.s96b_applicant_rank", "Supt", "s.96B applications are made by this rank or above", S1)
define("escalations.s96b_application_hours", 48,
       "hours the named applicant has to make a decided s.96B application: their task's due time (docs/adr/0018)")
define("escalations.safeguarding_referral_hours", 24,
       "a safeguarding referral chosen in an escalation decision is due within this many hours", S1)

# Risk assessment
define("assessments.first_due_days", 28, "first assessment due within this many days of management start", S1)
define("assessments.review_months.low", 12, "review interval (months)", S1)
define("assessments.review_months.medium", 12, "review interval (months)", S1)
define("assessments.review_months.high", 6, "review interval (months)", S1)
define("assessments.review_months.very_high", 6, "review interval (months)", S1)
define("assessments.trigger_review_days", 14, "a review trigger brings the review forward to within this", S1)
define("calculators.ospc.female_probability", 1 / 193,
       "OSP/C fixed probability for females (a later MoJ version uses 1/261)", S1)
define("calculators.ospc.band_thresholds_2y", [0.0112, 0.0286, 0.0690],
       "OSP/C 2-year probability at which medium, high and very high begin (docs/adr/0104)")

# Notification (Sexual Offences Act 2003)
define("notification.periodic_months", 12, "periodic notification interval", "SOA 2003 s.85")
define("notification.periodic_days_no_fixed_abode", 7, "weekly when there is no fixed abode", "SOA 2003 s.85")
define("notification.ending_notice_days", 60, "NOTIFICATION_ENDING is raised this many days before the end", S1)

# Suspects
define("suspects.triage_due_days", 14, "risk triage due within this many days of recording", S1)
define("suspects.safeguarding_due_days", 1, "safeguarding referral due within 24 hours (a day)", S1)
define("suspects.stale_investigation_months", 12, "an investigation open longer than this…", S1)
define("suspects.stale_review_days", 90, "…with no review in this many days is stale", S1)

# Visit planner
define("planner.earliest_fraction", 0.5,
       "a planned visit falls no earlier than this fraction of the interval after the last successful visit")
define("planner.overdue_window_days", 7, "an overdue visit is planned within this many days")
define("planner.max_visits_per_day", 6, "most visits planned for one officer on one day")
define("planner.recent_visits", 3, "how many recent visits the planner avoids repeating the pattern of")
