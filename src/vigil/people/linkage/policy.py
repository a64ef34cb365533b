"""Linkage thresholds and parameters. A force changes them with ``set_policy`` (stored, versioned)."""
from vigil.core.policy import define

define("linkage.auto_link_probability", 0.99,
       "Pairs of records scored at or above this match probability are linked automatically", "ADR 0303")
define("linkage.review_probability", 0.50,
       "Pairs scored at or above this (and below the auto-link threshold) go to the human review queue",
       "ADR 0303")
define("linkage.min_records_for_training", 3000,
       "With fewer records than this, EM training is not attempted and the documented prior parameters are used",
       "ADR 0303")
define("linkage.expected_duplicate_share", 0.05,
       "Prior share of records that duplicate another record; sets the prior probability that two random records "
       "match (2 × share ÷ (records − 1))", "ADR 0303")
define("linkage.prior_match_probability_cap", 0.0001,
       "The prior that two random records match is never taken above this, so a force with few records does not "
       "link on thin evidence (names alike and a shared birthday)", "ADR 0303")
define("linkage.review_days", 7,
       "days a team has to review a pair of records awaiting review: the due date of its review task (docs/adr/0018)")
