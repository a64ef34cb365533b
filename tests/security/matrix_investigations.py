"""Matrix rows for investigation allocation: every page and API endpoint × every role.

The records, in the first borough: a volume crime (``CR-M-VOL``) and a rape (``CR-M-SEX``) held by its CID; a
domestic-abuse assault (``CR-M-DA``) and a shoplifting (``CR-M-OMV``) held by its MOSOVO team (the team of the
restricted officer, who also has the investigator role); a closed crime (``CR-M-SHUT``); a previewed batch
allocation and an applied one, both proposed by the allocation manager.

Who sees a crime: investigators and supervisors their team's, senior officers their borough's, allocation
managers the force's. Outside one's work a page sends to break-glass (302) and the API refuses (403). The
restricted officer is refused (403) every crime in a restricted category and never sent to break-glass for it.
Writes are sent with data the form refuses (400), so the matrix checks who may try without changing anything.
"""
from __future__ import annotations

import datetime as dt
import uuid

from tests import factories
from tests.investigations import factories as inv
from tests.security.matrix import Case
from vigil.core import clock, jobs
from vigil.investigations.jobs import plan_batch
from vigil.investigations.models import BatchRun

CRIME_READERS = ("supervisor", "senior_officer", "investigator", "allocation_manager", "restricted")
ALLOCATORS = ("supervisor", "senior_officer", "allocation_manager")


def only(status: int, roles, **extra: int) -> dict[str, int]:
    out = {r: status for r in roles}
    out.update(extra)
    return out


def cases(org):
    cid, om = org.teams["cid"], org.teams["om"]
    inv.crime(cid, "46", ref="CR-M-VOL", reported=dt.date(2024, 8, 1))
    inv.crime(cid, "19C", ref="CR-M-SEX", reported=dt.date(2024, 8, 1))
    inv.crime(om, "8N", ref="CR-M-DA", reported=dt.date(2024, 8, 1), flags=["domestic_abuse"])
    inv.crime(om, "46", ref="CR-M-OMV", reported=dt.date(2024, 8, 1))
    inv.crime(cid, "46", ref="CR-M-SHUT", reported=dt.date(2024, 7, 1), closed_on=dt.date(2024, 7, 20))
    factories.officer(cid, roles=["investigator"], rank="DC", pip=2, ref="O-M-INV2")
    alloc_user = org.user("allocation_manager")
    preview = BatchRun.objects.create(created_by=alloc_user, created_at=clock.now(), as_of=dt.date(2024, 8, 15),
                                      scope="force", scope_label="The force", summary={"crimes": 0})
    applied = BatchRun.objects.create(created_by=alloc_user, created_at=clock.now(), as_of=dt.date(2024, 8, 15),
                                      scope="force", scope_label="The force", summary={"crimes": 0},
                                      applied_at=clock.now(), applied_by=alloc_user, outcome={"allocated": 0})
    job = jobs.start(plan_batch, actor=alloc_user, as_of="2024-08-15", team_id=None, borough_id=None,
                     scope_label="The force")

    # A crime of the first borough's CID: its investigator, the borough's inspector and the allocation manager
    # see it; the MOSOVO sergeant and the restricted officer (another team) are sent to break-glass.
    cid_crime = only(200, ("investigator", "senior_officer", "allocation_manager"), supervisor=302, restricted=302)
    cid_crime_api = {k: (403 if v == 302 else v) for k, v in cid_crime.items()}
    sex_crime = dict(cid_crime, restricted=403)  # a restricted category: refused, never break-glass
    da_crime = only(200, ("supervisor", "senior_officer", "allocation_manager"), investigator=302, restricted=403)
    om_volume = only(200, ("supervisor", "senior_officer", "allocation_manager", "restricted"), investigator=302)
    cid_write = only(400, ("senior_officer", "allocation_manager"), supervisor=302)
    return [
        Case("investigations:queue", "/crimes/", only(200, CRIME_READERS)),
        Case("investigations:queue", "/crimes/?scope=force", only(200, CRIME_READERS)),
        Case("investigations:crime", "/crimes/CR-M-VOL/", cid_crime),
        Case("investigations:crime", "/crimes/CR-M-SEX/", sex_crime, note="a sexual offence"),
        Case("investigations:crime", "/crimes/CR-M-DA/", da_crime, note="domestic abuse in the restricted's team"),
        Case("investigations:crime", "/crimes/CR-M-OMV/", om_volume, note="volume crime in the restricted's team"),
        Case("investigations:crime", "/crimes/CR-NONE/", only(404, CRIME_READERS)),
        Case("investigations:recommendation", "/crimes/CR-M-VOL/recommendation/",
             only(200, ("senior_officer", "allocation_manager"), supervisor=302)),
        Case("investigations:recommendation", "/crimes/CR-M-DA/recommendation/",
             only(200, ("supervisor", "senior_officer", "allocation_manager"))),
        Case("investigations:allocate", "/crimes/CR-M-VOL/allocate/", cid_write, method="post",
             data={"officer": ""}, note="no officer chosen: the form refuses"),
        Case("investigations:allocate", "/crimes/CR-M-SEX/allocate/", dict(cid_write), method="post",
             data={"officer": ""}),
        Case("investigations:assess", "/crimes/CR-M-VOL/assess/",
             only(400, ("investigator", "senior_officer", "allocation_manager"), supervisor=302, restricted=302),
             method="post", data={"threat": "nonsense"}),
        Case("investigations:assess", "/crimes/CR-M-DA/assess/",
             only(400, ("supervisor", "senior_officer", "allocation_manager"), investigator=302, restricted=403),
             method="post", data={}),
        Case("investigations:close", "/crimes/CR-M-SHUT/close/",
             only(400, ("investigator", "senior_officer", "allocation_manager"), supervisor=302, restricted=302),
             method="post", note="already closed: refused with a message"),
        Case("investigations:reopen", "/crimes/CR-M-SHUT/reopen/",
             only(200, ("investigator", "senior_officer", "allocation_manager"), supervisor=302, restricted=302),
             note="the page that asks why a closed investigation reopens"),
        Case("investigations:batch", "/crimes/batch/", only(302, ("allocation_manager",)), method="post",
             data={"scope": "nonsense"}, note="an unknown scope goes back to the queue"),
        Case("investigations:batch_preview", f"/crimes/batch/{preview.pk}/", only(200, ("allocation_manager",))),
        Case("job", f"/jobs/{job}/", only(200, ("allocation_manager",)), default=404,
             note="a background job (a batch allocation's plan) is seen only by the user who started it"),
        Case("job", f"/jobs/{uuid.uuid4()}/", {}, default=404, note="no such job"),
        Case("investigations:batch_apply", f"/crimes/batch/{applied.pk}/apply/", only(302, ("allocation_manager",)),
             method="post", note="already applied: back to the preview with a message"),
        Case("investigations:workload", "/crimes/workload/", only(200, ALLOCATORS)),
        Case("investigations:below_level", "/crimes/below-level/", only(200, ALLOCATORS)),
        Case("investigations:policy", "/crimes/policy/", only(200, ("administrator",))),
        Case("investigations:policy", "/crimes/policy/", only(400, ("administrator",)), method="post",
             data={"matrix": "[]", "reason": "testing"}, note="an empty matrix is refused"),
        Case("api-crimes", "/api/crimes/", only(200, CRIME_READERS)),
        Case("api-crime", "/api/crimes/CR-M-VOL/", cid_crime_api),
        Case("api-crime", "/api/crimes/CR-M-SEX/", {k: (403 if v == 302 else v) for k, v in sex_crime.items()}),
        Case("api-crime-recommendation", "/api/crimes/CR-M-VOL/recommendation/",
             only(200, ("senior_officer", "allocation_manager"))),
        Case("api-crime-recommendation", "/api/crimes/CR-M-SEX/recommendation/",
             only(200, ("senior_officer", "allocation_manager"))),
        Case("api-crime-allocate", "/api/crimes/CR-M-VOL/allocate/",
             only(400, ("senior_officer", "allocation_manager")), method="post", data={"officer": ""}),
    ]
