"""Matrix rows for information governance: only information managers reach the retention review, subject access,
erasure and restriction pages; anyone whose work holds a person records a disclosure of them (an information
manager force-wide). ``GOV-1`` is a person with no case, held by the offender-management team."""
from __future__ import annotations

from tests import factories
from tests.security.matrix import OPERATIONAL, Case
from vigil.governance.models import ErasureRequest


def cases(org):
    person = factories.person("GOV-1", given="Robin", surname="Fictional", team=org.teams["om"])
    req = ErasureRequest.objects.create(person=person, person_ref=person.ref, reason="asked by the data subject",
                                        requested_by="someone-else", requested_at="2024-08-01T09:00:00Z")
    im = {"information_manager": 200}
    disclose = {r: 302 for r in OPERATIONAL}  # outside their work: a break-glass first
    disclose.update({"offender_manager": 200, "supervisor": 200, "senior_officer": 200, "restricted": 200,
                     "information_manager": 200})
    return [
        Case("governance:home", "/governance/", im),
        Case("governance:retention", "/governance/retention/", im),
        Case("governance:retention", "/governance/retention/?group=1&page=99", im, note="filter and a page too far"),
        Case("governance:review", "/governance/retention/GOV-1/", im),
        Case("governance:review", "/governance/retention/NOBODY/", {"information_manager": 404}),
        Case("governance:review", "/governance/retention/GOV-1/", {"information_manager": 400}, method="post",
             data={"decision": "dispose", "rationale": "short"}, note="rationale too short"),
        Case("governance:access_requests", "/governance/access-requests/", im),
        Case("governance:access_requests", "/governance/access-requests/", {"information_manager": 400},
             method="post", data={"person": "NOBODY", "received_on": "2024-08-01"}, note="no such person"),
        Case("governance:access_pack", "/governance/access-requests/999999/pack/", {"information_manager": 404},
             method="post"),
        Case("governance:erasures", "/governance/erasures/", im),
        Case("governance:erasures", "/governance/erasures/", {"information_manager": 400}, method="post",
             data={"person": "GOV-1", "reason": ""}, note="no reason"),
        Case("governance:erasure", f"/governance/erasures/{req.pk}/", im),
        Case("governance:erasure", f"/governance/erasures/{req.pk}/", {"information_manager": 400}, method="post",
             data={"action": "withdraw", "reason": ""}, note="withdrawing needs a reason"),
        Case("governance:restrictions", "/governance/restrictions/", im),
        Case("governance:restrictions", "/governance/restrictions/", {"information_manager": 400}, method="post",
             data={"person": "GOV-1", "action": "lift", "reason": "nothing to lift here"},
             note="not restricted"),
        Case("governance:disclose", "/governance/disclosures/GOV-1/", disclose),
        Case("governance:disclose", "/governance/disclosures/GOV-1/",
             {r: 400 for r in ("offender_manager", "supervisor", "senior_officer", "restricted", "information_manager")}
             | {r: 302 for r in OPERATIONAL if r not in ("offender_manager", "supervisor", "senior_officer",
                                                         "restricted")},
             method="post", data={"recipient_kind": "probation", "recipient": "", "lawful_basis": "x",
                                  "what": ""}, note="nothing filled in"),
    ]
