"""Professional-standards defaults (domain-rules §4). A force changes them through ``vigil.core.policy``."""
from vigil.core.policy import define

define("standards.restricting_categories", ["domestic_abuse", "vawg", "sexual_misconduct"],
       "Officer-case categories that restrict the officer automatically while the case is open",
       source="domain-rules §4")
define("standards.restricted_crime_categories",
       ["sexual_offences", "domestic_abuse", "stalking_harassment", "child_victim"],
       "Crime categories (see crimes.categories) a restricted officer may neither be allocated nor open; "
       "the victims of those crimes are closed to them too",
       source="domain-rules §4")
define("standards.deny_public_protection_subjects", True,
       "A restricted officer has no access to public-protection subjects (offender management)",
       source="domain-rules §4")
define("standards.deny_missing_children", True,
       "A restricted officer has no access to missing-child episodes or the children in them "
       "(the safer reading of 'child-victim category'; see docs/adr/0202)",
       source="docs/adr/0202")
