"""The offender-management rules of domain-rules §1, as pure functions of (policy, facts, as-of date).

- ``visits``: due dates, paused days, overdue and critical, failed access (s.96B) and whereabouts unknown;
- ``reviews``: assessment due dates and the triggers that bring them forward;
- ``escalations``: owners, deadlines, escalating up and closing;
- ``announced``: the announced share per team and risk level;
- ``notification``: notification periods and the periodic clock;
- ``suspects``: triage, safeguarding and stale investigations.

None of them touches the database or the clock; ``vigil.offenders.sweep`` feeds them set-based facts.
"""
