"""Matrix rows for the missing-children routes: every route × every role, with the expected outcome.

The episode is held by the first borough's missing persons unit. Its coordinator holds it; the borough's
exploitation analyst and senior officers see their borough's episodes; supervisors of other teams (the MOSOVO DS,
and the CID DS who is also the allocation manager) have the role but not the record, so are sent to break-glass
(302) or told it is not in their work (404 for a scored pair, 403 through the API). The restricted officer (open domestic-abuse case) is refused missing-child
records outright, even the link on a subject they manage.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests import factories
from tests.security.matrix import Case
from vigil.missing.models import MissingEpisode, OffenderLink, Screening
from vigil.people.linkage.models import RecordMatch

SEE = ("missing_persons_coordinator", "exploitation_analyst", "senior_officer")       # hold or see the episode
RECORD = ("missing_persons_coordinator", "senior_officer")                             # may record on it
SCREEN = ("missing_persons_coordinator", "exploitation_analyst", "senior_officer")     # may screen it


OTHER_SUPERVISORS = {"supervisor": 200, "allocation_manager": 200}


def cases(org):
    child = factories.person("P-MCHILD", given="Kayla", surname="Brook", team=org.teams["mp"], sex="female",
                             dob=dt.date(2009, 5, 1))
    other = factories.person("P-MCHILD2", given="Kaila", surname="Brooke", team=org.teams["mp"], sex="female",
                             dob=dt.date(2009, 5, 1))
    now = timezone.now()
    ep = MissingEpisode.objects.create(ref="M-MAT", child=child, team=org.teams["mp"],
                                       reported_at=now - dt.timedelta(days=2))
    screening = Screening.objects.create(episode=ep, stage="report", at=now - dt.timedelta(days=2, hours=-1),
                                         indicators=["older_associates"])
    pair = RecordMatch.objects.create(left=child, right=other, probability=0.9, status="queued", scored_at=now)
    om = org.officers["offender_manager"]
    link = OffenderLink.objects.create(episode=ep, subject_ref="S-MAT", subject_person=other,
                                       subject_team=org.teams["om"], manager_ref=om.ref, via="found_at",
                                       detail="XW31AB|41|3", evidence="test link", first_seen_on=now.date())

    def page(record_roles, supervisor=302):
        """Roles with the permission and the record: 200; the supervisor (permission, no record): break-glass."""
        out = {r: 200 for r in record_roles}
        out["supervisor"] = out["allocation_manager"] = supervisor
        return out

    view = page(SEE)
    key = "XW31AB|41|3"
    return [
        Case("missing:board", "/missing/", {**{r: 200 for r in SEE}, **OTHER_SUPERVISORS}),
        Case("missing:report", "/missing/report/", {**{r: 200 for r in RECORD}, **OTHER_SUPERVISORS}),
        Case("missing:episode", "/missing/episodes/M-MAT/", view),
        Case("missing:episode", "/missing/episodes/M-NONE/", {r: 404 for r in (*SEE, *OTHER_SUPERVISORS)},
             note="no such episode"),
        Case("missing:grade", "/missing/episodes/M-MAT/grade/", page(RECORD)),
        Case("missing:screen", "/missing/episodes/M-MAT/screen/", page(SCREEN)),
        Case("missing:return", "/missing/episodes/M-MAT/return/", page(RECORD)),
        Case("missing:interview", "/missing/episodes/M-MAT/interview/", page(RECORD)),
        Case("missing:referral", f"/missing/screenings/{screening.pk}/referral/", page(SCREEN)),
        Case("missing:child", "/missing/children/P-MCHILD/", view),
        Case("missing:meeting", "/missing/children/P-MCHILD/meeting/", page(RECORD)),
        Case("missing:profile", "/missing/children/P-MCHILD/profile/", page(RECORD)),
        Case("missing:address", f"/missing/address/?key={key}", {**{r: 200 for r in SEE}, **OTHER_SUPERVISORS}),
        Case("missing:matches", "/missing/matches/", {**{r: 200 for r in SEE}, **OTHER_SUPERVISORS}),
        Case("missing:run_linkage", "/missing/matches/run/", {"exploitation_analyst": 302, "anonymous": 302},
             default=403, method="post", note="starts a linkage run in the background, for the analyst only"),
        Case("missing:match", f"/missing/matches/{pair.pk}/", page(SEE, supervisor=404)),
        Case("missing:offender_link", f"/missing/links/{link.pk}/",
             {"offender_manager": 200, "supervisor": 200, "senior_officer": 200, "other_team_offender_manager": 404,
              "allocation_manager": 404, "restricted": 403}, note="the subject's manager, their supervisor and the borough's inspector"),
        Case("api-missing-episodes", "/api/missing/episodes/", {**{r: 200 for r in SEE}, **OTHER_SUPERVISORS}),
        Case("api-missing-episode", "/api/missing/episodes/M-MAT/", {r: 200 for r in SEE}),
    ]
