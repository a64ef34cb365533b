"""The work pages: my queue (names, not ids; most urgent first; filtered and paged), a supervisor's team view with
who holds each item, and a task's page where it is claimed, reassigned with a reason and closed with an outcome.
Every record shown is in the access log; someone outside the team is refused."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests import factories
from tests.factories import verified_login
from tests.offenders.factories import seed_case
from vigil.core.models import AccessLogEntry
from vigil.sweep.engine import run_sweep
from vigil.work import services
from vigil.work.models import Task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)
DUE = dt.datetime(2024, 8, 16, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())


def _client(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


def _task(org, n=1, **kw):
    kw.setdefault("owner", org.officers["offender_manager"])
    kw.setdefault("severity", "high")
    return services.hand_over(source=f"test:{n}", kind="follow_up", title=f"Follow up {n}", record_type="subject",
                              record_ref="S1", reasons=["a reason a person can check"], due=DUE + dt.timedelta(hours=n),
                              handed_over="the decider's rationale", by=org.officers["supervisor"], **kw)


def test_my_queue_names_the_record_orders_filters_and_pages(org):
    s = seed_case(org)
    run_sweep(TODAY)
    for n in range(1, 31):
        _task(org, n, severity="critical" if n == 30 else "medium")
    page = _client(org.user("offender_manager")).get("/work/").content.decode()
    assert s.person.display_name in page and "subject S1" in page
    titles = re.findall(r'<a class="govuk-link govuk-task-list__link" href="[^"]*"[^>]*>([^<]+)</a>', page)
    assert titles[0] == "Follow up 30"  # the critical one first, whatever its due time
    assert "Page 1 of" in page and len(titles) == 25
    second = _client(org.user("offender_manager")).get("/work/?kind=task&page=2").content.decode()
    assert "Page 2 of 2" in second and "kind=task&amp;page=1" in second
    only_tasks = _client(org.user("offender_manager")).get("/work/?kind=alert").content.decode()
    assert "Follow up" not in only_tasks
    assert AccessLogEntry.objects.filter(record_type="subject", record_id="S1", operation="consultation",
                                         detail__startswith="my work queue").exists()


def test_a_bad_filter_is_ignored_not_an_error(org):
    r = _client(org.user("offender_manager")).get("/work/?kind=<script>&due=1e400&page=-3")
    assert r.status_code == 200


def test_the_team_view_shows_who_holds_each_item_and_only_supervisors_see_it(org):
    seed_case(org)
    _task(org, 1)
    _task(org, 2, owner=None, team=org.teams["om"])
    page = _client(org.user("supervisor")).get("/work/team/").content.decode()
    assert "DC Offender Manager" in page and "Team queue (unclaimed)" in page
    assert _client(org.user("offender_manager")).get("/work/team/").status_code == 403


def test_claim_reassign_and_close_through_the_task_page(org):
    seed_case(org)
    t = _task(org, 1, owner=None, team=org.teams["om"])
    om, ds = _client(org.user("offender_manager")), _client(org.user("supervisor"))
    url = f"/work/tasks/{t.pk}/"
    page = om.get(url).content.decode()
    assert "the decider&#x27;s rationale" in page and "Claim this task" in page and "Reassign" not in page
    assert om.post(url, {"action": "claim", "submission_key": "c1"}).status_code == 302
    assert Task.objects.get().owner == org.officers["offender_manager"]
    r = ds.post(url, {"action": "reassign", "reassign-to": org.officers["supervisor"].pk, "reassign-reason": "",
                      "submission_key": "r1"})
    assert r.status_code == 400 and Task.objects.get().owner == org.officers["offender_manager"]
    r = ds.post(url, {"action": "reassign", "reassign-to": org.officers["supervisor"].pk,
                      "reassign-reason": "DC on leave this week", "submission_key": "r2"})
    assert r.status_code == 302 and Task.objects.get().owner == org.officers["supervisor"]
    r = ds.post(url, {"action": "close", "close-outcome": "", "close-done": "done", "submission_key": "d1"})
    assert r.status_code == 400 and Task.objects.get().status == "open"
    r = ds.post(url, {"action": "close", "close-outcome": "visited with the DC, all well", "close-done": "done",
                      "submission_key": "d2"})
    assert r.status_code == 302 and Task.objects.get().status == "done"
    assert [e.what for e in Task.objects.get().events.all()] == ["created", "claimed", "reassigned", "done"]
    history = om.get(url).content.decode()
    assert "DC on leave this week" in history and "visited with the DC, all well" in history


def test_someone_outside_the_team_is_refused_a_task_and_cannot_reassign(org):
    seed_case(org)
    t = _task(org, 1)
    other = _client(org.user("other_team_offender_manager"))
    assert other.get(f"/work/tasks/{t.pk}/").status_code == 403
    investigator = org.officers["investigator"]
    with pytest.raises(Exception, match="only a supervisor"):
        services.reassign(actor=investigator.user, officer=investigator, task=t, to=investigator, reason="mine now")


def test_a_s96b_application_is_reassigned_only_to_the_rank_that_makes_it(org):
    seed_case(org)
    supt = factories.officer(org.teams["om"], rank="Supt", roles=["senior_officer"], name="Supt Ada Gray",
                             username="supt")
    t = services.hand_over(source="test:s96b", kind="s96b_application", title="Apply for a s.96B warrant",
                           record_type="subject", record_ref="S1", reasons=["two failed attempts"], due=DUE,
                           owner=supt, by=org.officers["senior_officer"])
    ds = org.officers["supervisor"]
    with pytest.raises(Exception, match="for a Supt or above"):
        services.reassign(actor=ds.user, officer=ds, task=t, to=ds, reason="Supt away")


def test_the_team_view_reads_the_whole_team_in_a_handful_of_queries(org, django_assert_max_num_queries):
    seed_case(org)
    run_sweep(TODAY)
    _task(org, 1, owner=None, team=org.teams["om"])
    client = _client(org.user("supervisor"))
    client.get("/work/team/")  # the session's first request loads the officer
    with django_assert_max_num_queries(40) as few:
        client.get("/work/team/")
    for n in range(12):
        factories.officer(org.teams["om"], rank="DC", roles=["offender_manager"], username=f"extra{n}")
    with django_assert_max_num_queries(len(few) + 2):  # twelve more members: no more queries
        page = client.get("/work/team/").content.decode()
    assert page.count("Team queue (unclaimed)") == 1  # the team's task once, not once per member


def test_a_possible_match_task_names_both_people_and_opens_the_pair(org):
    from vigil.people.linkage.services import run_linkage

    t = org.teams["mp"]
    a = factories.person("P01", given="William", surname="Hartley", dob=dt.date(1980, 3, 4), team=t)
    factories.person("P03", given="Bill", surname="Hartly", dob=dt.date(1980, 4, 3), team=t)
    run_linkage(as_of=TODAY)
    task = Task.objects.get(kind="linkage_review")
    page = _client(org.user("missing_persons_coordinator")).get(f"/work/tasks/{task.pk}/").content.decode()
    assert "William Hartley and Bill Hartly" in page and "possible match" in page
    assert f'href="/missing/matches/{task.record_ref}/"' in page
    logged = set(AccessLogEntry.objects.filter(operation="consultation", record_type="person")
                 .values_list("record_id", flat=True))
    assert {a.ref, "P03"} <= logged  # the two people the task names
    queue = _client(org.user("exploitation_analyst")).get("/work/").content.decode()
    assert "William Hartley and Bill Hartly" not in queue  # another team's queue


def test_my_work_groups_by_kind_with_counts(org):
    seed_case(org)
    run_sweep(TODAY)
    for n in range(1, 4):
        _task(org, n)
    page = _client(org.user("offender_manager")).get("/work/").content.decode()
    kinds = re.findall(r'<a href="\?kind=(\w+)"[^>]*>([^<]+) <span class="vigil-count">(\d+)</span>', page)
    assert ("task", "Tasks handed to you", "3") in kinds and any(k == "alert" for k, _l, _n in kinds)
    only = _client(org.user("offender_manager")).get("/work/?kind=task").content.decode()
    assert 'href="?kind=task" aria-current="page"' in only
