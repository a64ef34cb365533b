"""Matrix rows for professional standards: only professional standards reach cases and the overview; nobody
reaches a case about themselves. The case ``PS-M`` is about an investigator of the first borough."""
from __future__ import annotations

import datetime as dt

from tests.security.matrix import Case
from tests.standards.factories import open_case


def cases(org):
    open_case(org.officers["investigator"], "dishonesty", dt.date(2024, 5, 1), ref="PS-M")
    open_case(org.officers["professional_standards"], "other", dt.date(2024, 6, 1), ref="PS-SELF")
    psd = {"professional_standards": 200}
    return [
        Case("standards:index", "/standards/", psd),
        Case("standards:case_new", "/standards/cases/new/", psd),
        Case("standards:case_new", "/standards/cases/new/", {"professional_standards": 400}, method="post",
             data={"officer": "O-NOBODY", "category": "vawg", "opened": "2024-08-01"}, note="no such officer"),
        Case("standards:case", "/standards/cases/PS-M/", psd),
        Case("standards:case", "/standards/cases/PS-SELF/", {"professional_standards": 403},
             note="a case about the viewer"),
        Case("standards:case", "/standards/cases/PS-NONE/", {"professional_standards": 404}),
        Case("standards:case_close", "/standards/cases/PS-M/close/", {"professional_standards": 400},
             method="post", data={"closed": "not a date"}),
        Case("standards:case_reopen", "/standards/cases/PS-M/reopen/", {"professional_standards": 200},
             note="an open case: the page says there is nothing to reopen"),
        Case("standards:case_reopen", "/standards/cases/PS-M/reopen/", {"professional_standards": 400},
             method="post", data={"on": "not a date"}),
    ]
