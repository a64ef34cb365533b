"""Severity is decided in one place per area: nothing outside an area's rules (and the catalogue's defaults) writes
a literal severity into a finding or a concern (docs/adr/0016-one-judgement-per-record.md)."""
from __future__ import annotations

import re
from pathlib import Path

import vigil

SRC = Path(vigil.__file__).parent
LITERAL = re.compile(r'(?:Finding|Concern)\(\s*"[A-Z_0-9]+",\s*"(?:critical|high|medium|low)"')
RULES = ("offenders/rules/", "missing/rules.py", "investigations/rules.py", "sweep/catalogue.py")


def test_no_severity_is_decided_outside_an_areas_rules():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(RULES) or "/migrations/" in rel:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if LITERAL.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "severity decided outside the rules:\n" + "\n".join(offenders)


def test_the_check_finds_a_literal_severity():
    assert LITERAL.search('yield Finding("VISIT_OVERDUE", "critical", "subject", ref)')
    assert not LITERAL.search('yield Finding("VISIT_OVERDUE", visit_overdue_severity(ov, level), "subject")')
