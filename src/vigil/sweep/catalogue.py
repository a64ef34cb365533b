"""The one catalogue of alert codes: each code's plain-English label, its area, its default severity and what it
means. Rule sets, pages, the assurance indicators and the interchange's alert JSON all take codes from here.

A rule may raise a code above its default severity (``VISIT_OVERDUE`` is critical when its critical rule holds);
the judgement of each area (``offenders/rules/judgement.py``, ``investigations/rules.py``, ``missing/rules.py``)
says when, and nothing else decides a severity.
"""
from __future__ import annotations

from dataclasses import dataclass

OFFENDERS, INVESTIGATIONS, MISSING = "offenders", "investigations", "missing"


@dataclass(frozen=True)
class AlertCode:
    code: str
    label: str
    area: str
    severity: str          # the default; the area's judgement may raise it, and says why
    meaning: str


_CODES = [
    # Offender management (domain-rules §1)
    AlertCode("VISIT_OVERDUE", "Home visit overdue", OFFENDERS, "medium",
              "No successful home visit within the interval for the subject's risk level (high for high and very "
              "high risk; critical at twice the interval, or a year for high risk)."),
    AlertCode("S96B_WARRANT_CONSIDERATION", "Consider a s.96B entry warrant", OFFENDERS, "critical",
              "Two failed visits in a row: consider a warrant to enter and search (Sexual Offences Act 2003 s.96B)."),
    AlertCode("WHEREABOUTS_UNKNOWN", "Whereabouts unknown", OFFENDERS, "high",
              "Not at the address, the address invalid, or a notification breach (critical for high and very high "
              "risk)."),
    AlertCode("ESCALATION_DECISION_OVERDUE", "Escalation decision overdue", OFFENDERS, "critical",
              "An escalation passed its deadline without a recorded decision and went up a rank."),
    AlertCode("ANNOUNCED_VISITS_HIGH", "Too many announced visits", OFFENDERS, "medium",
              "A team's announced visits at a risk level exceed the policy's share (high when the level is high "
              "or very high)."),
    AlertCode("RISK_REVIEW_OVERDUE", "Risk review overdue", OFFENDERS, "medium",
              "The risk assessment is past its review date, or a trigger brought it forward (high for high and "
              "very high risk)."),
    AlertCode("NOTIFICATION_OVERDUE", "Notification overdue", OFFENDERS, "high",
              "The subject has not made a notification the law requires (Sexual Offences Act 2003 ss.83–85)."),
    AlertCode("NOTIFICATION_ENDING", "Notification period ending", OFFENDERS, "low",
              "The notification period ends within 60 days: plan the end of management."),
    AlertCode("SUSPECT_RISK_NOT_ASSESSED", "Suspect's risk not assessed", OFFENDERS, "high",
              "An online suspect has had no risk triage within the policy's days."),
    AlertCode("SAFEGUARDING_NOT_DONE", "Safeguarding referral not made", OFFENDERS, "critical",
              "Children live with a suspect and no safeguarding referral is recorded in time."),
    AlertCode("INVESTIGATION_STALE", "Investigation not reviewed", OFFENDERS, "medium",
              "A suspect's investigation open more than 12 months has had no review in the last 90 days."),
    # Crime allocation (domain-rules §2, §4)
    AlertCode("CRIME_BELOW_REQUIRED_LEVEL", "Investigator below the required level", INVESTIGATIONS, "high",
              "The allocated officer lacks the PIP level, specialism or experience the crime requires, and no "
              "supervisor override is recorded (critical when the victim is vulnerable)."),
    AlertCode("RESTRICTED_OFFICER_ALLOCATED", "Restricted officer allocated", INVESTIGATIONS, "critical",
              "A crime is allocated to an officer whose professional-standards restriction covers it."),
    AlertCode("OFFICER_OVERLOADED", "Investigator overloaded", INVESTIGATIONS, "medium",
              "An officer's workload is over their capacity (high when over the most open crimes allowed)."),
    AlertCode("CRIME_UNALLOCATED", "Crime waiting for an investigator", INVESTIGATIONS, "medium",
              "A crime has had no investigator for longer than the policy allows (high when the victim is "
              "vulnerable or the crime needs PIP level 2)."),
    # Missing children (domain-rules §3)
    AlertCode("MISSING_NOT_SCREENED", "Missing child not screened", MISSING, "high",
              "A missing report or return was not screened for exploitation within 24 hours."),
    AlertCode("RETURN_INTERVIEW_OVERDUE", "Return interview overdue", MISSING, "high",
              "No independent return home interview offered within 72 hours of the child's return."),
    AlertCode("REPEAT_MISSING_NO_STRATEGY", "Repeat missing, no strategy meeting", MISSING, "high",
              "A child missing 3 or more times in 30 days with no strategy meeting within 5 working days."),
    AlertCode("CHILD_LINKED_TO_OFFENDER", "Missing child linked to an offender", MISSING, "critical",
              "A missing child was found at a subject's notified or associated address, or with a person resolved "
              "to a subject."),
    AlertCode("EXPLOITATION_LOCATION", "Possible exploitation location", MISSING, "high",
              "An address linked to episodes of two or more different children within 12 months."),
    AlertCode("CO_MISSING_GROUP", "Children missing together", MISSING, "high",
              "Children missing at overlapping times and found together."),
]

CATALOGUE: dict[str, AlertCode] = {c.code: c for c in _CODES}


def codes(area: str) -> tuple[str, ...]:
    """The codes an area's rule set owns (the sweep closes only those)."""
    return tuple(c.code for c in _CODES if c.area == area)


def label(code: str) -> str:
    """The plain-English label of a code; an unknown code is shown as it is rather than hidden."""
    entry = CATALOGUE.get(code)
    return entry.label if entry else code


def default_severity(code: str) -> str:
    return CATALOGUE[code].severity
