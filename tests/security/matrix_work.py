"""Matrix rows for owned work: every officer has their own queue and notice settings; a supervisor sees the team's
work; a task opens for its team (and a senior officer of its borough), and is refused to everyone else."""
import datetime as dt

from tests.security.matrix import Case, everyone
from vigil.work import services

TEAM = {"supervisor": 200, "senior_officer": 200, "allocation_manager": 200}


def cases(org):
    t = services.hand_over(source="matrix:1", kind="follow_up", title="Follow up", record_type="subject",
                           record_ref="S-MATRIX", reasons=["a reason"], owner=org.officers["offender_manager"],
                           due=dt.datetime(2024, 8, 16, 17, 0, tzinfo=dt.UTC), by=org.officers["supervisor"])
    return [
        Case("work:queue", "/work/", everyone(200)),
        Case("work:notices", "/work/notices/", everyone(200)),
        Case("work:send_notices", "/work/notices/send/", {"administrator": 405},
             note="GET: the job starts only from the page's form (POST)"),
        Case("work:team", "/work/team/", TEAM),
        # the task's team (Central West MOSOVO): its offender managers, its DS, its DI; the restricted officer is
        # a member of that team and sees the team's tasks
        Case("work:task", f"/work/tasks/{t.pk}/", {"offender_manager": 200, "supervisor": 200,
                                                    "senior_officer": 200, "restricted": 200}),
    ]
