"""The offender-management rules of domain-rules §1, as pure functions of (policy, facts, as-of date).

- ``visits``: due dates, paused days, overdue and critical, failed access (s.96B) and whereabouts unknown;
- ``reviews``: assessment due dates and the triggers that bring them forward;
- ``escalations``: owners, deadlines, escalating up and closing;
- ``announced``: the announced share per team and risk level;
- ``notification``: notification periods and the periodic clock;
- ``suspects``: triage, safeguarding and stale investigations;
- ``judgement``: the one judgement of a subject, built from all of the above: every concern with its severity,
  its owner rule and its reasons (the sweep, the subject page, the API and the planner all call it).

None of them touches the database or the clock; ``vigil.offenders.facts`` loads the facts, set-based.
"""
