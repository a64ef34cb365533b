"""MoPI retention schedule (docs/adr/0020). A force changes it with ``set_policy`` (stored, versioned)."""
from vigil.core.policy import define

MOPI = "College of Policing APP, Management of police information (MoPI), retention review; docs/adr/0020"

define("retention.group1_review_years", 10,
       "MoPI group 1 (certain public protection matters): review every this many years", MOPI)
define("retention.group1_keep_until_age", 100,
       "MoPI group 1: kept until the subject would be this age; disposal is considered only after it", MOPI)
define("retention.group2_review_years", 10,
       "MoPI group 2 (other sexual, violent or serious offences): reviewed this many years after the last event "
       "or review (the clear period), then again as often", MOPI)
define("retention.group3_review_years", 6,
       "MoPI group 3 (all other offences and records): reviewed this many years after the last event or review",
       MOPI)
define("retention.group2_offence_groups",
       ["Sexual offences", "Violence against the person", "Robbery", "Possession of weapons offences"],
       "Home Office offence groups whose crimes put the people in them in MoPI group 2", MOPI)
