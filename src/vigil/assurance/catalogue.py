"""The indicators of domain-rules §5, in the order an inspector reads them. Alert-based ones are declared here;
areas add indicators computed from their own records (caseload, longest time unvisited, unannounced share,
officers restricted) in their own ``assurance.py``."""
from vigil.assurance.indicators import alert_indicator

OFFENDERS, ALLOCATION, MISSING, STANDARDS = ("Offender management", "Investigation allocation",
                                              "Missing children", "Professional standards")
GOVERNANCE = "Information governance"

alert_indicator("visits_overdue", "Subjects overdue a home visit", OFFENDERS, ["VISIT_OVERDUE"], order=10)
alert_indicator("visits_overdue_critical", "…of which critical (no successful visit for twice the interval, or a "
                "year for high risk)", OFFENDERS, ["VISIT_OVERDUE"], severity="critical", order=11)
alert_indicator("failed_access", "Failed-access escalations open (s.96B, whereabouts unknown)", OFFENDERS,
                ["S96B_WARRANT_CONSIDERATION", "WHEREABOUTS_UNKNOWN"], order=12)
alert_indicator("escalations_past_deadline", "Escalations past their decision deadline", OFFENDERS,
                ["ESCALATION_DECISION_OVERDUE"], order=13)
alert_indicator("assessments_overdue", "Risk assessments overdue", OFFENDERS, ["RISK_REVIEW_OVERDUE"], order=14)
alert_indicator("announced_share_high", "Teams above the announced-visit threshold", OFFENDERS,
                ["ANNOUNCED_VISITS_HIGH"], order=15)
alert_indicator("notification_overdue", "Notifications overdue", OFFENDERS, ["NOTIFICATION_OVERDUE"], order=16)
alert_indicator("suspects_not_assessed", "Suspects: risk triage or safeguarding referral not done", OFFENDERS,
                ["SUSPECT_RISK_NOT_ASSESSED", "SAFEGUARDING_NOT_DONE"], order=17)
alert_indicator("below_required_level", "Crimes allocated below the required level without an approved override",
                ALLOCATION, ["CRIME_BELOW_REQUIRED_LEVEL"], order=30)
alert_indicator("restricted_allocated", "Crimes allocated to a restricted officer", ALLOCATION,
                ["RESTRICTED_OFFICER_ALLOCATED"], order=31)
alert_indicator("officers_overloaded", "Officers over capacity", ALLOCATION, ["OFFICER_OVERLOADED"], order=32)
alert_indicator("crimes_unallocated", "Crimes no eligible officer could take", ALLOCATION, ["CRIME_UNALLOCATED"],
                order=33)
alert_indicator("missing_not_screened", "Child episodes not screened for exploitation", MISSING,
                ["MISSING_NOT_SCREENED"], order=50)
alert_indicator("return_interviews_overdue", "Return home interviews overdue", MISSING, ["RETURN_INTERVIEW_OVERDUE"],
                order=51)
alert_indicator("repeat_no_strategy", "Repeat-missing children without a strategy meeting", MISSING,
                ["REPEAT_MISSING_NO_STRATEGY"], order=52)
alert_indicator("children_linked", "Missing children linked to offenders", MISSING, ["CHILD_LINKED_TO_OFFENDER"],
                order=53)
alert_indicator("exploitation_locations", "Addresses linked to several missing children", MISSING,
                ["EXPLOITATION_LOCATION", "CO_MISSING_GROUP"], order=54)
