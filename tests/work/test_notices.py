"""Pushed, not pulled: an officer is emailed that work is waiting for them (ADR 0019). Each item is told once;
critical items and escalations sent up a rank go at once; other items at once or in a daily digest, as the officer
chose; a notice is sent once even by two senders at once; a failing mail system is retried, then given up with its
error; and no email ever holds a name, a reference or a reason."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from tests import factories
from tests.offenders.factories import seed_case
from vigil.accounts.models import Officer, Team
from vigil.config import urls as vigil_urls
from vigil.core import clock
from vigil.offenders.models import Escalation, Subject
from vigil.people.models import Address, Alias, Person
from vigil.sweep.engine import run_sweep
from vigil.sweep.models import Alert
from vigil.work import notice_views, notices, services
from vigil.work.models import AnnouncedItem, Notice, NoticePreference, Task
from vigil.work.queue import work_for
from vigil.work.registry import all_open

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 8, 15)
NOW = dt.datetime(2024, 8, 15, 9, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2024, 8, 20, 17, 0, tzinfo=dt.UTC)

# The preference page, mounted as the work app will mount it (/work/notices/, work:notices), in front of the real
# urlconf so the page's navigation resolves whether or not the work app has mounted it yet.
urlpatterns = [path("work/notices/", notice_views.notices, name="notices_under_test"), *vigil_urls.urlpatterns]


def _emails(org) -> None:
    for o in org.officers.values():
        get_user_model().objects.filter(pk=o.user_id).update(email=f"{o.user.username}@force.example")


def _task(org, n: int, *, owner=None, team=None, severity="medium", title="Hold a strategy meeting"):
    return services.hand_over(source=f"test:{n}", kind="strategy_meeting", title=title, record_type="subject",
                              record_ref="S1", reasons=["two failed visits at 14 Acacia Avenue"], due=DUE,
                              owner=owner, team=team, severity=severity, by=org.officers["supervisor"])


def _to(officer) -> list:
    address = get_user_model().objects.get(pk=officer.user_id).email
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch):
    """The command reads the clock: pin it to the morning of TODAY."""
    monkeypatch.setenv("VIGIL_TODAY", TODAY.isoformat())
    clock.set_clock(lambda: NOW)
    yield
    clock.set_clock(None)


def _notify(*args, capsys=None) -> str:
    call_command("notify", *args)
    return capsys.readouterr().out.strip() if capsys else ""


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("relay refused the connection")


class SlowBackend(BaseEmailBackend):
    """Records every message, slowly, so two senders overlap."""

    sent: list = []
    lock = threading.Lock()

    def send_messages(self, messages):
        threading.Event().wait(0.02)
        with self.lock:
            self.sent.extend(messages)
        return len(messages)


# --- told once, at once when critical ----------------------------------------------------------------------------

def test_a_critical_item_is_one_immediate_notice_sent_once_even_when_notify_runs_twice(org, capsys):
    seed_case(org)
    run_sweep(TODAY)
    _emails(org)
    di = org.officers["senior_officer"]  # owns a critical alert and a critical escalation
    out = _notify(capsys=capsys)
    assert out.startswith("2 notices sent, 0 failed, ") and "items announced" in out
    assert len(_to(di)) == 1
    message = _to(di)[0]
    assert message.subject == "Vigil: 2 new items"
    assert message.body.startswith("You have 2 new items in Vigil (2 critical). Open Vigil to see them: "
                                   "http://127.0.0.1:8000/work/")
    n = Notice.objects.get(officer=di)
    assert (n.kind, n.status, n.items, n.critical, n.attempts) == ("immediate", "sent", 2, 2, 1)
    assert n.sent_at is not None
    assert _notify(capsys=capsys).startswith("0 notices sent, 0 failed, 0 items announced")
    run_sweep(TODAY)  # the same alerts, seen again: nothing new
    _notify(capsys=capsys)
    assert len(_to(di)) == 1 and Notice.objects.filter(officer=di).count() == 1
    # the DC's high alert waits for the digest (the default); the DS's critical alert went at once
    assert not _to(org.officers["offender_manager"]) and len(_to(org.officers["supervisor"])) == 1
    assert AnnouncedItem.objects.get(officer=org.officers["offender_manager"]).timing == "digest"


def test_collect_is_set_based_the_same_few_queries_for_two_officers_or_forty(org):
    _task(org, 1, owner=org.officers["offender_manager"])
    with CaptureQueriesContext(connection) as few:
        notices.collect(NOW)
    team = Team.objects.get(pk=org.teams["om"].pk)
    many = [factories.officer(team, rank="DC", username=f"many{i}") for i in range(40)]
    for i, o in enumerate(many):
        _task(org, 100 + i, owner=o, severity="critical")
    _task(org, 999, team=team)  # in the team's queue: every member is told
    with CaptureQueriesContext(connection) as lots:
        made = notices.collect(NOW)
    members = team.officers.filter(user__is_active=True).count()  # those who can open Vigil
    assert made.notices == 40 and made.immediate == 40 and made.digest == members
    assert len(lots) <= len(few) + 3, [q["sql"][:120] for q in lots]


def test_every_work_source_has_a_set_based_companion_that_agrees_with_the_queue(org):
    seed_case(org)
    run_sweep(TODAY)
    _task(org, 1, owner=org.officers["offender_manager"])
    _task(org, 2, team=org.teams["om"])
    items = all_open()
    for o in Officer.objects.all():
        held = [i for i in items if i.officer == o.ref or (i.officer is None and i.team == o.team.ref)]
        assert len(held) == len(work_for(o)), o.ref


def test_a_task_in_a_team_queue_is_told_to_each_member_once_and_not_again_when_claimed(org):
    _emails(org)
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    t = _task(org, 1, team=org.teams["om"], severity="critical")
    notices.collect(NOW)
    notices.deliver(NOW)
    members = {o.pk for o in Officer.objects.filter(team=org.teams["om"])}
    assert {n.officer_id for n in Notice.objects.all()} == members
    services.claim(actor=om.user, officer=om, task=t)
    assert notices.collect(NOW).immediate == 0
    services.reassign(actor=ds.user, officer=ds, task=t, to=org.officers["other_team_offender_manager"],
                      reason="covering the other borough this week")
    assert notices.collect(NOW).immediate == 1  # a new holder is told


# --- digest, preferences --------------------------------------------------------------------------------------------

def test_a_digest_per_person_per_day_once(org, capsys):
    _emails(org)
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    _task(org, 1, owner=om)
    _task(org, 2, owner=om, severity="high")
    _task(org, 3, owner=ds, severity="low")
    out = _notify(capsys=capsys)
    assert out.startswith("0 notices sent") and "3 new items for the digest" in out and not mail.outbox
    out = _notify("--digest", "--day", "2024-08-15", capsys=capsys)
    assert out.startswith("2 notices sent, 0 failed, 3 items announced")
    (digest,) = _to(om)
    assert digest.subject == "Vigil: your daily digest, 2 new items"
    assert "Your Vigil digest for 15 August 2024: you have 2 new items in Vigil since your last digest." in digest.body
    assert len(_to(ds)) == 1
    _task(org, 4, owner=om)  # found after today's digest went: it waits for tomorrow's
    out = _notify("--digest", "--day", "2024-08-15", capsys=capsys)
    assert out.startswith("0 notices sent") and "1 officer already had the digest for 2024-08-15" in out
    assert len(_to(om)) == 1
    _notify("--digest", "--day", "2024-08-16", capsys=capsys)
    assert len(_to(om)) == 2 and _to(om)[1].subject == "Vigil: your daily digest, 1 new item"
    assert Notice.objects.filter(kind="digest").count() == 3
    assert set(Notice.objects.filter(kind="digest").values_list("day", flat=True)) == {TODAY, dt.date(2024, 8, 16)}


def test_immediate_or_digest_as_the_officer_chose(org):
    _emails(org)
    om, ds = org.officers["offender_manager"], org.officers["supervisor"]
    notices.set_preference(om, "immediate")
    _task(org, 1, owner=om)
    _task(org, 2, owner=ds)
    notices.collect(NOW)
    notices.deliver(NOW)
    assert len(_to(om)) == 1 and not _to(ds)
    notices.digest(TODAY, NOW)
    notices.deliver(NOW)
    assert len(_to(om)) == 1 and len(_to(ds)) == 1 and "digest" in _to(ds)[0].subject


def test_a_critical_item_cannot_be_switched_off(org, client, login):
    _emails(org)
    om = org.officers["offender_manager"]
    notices.set_preference(om, "digest")
    _task(org, 1, owner=om, severity="critical")
    notices.collect(NOW)
    notices.deliver(NOW)
    assert len(_to(om)) == 1 and "(1 critical)" in _to(om)[0].body
    from vigil.core.errors import InputError

    with pytest.raises(InputError):
        notices.set_preference(om, "never")
    with override_settings(ROOT_URLCONF=__name__):
        login(om.user)
        page = client.get("/work/notices/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "always emailed at once" in html and "You cannot turn that off" in html
        assert {c for c, _ in notice_views.PreferenceForm.base_fields["non_critical"].choices} == {"immediate",
                                                                                                   "digest"}
        r = client.post("/work/notices/", {"non_critical": "never", "submission_key": "k1"})
        assert r.status_code == 200 and NoticePreference.objects.get(officer=om).non_critical == "digest"


def test_the_preference_page_shows_recent_notices_and_saves_the_choice(org, client, login):
    _emails(org)
    om = org.officers["offender_manager"]
    _task(org, 1, owner=om, severity="critical")
    notices.collect(NOW)
    notices.deliver(NOW)
    with override_settings(ROOT_URLCONF=__name__):
        login(om.user)
        html = client.get("/work/notices/").content.decode()
        assert 'data-status="sent"' in html and "At once" in html and "1 (1 critical)" in html
        assert "offender_manager@force.example" in html
        r = client.post("/work/notices/", {"non_critical": "immediate", "submission_key": "k2"})
        assert r.status_code == 302
    assert notices.preference(om) == "immediate"


# --- escalation sent up a rank -------------------------------------------------------------------------------------

def test_an_escalation_sent_up_a_rank_is_told_at_once_to_its_new_owner(org):
    dci = factories.officer(org.teams["om"], rank="DCI", roles=["senior_officer"], name="DCI Up", username="dci")
    seed_case(org)
    run_sweep(TODAY)
    _emails(org)
    get_user_model().objects.filter(pk=dci.user_id).update(email="dci@force.example")
    dci.refresh_from_db()
    notices.set_preference(dci, "digest")
    notices.collect(NOW)
    notices.deliver(NOW)
    assert not _to(dci)
    run_sweep(dt.date(2024, 8, 23))  # the DI's decision deadline (22 August) missed: up to the DCI
    e = Escalation.objects.get(kind="S96B_WARRANT_CONSIDERATION")
    assert e.level == 1 and e.owner == dci
    later = NOW + dt.timedelta(days=8)
    notices.collect(later)
    notices.deliver(later)
    row = AnnouncedItem.objects.get(officer=dci, item=f"escalation:{e.pk}:level1")
    assert row.timing == "immediate" and row.notice.status == "sent"
    assert len(_to(dci)) == 1 and _to(dci)[0].subject.startswith("Vigil: ")


# --- delivery: retries, no address, never twice ------------------------------------------------------------------

def test_a_failing_mail_system_is_retried_with_backoff_then_marked_failed(org, settings, capsys):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    _emails(org)
    _task(org, 1, owner=org.officers["offender_manager"], severity="critical")
    notices.collect(NOW)
    first = notices.deliver(NOW)
    n = Notice.objects.get()
    assert (first.retrying, n.status, n.attempts) == (1, "pending", 1)
    assert n.last_error == "ConnectionRefusedError: relay refused the connection"
    assert notices.deliver(NOW + dt.timedelta(minutes=1)).retrying == 0  # not before its back-off
    at = NOW
    for attempt in range(2, notices.MAX_ATTEMPTS + 1):
        at += notices.BACKOFF * 2 ** (attempt - 2)
        notices.deliver(at)
        n.refresh_from_db()
        assert n.attempts == attempt
    assert n.status == "failed" and "relay refused" in n.last_error and n.sent_at is None
    assert notices.deliver(at + dt.timedelta(days=1)).failed == 0  # given up: not tried again
    n.refresh_from_db()
    assert n.attempts == notices.MAX_ATTEMPTS


def test_an_officer_without_an_email_address_is_recorded_not_a_crash(org, capsys):
    om = org.officers["offender_manager"]
    nobody = factories.officer(org.teams["om"], rank="DC")  # no login at all: no work queue to open, not told
    _task(org, 1, owner=om, severity="critical")
    _task(org, 2, owner=nobody, severity="critical")
    out = _notify(capsys=capsys)
    assert out.startswith("0 notices sent, 1 failed, 0 items announced (1 officer without an email address")
    assert not Notice.objects.filter(officer=nobody).exists()
    assert set(Notice.objects.values_list("status", "last_error")) == {("failed", "no email address")}
    assert not mail.outbox


def test_a_notice_left_sending_is_reported_and_never_sent_again(org, capsys):
    _emails(org)
    _task(org, 1, owner=org.officers["offender_manager"], severity="critical")
    notices.collect(NOW)
    # a sender claimed it and died before recording the result: it may have gone
    Notice.objects.update(status="sending", attempts=1, claimed_at=NOW - dt.timedelta(hours=1))
    out = _notify(capsys=capsys)
    assert "1 notice stuck in 'sending' (not resent: it may have gone)" in out and not mail.outbox
    assert Notice.objects.get().status == "sending"


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_on_postgresql_send_each_notice_once(org, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent senders are a PostgreSQL behaviour; SQLite serialises whole writes")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sent = []
    team = Team.objects.get(pk=org.teams["om"].pk)
    people = [factories.officer(team, rank="DC", username=f"dc{i}") for i in range(12)]
    for i, o in enumerate(people):
        get_user_model().objects.filter(pk=o.user_id).update(email=f"dc{i}@force.example")
        _task(org, i, owner=o, severity="critical")
    notices.collect(NOW)
    assert Notice.objects.count() == 12
    barrier = threading.Barrier(2)
    results: list = []

    def send():
        try:
            barrier.wait()
            results.append(notices.deliver(NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.sent for r in results) == 12
    assert sorted(m.to[0] for m in SlowBackend.sent) == sorted(f"dc{i}@force.example" for i in range(12))
    assert set(Notice.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db(transaction=True)
def test_two_collectors_at_once_on_postgresql_tell_each_item_once(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent collectors are a PostgreSQL behaviour; SQLite serialises whole writes")
    for i in range(10):
        _task(org, i, owner=org.officers["offender_manager"], severity="critical")
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            notices.collect(NOW)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert Notice.objects.count() == 1 and Notice.objects.get().items == 10
    assert AnnouncedItem.objects.count() == 10


# --- no personal data, ever --------------------------------------------------------------------------------------

def test_no_email_holds_personal_data(org, settings, tmp_path):
    settings.VIGIL_BASE_URL = "https://vigil.force.example"
    dci = factories.officer(org.teams["om"], rank="DCI", roles=["senior_officer"], name="DCI Ravenscroft",
                            username="dci")
    s = seed_case(org)
    Address.objects.create(person=s.person, line1="14 Acacia Avenue", town="Ambridge", postcode="AM1 2BC",
                           kind="home", match_key="14 acacia avenue ambridge am1 2bc")
    Alias.objects.create(person=s.person, given_names="Marky", surname="Elleryson")
    run_sweep(TODAY)
    _emails(org)
    get_user_model().objects.filter(pk=dci.user_id).update(email="dci@force.example")
    for o in Officer.objects.all():
        notices.set_preference(o, "immediate")
    _task(org, 1, owner=org.officers["offender_manager"], title="Visit Mark Ellery at 14 Acacia Avenue")
    _task(org, 2, team=org.teams["om"], severity="critical", title="Strategy meeting about S1")
    notices.collect(NOW)
    notices.deliver(NOW)
    run_sweep(dt.date(2024, 8, 23))
    notices.collect(NOW + dt.timedelta(days=8))
    notices.digest(dt.date(2024, 8, 23), NOW + dt.timedelta(days=8))
    notices.deliver(NOW + dt.timedelta(days=8))
    assert len(mail.outbox) >= 4

    secrets: set[str] = set()
    for p in Person.objects.all():
        secrets |= {p.ref, p.given_names, p.surname, p.display_name}
    for a in Alias.objects.all():
        secrets |= {a.given_names, a.surname}
    for a in Address.objects.all():
        secrets |= {a.line1, a.town, a.postcode}
    for subj in Subject.objects.all():
        secrets |= {subj.ref}
    for o in Officer.objects.select_related("user"):
        secrets |= {o.ref, o.name, *(o.name.split()[1:])}
    for t in Team.objects.all():
        secrets |= {t.ref, t.name}
    for a in Alert.objects.all():
        secrets |= {a.code, a.entity_id, *a.reasons}
    for e in Escalation.objects.all():
        secrets |= {e.kind, *e.reasons}
    for t in Task.objects.all():
        secrets |= {t.title, t.record_ref, t.kind, *t.reasons}
    secrets = {s for s in secrets if s and len(s) >= 2}
    for m in mail.outbox:
        text = "\n".join([m.subject, m.body, str(m.from_email), *(str(v) for v in m.extra_headers.values())])
        leaked = sorted(s for s in secrets if s.lower() in text.lower())
        assert leaked == [], f"{m.subject!r} leaks {leaked}"
        assert m.body.startswith("You have ") or m.body.startswith("Your Vigil digest for ")
        assert "https://vigil.force.example/work/" in m.body


# --- the command line ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--digest", "--day", "2024-13-40"], "--day '2024-13-40' is not a date in the form YYYY-MM-DD"),
    (["--day", "2024-08-15"], "--day names a digest's day: use it with --digest"),
])
def test_bad_input_is_one_line_exit_2(args, expected, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("notify", *args)
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and err == expected


def test_a_dry_run_counts_and_sends_nothing(org, capsys):
    _emails(org)
    _task(org, 1, owner=org.officers["offender_manager"], severity="critical")
    _task(org, 2, owner=org.officers["supervisor"])
    out = _notify("--dry-run", "--digest", capsys=capsys)
    assert out == ("dry run: 2 notices would be sent, 1 new item told at once, 1 new item for the digest, "
                   "1 item in 1 digest for 2024-08-15; nothing sent")
    assert not mail.outbox and not Notice.objects.exists() and not AnnouncedItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_serving_process_sends_a_critical_notice_by_itself(org):
    """The web application's own sender (``start_sender``, started by ``vigil serve`` and ``vigil demo``) tells the
    holder of a critical item without anyone running ``vigil notify``."""
    import threading
    import time

    _emails(org)
    _task(org, 1, owner=org.officers["offender_manager"], severity="critical")
    stop = threading.Event()
    thread = notices.start_sender(interval=0.2, stop=stop)
    try:
        deadline = time.monotonic() + 15
        while not Notice.objects.filter(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert Notice.objects.filter(status="sent").count() == 1
    assert len(_to(org.officers["offender_manager"])) == 1 and len(mail.outbox) == 1
