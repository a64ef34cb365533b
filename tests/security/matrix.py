"""The authorization matrix: every URL and API endpoint × every role, with the expected outcome written down.

Each area contributes ``cases(org)`` in ``tests/security/matrix_<area>.py``: the rows for its own routes, with
whatever records they need created first. ``test_authorization_matrix.py`` runs every row for every role and
checks that every named route in the URL configuration has at least one row.

Outcomes: 200 shown; 302 sent elsewhere (sign-in for anonymous, break-glass for records outside one's work);
401 API without credentials; 403 refused; 404 not found; 405 wrong method.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.factories import ROLE_LOGINS

ROLES = [*ROLE_LOGINS, "restricted", "anonymous"]
AREAS = ["foundation", "offenders", "investigations", "standards", "missing", "assurance", "accounts", "work",
         "governance"]


@dataclass
class Case:
    route: str                      # URL name, e.g. "people:person"
    path: str                       # the concrete path requested
    expect: dict[str, int]          # role -> status; roles not named get ``default``
    default: int = 403
    method: str = "get"
    data: dict = field(default_factory=dict)
    note: str = ""

    def expected(self, role: str) -> int:
        if role in self.expect:
            return self.expect[role]
        if role == "anonymous":
            return 401 if self.path.startswith("/api/") else 302
        return self.default


def everyone(status: int, **overrides: int) -> dict[str, int]:
    """Every signed-in role gets ``status`` unless overridden."""
    out = {r: status for r in ROLES if r != "anonymous"}
    out.update(overrides)
    return out


OPERATIONAL = ["offender_manager", "supervisor", "senior_officer", "investigator", "allocation_manager",
               "missing_persons_coordinator", "exploitation_analyst", "professional_standards",
               "other_team_offender_manager", "restricted"]
