"""Matrix rows for the foundation's routes."""
from __future__ import annotations

from tests import factories
from tests.security.matrix import OPERATIONAL, Case, everyone


def cases(org):
    mine = factories.person("P-MINE", given="Dana", surname="Mine", team=org.teams["om"])
    factories.person("P-OTHER", given="Olly", surname="Other", team=org.teams["om2"])
    op = {r: 200 for r in OPERATIONAL}
    person_mine = {r: 302 for r in OPERATIONAL}  # outside their work: sent to break-glass
    person_mine.update({"offender_manager": 200, "supervisor": 200, "senior_officer": 200, "restricted": 200})
    person_other = {r: 302 for r in OPERATIONAL}
    person_other["other_team_offender_manager"] = 200
    api_mine = {k: (403 if v == 302 else v) for k, v in person_mine.items()}
    api_other = {k: (403 if v == 302 else v) for k, v in person_other.items()}
    return [
        Case("login", "/login/", {"anonymous": 200}, default=200),
        Case("mfa_verify", "/mfa/verify/", {"anonymous": 302}, default=200),
        Case("mfa_enrol", "/mfa/enrol/", {"anonymous": 302}, default=302, note="enrolled users go to verify"),
        Case("logout", "/logout/", {"anonymous": 302}, default=302, method="post"),
        Case("home", "/", everyone(200)),
        Case("health", "/health/", everyone(200, anonymous=200), note="for a load balancer: no sign-in, no data"),
        Case("people:search", "/people/?q=Mine", op),
        Case("people:person", f"/people/{mine.ref}/", person_mine),
        Case("people:person", "/people/P-OTHER/", person_other, note="another team's record"),
        Case("people:break_glass", "/people/break-glass/?type=person&id=P-OTHER", op),
        Case("pick", "/pick/people/?field=q&q=Mine", {**op, "anonymous": 302}, default=404,
             note="a picker's list: people in the officer's own work, for the roles that search people"),
        Case("pick", "/pick/officers/?field=q&q=Manager", {"professional_standards": 200, "allocation_manager": 200,
                                                          "supervisor": 200, "senior_officer": 200, "auditor": 200,
                                                          "administrator": 200, "anonymous": 302}, default=404,
             note="officers by name, for the roles that choose an officer"),
        Case("audit:index", "/audit/?type=person&id=P-MINE", {"auditor": 200, "professional_standards": 200}),
        Case("audit:verify", "/audit/verify/", {"auditor": 200, "professional_standards": 200}, method="post"),
        Case("audit:break_glass", "/audit/break-glass/", {"professional_standards": 200}),
        Case("audit:export", "/audit/export/", {"auditor": 200, "administrator": 200}),
        Case("api-people-search", "/api/people/?q=Mine", op),
        Case("api-person", f"/api/people/{mine.ref}/", api_mine),
        Case("api-person", "/api/people/P-OTHER/", api_other),
        Case("api-schema", "/api/schema/", everyone(200)),
        Case("admin:index", "/admin/", {"administrator": 200, "anonymous": 302}, default=302,
             note="the admin site sends non-administrators to its own sign-in"),
    ]
