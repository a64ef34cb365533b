"""Pages: each renders for the roles that use it, writes through services, shows bad input next to the field,
logs what it shows, and list pages keep to a fixed number of queries."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.offenders.factories import assess, seed_case, subject, visit
from vigil.core import clock
from vigil.core.models import AccessLogEntry
from vigil.offenders.models import Assessment, Escalation, EscalationDecision, Visit, VisitPlan
from vigil.sweep.engine import run_sweep

D = dt.date
TODAY = D(2024, 8, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


@pytest.fixture
def seed(org):
    return seed_case(org)


def as_of(url):
    return url + ("&" if "?" in url else "?") + f"as_of={TODAY.isoformat()}"


@pytest.mark.django_db
def test_the_subject_page_shows_the_timeline_and_logs_the_consultation(org, seed, login, django_assert_max_num_queries):
    run_sweep(TODAY)
    client = login(org.user("offender_manager"))
    with django_assert_max_num_queries(56):  # with the access-log entries for the subject and its person record,
        # and the count of open work items beside "Work queue" (one query)
        r = client.get(as_of("/offenders/subjects/S1/"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="timeline-data"' in html and "vendor/chart.min.js" in html and "<script>" not in html
    assert "S96B_WARRANT_CONSIDERATION" in html and "2 failed home attempts" in html
    assert AccessLogEntry.objects.filter(record_type="subject", record_id="S1", detail="subject record opened",
                                         actor="offender_manager").count() == 1


@pytest.mark.django_db
def test_the_subject_page_query_count_does_not_grow_with_visits(org, seed, login, django_assert_max_num_queries):
    for i in range(60):
        visit(seed, D(2020, 1, 1) + dt.timedelta(days=7 * i), "no_reply")
    client = login(org.user("offender_manager"))
    with django_assert_max_num_queries(56):  # with the access-log entries for the subject and its person record,
        # and the count of open work items beside "Work queue" (one query)
        assert client.get(as_of("/offenders/subjects/S1/")).status_code == 200


@pytest.mark.django_db
def test_another_teams_subject_needs_break_glass(org, seed, login):
    client = login(org.user("other_team_offender_manager"))
    r = client.get("/offenders/subjects/S1/")
    assert r.status_code == 302 and "break-glass" in r["Location"] and "type=subject" in r["Location"]
    r = client.post(r["Location"], {"reason_code": "covering_colleague",
                                     "reason_text": "covering DC Test's caseload this week"})
    assert r["Location"] == "/offenders/subjects/S1/"
    assert client.get("/offenders/subjects/S1/").status_code == 200
    entry = AccessLogEntry.objects.filter(record_id="S1", detail="subject record opened").last()
    assert entry.justification.startswith("break-glass #")


@pytest.mark.django_db
def test_record_an_unannounced_visit_once_even_when_resubmitted(org, seed, login):
    client = login(org.user("offender_manager"))
    form = client.get("/offenders/subjects/S1/visits/new/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form).group(1)
    data = {"date": "2024-08-14", "time": "19:40", "outcome": "seen_at_home", "devices_checked": "yes",
            "concerns": "", "notes": "spoke at the door then inside", "idempotency_key": key}
    r1 = client.post("/offenders/subjects/S1/visits/new/", data)
    r2 = client.post("/offenders/subjects/S1/visits/new/", data)
    assert r1.status_code == 302 and r2.status_code == 302
    assert Visit.objects.filter(subject=seed, date=D(2024, 8, 14)).count() == 1
    v = Visit.objects.get(subject=seed, date=D(2024, 8, 14))
    assert v.announced is False and v.devices_checked is True and v.lead_officer == org.officers["offender_manager"]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field", "message"), [
    ({"date": "2011-01-01"}, "date", "before the subject was managed"),
    ({"date": "2024-08-16"}, "date", "is in the future"),
    ({"announced": "on", "announce_reason": ""}, "announce_reason", "needs a reason"),
    ({"announced": "on", "announce_reason": "interpreter booked"}, "announce_reason", "approval recorded in advance"),
    ({"outcome": "gone"}, "outcome", "Select a valid choice"),
])
def test_bad_visits_are_refused_next_to_the_field_and_nothing_is_written(org, seed, login, change, field, message):
    client = login(org.user("offender_manager"))
    before = Visit.objects.count()
    data = {"date": "2024-08-14", "time": "19:40", "outcome": "seen_at_home", "idempotency_key": "k1", **change}
    r = client.post("/offenders/subjects/S1/visits/new/", data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert field in r.context["form"].errors
    assert Visit.objects.count() == before


@pytest.mark.django_db
def test_an_approved_announced_visit_is_accepted(org, seed, login):
    om_client = login(org.user("offender_manager"))
    om_client.post("/offenders/subjects/S1/announcements/new/", {"planned_for": "2024-08-14",
                                                                 "reason": "interpreter needed for this visit"})
    from vigil.offenders.models import AnnouncementApproval

    a = AnnouncementApproval.objects.get()
    ds_client = login(org.user("supervisor"))
    clock.set_clock(lambda: dt.datetime(2024, 8, 13, 16, 0, tzinfo=dt.UTC))
    try:
        assert ds_client.post(f"/offenders/announcements/{a.pk}/", {"decision": "approve"}).status_code == 302
    finally:
        clock.set_clock(None)
    om_client = login(org.user("offender_manager"))
    r = om_client.post("/offenders/subjects/S1/visits/new/", {
        "date": "2024-08-14", "time": "10:00", "outcome": "seen_at_home", "announced": "on",
        "announce_reason": "interpreter needed", "idempotency_key": "k2"})
    assert r.status_code == 302
    assert Visit.objects.get(idempotency_key="k2").announcement_approval == a


@pytest.mark.django_db
def test_record_an_assessment_scored_by_the_calculator_then_approve_it(org, seed, login):
    client = login(org.user("offender_manager"))
    r = client.post("/offenders/subjects/S1/assessments/new/", {
        "date": "2024-08-14", "risk_level": "very_high", "rationale": "new intelligence of contact with children",
        "s99_score": "on", "s99_age_at_release": "28", "s99_never_lived_with_partner_2_years": "on",
        "s99_prior_sex_offence_charges": "0", "s99_prior_sex_offence_convictions": "2",
        "s99_prior_sentencing_dates": "0", "s99_stranger_victim": "on", "s99_male_victim": "on",
        "f_risk_access_to_children": "present", "f_protective_employment": "absent"})
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Assessment.objects.get(date=D(2024, 8, 14))
    tool = a.tools.get()
    assert (tool.tool, tool.score, tool.band, tool.calculated) == ("static99r", 7, "IVb", True)
    assert a.factors == {"risk": {"access_to_children": "present"}, "protective": {"employment": "absent"}}
    assert a.approved_on is None
    assert client.get(f"/offenders/assessments/{a.pk}/approve/").status_code == 403   # OM cannot approve
    ds = login(org.user("supervisor"))
    assert ds.post(f"/offenders/assessments/{a.pk}/approve/", {"on": "2024-08-15"}).status_code == 302
    a.refresh_from_db()
    assert a.approved_by == org.officers["supervisor"] and a.approved_on == TODAY


@pytest.mark.django_db
def test_an_assessor_cannot_approve_their_own_assessment(org, seed, login):
    ds = org.officers["supervisor"]
    a = Assessment.objects.create(subject=seed, date=D(2024, 8, 1), risk_level="high", assessor=ds,
                                  rationale="x" * 30, recorded_at=clock.now())
    r = login(ds.user).post(f"/offenders/assessments/{a.pk}/approve/", {"on": "2024-08-15"})
    assert r.status_code == 200 and "nobody approves their own assessment" in r.content.decode()


@pytest.mark.django_db
def test_decide_an_s96b_escalation(org, seed, login):
    run_sweep(TODAY)
    e = Escalation.objects.get(kind="S96B_WARRANT_CONSIDERATION")
    di = login(org.user("senior_officer"))
    r = di.post(f"/offenders/escalations/{e.pk}/", {
        "options": ["s96b_warrant_application"], "rationale": "two failed attempts and no contact since 2019",
        "decided_on": "2024-08-15", "next_review": "2024-08-29"})
    assert r.status_code == 200 and "made by a Supt or above" in r.content.decode()
    from tests import factories

    supt = factories.officer(org.teams["om"], rank="Supt", roles=["senior_officer"], name="Supt Applicant")
    r = di.post(f"/offenders/escalations/{e.pk}/", {
        "options": ["s96b_warrant_application", "further_attempts_varied_times"],
        "rationale": "two failed attempts and no contact since 2019", "decided_on": "2024-08-15",
        "next_review": "2024-08-29", "applicant": supt.pk})
    assert r.status_code == 302
    d = EscalationDecision.objects.get(escalation=e)
    assert d.applicant == supt and d.decided_by == org.officers["senior_officer"]
    e.refresh_from_db()
    assert e.deadline == D(2024, 8, 29) and e.closed_on is None


@pytest.mark.django_db
def test_an_offender_manager_cannot_decide_an_escalation(org, seed, login):
    run_sweep(TODAY)
    e = Escalation.objects.get(kind="S96B_WARRANT_CONSIDERATION")
    r = login(org.user("offender_manager")).post(f"/offenders/escalations/{e.pk}/", {
        "options": ["further_attempts_varied_times"], "rationale": "x" * 30, "decided_on": "2024-08-15",
        "next_review": "2024-08-29"})
    assert r.status_code == 403
    assert not EscalationDecision.objects.exists()


@pytest.mark.django_db
def test_my_day_queue_and_dashboard(org, seed, login, django_assert_max_num_queries):
    run_sweep(TODAY)
    for i in range(20):
        s = subject(org.teams["om"], ref=f"SQ{i}", manager=org.officers["offender_manager"],
                    managed_from=D(2020, 1, 1))
        assess(s, "medium", D(2024, 1, 1), assessor=org.officers["offender_manager"])
        visit(s, D(2024, 2, 1) + dt.timedelta(days=i))
    om = login(org.user("offender_manager"))
    with django_assert_max_num_queries(40):
        r = om.get(as_of("/offenders/"))
    assert r.status_code == 200 and "S1" in r.content.decode()
    ds = login(org.user("supervisor"))
    with django_assert_max_num_queries(40):
        assert ds.get(as_of("/offenders/queue/")).status_code == 200
    with django_assert_max_num_queries(50):
        r = ds.get(as_of("/offenders/dashboard/"))
    assert r.status_code == 200 and 'id="dashboard-data"' in r.content.decode()
    home = login(org.user("senior_officer")).get(as_of("/"))
    assert "Escalations awaiting my decision" in home.content.decode()


@pytest.mark.django_db
def test_the_planner_proposes_and_saves_and_exports_a_day(org, seed, login):
    om = login(org.user("offender_manager"))
    r = om.get(as_of("/offenders/plan/"))
    assert r.status_code == 200 and "S1" in r.content.decode()
    assert om.post(as_of("/offenders/plan/"), {"horizon": "14", "save": "1"}).status_code == 302
    p = VisitPlan.objects.get(subject=seed)
    assert TODAY < p.date <= TODAY + dt.timedelta(days=7)   # overdue: within the next week
    csv = om.get(f"/offenders/plan/export/?date={p.date.isoformat()}")
    assert csv.status_code == 200 and "S1" in csv.content.decode()
    assert om.get("/offenders/plan/export/?date=nonsense").status_code == 400


@pytest.mark.django_db
def test_two_officers_saving_the_same_subject_the_second_sees_a_conflict(org, seed, login):
    om = login(org.user("offender_manager"))
    data = {"manager": org.officers["offender_manager"].pk, "mappa_category": "1", "mappa_level": "2",
            "version": "1"}
    assert om.post("/offenders/subjects/S1/edit/", data).status_code == 302
    ds = login(org.user("supervisor"))
    r = ds.post("/offenders/subjects/S1/edit/", {**data, "mappa_level": "3"})
    assert r.status_code == 200 and "someone else changed this subject" in r.content.decode()
    seed.refresh_from_db()
    assert seed.mappa_level == 2 and seed.version == 2


@pytest.mark.django_db
def test_record_an_order_and_see_the_statutory_notification_period(org, seed, login):
    seed.notification_start, seed.disposal = D(2012, 5, 1), "custody_30m_or_more"
    seed.save()
    client = login(org.user("offender_manager"))
    r = client.post("/offenders/subjects/S1/orders/new/", {"kind": "shpo", "start": "2012-05-01", "end": "2011-01-01"})
    assert r.status_code == 200 and "the order&#x27;s end is before its start" in r.content.decode()
    assert "end" in r.context["form"].errors
    r = client.post("/offenders/subjects/S1/orders/new/", {"kind": "shpo", "start": "2012-05-01",
                                                           "conditions": "no unsupervised contact with under-18s"})
    assert r.status_code == 302 and seed.orders.get().kind == "shpo"
    html = client.get(as_of("/offenders/subjects/S1/")).content.decode()
    assert "Sexual Harm Prevention Order from 1 May 2012" in html
    assert "indefinite; reviewable after 15 years" in html and "reviewable from 1 May 2027" in html


def test_the_subject_list_filters_and_pages_within_the_officers_work(org, login):
    """django-filter narrows the list (name, kind, team, mine); it never widens it beyond the officer's work, a
    bad filter value is a 400 with its error, and the list pages."""
    from vigil.offenders import views
    from vigil.offenders.models import Subject

    s = seed_case(org)
    client = login(org.user("offender_manager"))
    page = client.get("/offenders/subjects/").content.decode()
    assert s.person.display_name in page and "<legend" not in page and 'name="mine"' in page
    found = client.get("/offenders/subjects/", {"q": s.person.surname}).content.decode()
    assert "S1" in found and "1 subject," in found
    assert "No subjects found." in client.get("/offenders/subjects/", {"q": "Nobody-Such"}).content.decode()
    assert "S1" in client.get("/offenders/subjects/", {"mine": "on"}).content.decode()
    bad = client.get("/offenders/subjects/", {"team": "999999"})
    assert bad.status_code == 400 and "There is a problem" in bad.content.decode()
    other = login(org.user("other_team_offender_manager")).get("/offenders/subjects/", {"q": "S1"}).content.decode()
    assert "No subjects found." in other  # another team's subject, whatever the filter
    assert views.SUBJECTS_PAGE == 50 and Subject.objects.count() < 50
