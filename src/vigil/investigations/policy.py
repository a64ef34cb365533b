"""Investigation-allocation defaults (domain-rules §2). Every value can be changed by a force, stored and
versioned through ``vigil.core.policy``; administrators edit the required-level matrix on ``/crimes/policy/``.

Selectors (used by the matrix, the crime categories and vulnerability) have one meaning everywhere: a crime
matches when its offence is among ``codes``/``groups``/``subgroups`` (if any are given) **and** it carries one of
``flags`` (if any are given).
"""
from vigil.core.policy import define
from vigil.crimes.categories import CHILD_VICTIM_BY_DEFINITION  # also defines crimes.categories

SOURCE = "domain-rules §2; College of Policing investigation pathway"

REQUIRED_LEVEL_MATRIX = [
    {"name": "Homicide", "subgroups": ["Homicide"], "pip_level": 3, "specialisms": []},
    {"name": "Sexual offences group", "groups": ["Sexual offences"], "pip_level": 2,
     "specialisms": ["sexual_offences"]},
    {"name": "Child victim of violence, sexual abuse or cruelty",
     "groups": ["Violence against the person", "Sexual offences"], "flags": ["child_victim"], "pip_level": 2,
     "specialisms": ["child_abuse"]},
    {"name": "Offence whose victim is a child by definition", "codes": CHILD_VICTIM_BY_DEFINITION,
     "pip_level": 2, "specialisms": ["child_abuse"]},
    {"name": "Indecent images of children (86) and sexual grooming (88A)", "codes": ["86", "88A"],
     "pip_level": 2, "specialisms": ["online_csa"]},
    {"name": "Domestic abuse assessed high risk", "flags": ["domestic_abuse_high_risk"], "pip_level": 2,
     "specialisms": ["domestic_abuse"]},
    {"name": "Serious and complex indicators",
     "flags": ["weapon", "serious_injury", "multiple_offenders", "substantial_loss", "vulnerable_adult",
               "child_victim"], "pip_level": 2, "specialisms": []},
]

define("allocation.required_level_matrix", REQUIRED_LEVEL_MATRIX,
       "Required-level policy matrix: each rule's selector gives a minimum PIP level and the specialisms needed; "
       "a crime needs the highest level and every specialism of the rules it matches", source=SOURCE)
define("allocation.default_pip_level", 1, "Required PIP level of a crime no rule matches (volume crime)",
       source=SOURCE)
define("allocation.vulnerability_flags", ["child_victim", "vulnerable_adult", "domestic_abuse",
                                          "domestic_abuse_high_risk", "hate"],
       "Flags that make a crime one no probationer may hold", source="domain-rules §2")
define("allocation.vulnerability_categories", ["sexual_offences", "child_victim"],
       "Crime categories that make a crime one no probationer may hold", source="domain-rules §2")
define("allocation.probation_years", 2, "An officer with fewer years' service than this is a probationer",
       source="domain-rules §2")
define("allocation.units_by_level", {"1": 1, "2": 2, "3": 4},
       "Workload units of one open investigation, by the crime's required PIP level", source="domain-rules §2")
define("allocation.capacity_units", {"1": 20, "2": 24, "3": 24},
       "Capacity in workload units by the officer's PIP level (PIP3: docs/adr/0201)", source="domain-rules §2")
define("allocation.max_open_crimes", 25, "No officer holds more open crimes than this, whatever their units",
       source="domain-rules §2")
define("allocation.cost.workload", 10.0, "Cost per 100% of capacity used after the allocation",
       source="docs/adr/0204")
define("allocation.cost.other_team", 1.0, "Cost of an officer in another team of the crime's borough",
       source="docs/adr/0204")
define("allocation.cost.other_borough", 6.0, "Cost of an officer outside the crime's borough",
       source="docs/adr/0204")
define("allocation.cost.continuity", -3.0,
       "Cost (a saving) when the officer already holds an open crime with the same victim or suspect",
       source="docs/adr/0204")
define("allocation.cost.over_qualification", 1.5, "Cost per PIP level above the crime's required level",
       source="docs/adr/0204")
define("allocation.batch.candidates_per_crime", 40,
       "Batch allocation first considers the cheapest eligible officers per crime (all, for crimes left over)",
       source="docs/adr/0205")
define("allocation.unallocated_alert_days", 2,
       "CRIME_UNALLOCATED when an open crime has had no investigator for this many days after it was reported "
       "(immediately when a batch allocation could not place it)", source="docs/adr/0206")
define("allocation.solvability.min_factors", 1,
       "A volume crime with fewer solvability factors than this may be screened out (lower priority); a crime "
       "with a vulnerability flag never is", source="domain-rules §2")
