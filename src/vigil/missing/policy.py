"""Defaults of domain-rules §3 (missing children and exploitation). A force changes them with ``set_policy``."""
from vigil.core.policy import define

SOURCE = "domain-rules §3"

define("missing.grade_labels", {"high": "High", "medium": "Medium", "low": "Low", "very_low": "Very low"},
       "How the force names each risk grade on pages (the stored grades are always high/medium/low/very_low)",
       SOURCE)
define("missing.regrade_hours", {"high": 1, "medium": 6, "low": 24, "very_low": 72},
       "Hours after a grading by which an open episode must be graded again, by grade", SOURCE)
define("missing.screening_hours", 24,
       "Hours after the report, and after the return, within which the exploitation screening is done", SOURCE)
define("missing.referral_hours", 24,
       "Hours after a screening with any indicator present within which a referral to the exploitation team or "
       "multi-agency safeguarding hub is made", SOURCE)
define("missing.prevention_interview_hours", 24,
       "Hours after the return within which the police prevention (safe and well) interview is done", SOURCE)
define("missing.return_interview_hours", 72,
       "Hours after the return within which an independent return home interview is offered", "statutory guidance")
define("missing.repeat_threshold", 3, "Episodes within the repeat window that make a child repeat missing", SOURCE)
define("missing.repeat_window_days", 30, "The repeat-missing window, in days", SOURCE)
define("missing.strategy_working_days", 5,
       "Working days after the episode that makes a child repeat missing within which a strategy meeting is held",
       SOURCE)
define("missing.bank_holidays", [
    "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
    "2023-12-25", "2023-12-26",
    "2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25",
    "2024-12-26",
    "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
    "2025-12-26",
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25",
    "2026-12-28",
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27",
    "2027-12-28",
], "Bank holidays (England and Wales) that are not working days for the strategy-meeting deadline",
    "gov.uk bank holidays")
define("missing.location_min_children", 2,
       "Different children whose episodes are linked to one address within the location window that make it an "
       "exploitation location", SOURCE)
define("missing.location_window_days", 365, "The exploitation-location window, in days (12 months)", SOURCE)
define("missing.found_together_hours", 12,
       "Children found at the same address with returns this many hours apart or less were found together",
       "ADR 0305")
define("missing.co_missing_window_days", 90,
       "A co-missing group stays an open alert while its latest return is within this many days", "ADR 0305")
