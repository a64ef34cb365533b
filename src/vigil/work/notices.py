"""Pushed, not pulled: an officer hears by email that work is waiting for them, without opening Vigil (ADR 0019).

``collect`` finds the open work items nobody has told their holder about yet (set-based: every source's
``@open_items`` companion, the active officers, the preferences and the ledger, a handful of queries for the whole
force) and records each in the ledger (``AnnouncedItem``), once per officer and item. A critical item, and an
escalation sent up a rank to its new owner, is told at once; so is every item of an officer who chose "at once";
the rest wait for the officer's daily ``digest``. ``deliver`` sends the outbox (``Notice``) through Django's mail
framework.

What an email says: only that there is work, how much, and where: "You have 2 new items in Vigil (1 critical).
Open Vigil to see them: <VIGIL_BASE_URL>/work/". Never a name, a reference, a code, a reason or an address, so an
email forwarded, misdirected or read over a shoulder discloses nothing; the person reads the work in Vigil, where
every consultation is logged. Because it carries no personal data an email is not a disclosure for the s.62
access log: its delivery is recorded on its ``Notice`` row instead.

Never twice: a sender claims a notice with one conditional UPDATE (pending → sending) that commits before the
message goes, so two ``vigil notify`` at once never send the same notice. A notice left in "sending" (a crash
between the claim and the record of the result) is reported, never sent again: it may already have gone.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import F

from vigil.accounts.models import Officer
from vigil.core import clock
from vigil.core.errors import InputError
from vigil.sweep.models import Severity
from vigil.work.models import AnnouncedItem, Notice, NoticePreference, NoticeStatus, NoticeTiming
from vigil.work.registry import all_open

MAX_ATTEMPTS = 5                          # then the notice is "failed", with the last error
BACKOFF = dt.timedelta(minutes=2)         # 2, 4, 8, 16 minutes between tries
STALE_SENDING = dt.timedelta(minutes=15)  # a claim older than this is reported as stuck (and never resent)
NO_ADDRESS = "no email address"
_LOCK_KEY = 0x5649_4E31                   # "VIN1": serialises collect and digest on PostgreSQL


# --- what a notice says ----------------------------------------------------------------------------------------

def work_url() -> str:
    base = (getattr(settings, "VIGIL_BASE_URL", "") or "").rstrip("/")
    return f"{base}/work/" if base else "/work/"


def _items(n: int) -> str:
    return f"{n} new item{'' if n == 1 else 's'}"


def text(kind: str, items: int, critical: int, day: dt.date | None = None) -> tuple[str, str]:
    """(subject, body): counts and a link, nothing else (no personal data, ever)."""
    crit = f" ({critical} critical)" if critical else ""
    see = f"Open Vigil to see {'it' if items == 1 else 'them'}: {work_url()}"
    footer = ("This email says only that there is work for you; what it is, you read in Vigil. "
              f"Choose how you are told at {work_url()}notices/")
    if kind == NoticeTiming.DIGEST:
        when = f"{day.day} {day:%B %Y}" if day else "today"
        return (f"Vigil: your daily digest, {_items(items)}",
                f"Your Vigil digest for {when}: you have {_items(items)} in Vigil{crit} since your last digest. "
                f"{see}\n\n{footer}\n")
    return f"Vigil: {_items(items)}", f"You have {_items(items)} in Vigil{crit}. {see}\n\n{footer}\n"


# --- collect: which items each person has not been told about ----------------------------------------------------

@dataclass
class Collected:
    notices: int = 0          # immediate notices made
    immediate: int = 0        # items told at once
    digest: int = 0           # items waiting for a digest
    no_holder: int = 0        # open items whose holder is not an active officer (nobody to tell)
    closed: int = 0           # ledger rows dropped because their item is no longer open
    per_officer: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict, repr=False)


def _serialised() -> None:
    """Inside a transaction: one collector (or digest) at a time. SQLite's transactions already take the write lock
    when they begin (config/database.py); PostgreSQL takes an advisory lock until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _plan(now: dt.datetime) -> tuple[Collected, list[int]]:
    """What collect would record, read set-based; and the ledger rows of items no longer open."""
    items = all_open()
    # Only people who can open Vigil are told: an officer without an active account has no work queue to open.
    officers = list(Officer.objects.filter(active=True, user__is_active=True).order_by()
                    .values_list("pk", "ref", "team__ref"))
    by_ref = {ref: pk for pk, ref, _ in officers}
    by_team: dict[str, list[int]] = defaultdict(list)
    for pk, _, team in officers:
        by_team[team].append(pk)
    prefs = dict(NoticePreference.objects.order_by().values_list("officer_id", "non_critical"))
    ledger = list(AnnouncedItem.objects.order_by().values_list("pk", "officer_id", "item"))
    told = {(officer, item) for _, officer, item in ledger}
    open_keys = {i.key for i in items}
    stale = [pk for pk, _, item in ledger if item not in open_keys]

    out = Collected()
    plan: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for item in items:
        if item.officer:
            holders = [by_ref[item.officer]] if item.officer in by_ref else []
        else:
            holders = by_team.get(item.team or "", [])
        if not holders:
            out.no_holder += 1
            continue
        for officer in holders:
            if (officer, item.key) in told:
                continue
            told.add((officer, item.key))
            at_once = (item.severity == Severity.CRITICAL or item.escalated
                       or prefs.get(officer, NoticeTiming.DIGEST) == NoticeTiming.IMMEDIATE)
            timing = NoticeTiming.IMMEDIATE if at_once else NoticeTiming.DIGEST
            plan[officer].append((item.key, item.severity, timing))
            if at_once:
                out.immediate += 1
            else:
                out.digest += 1
    out.notices = sum(1 for rows in plan.values() if any(t == NoticeTiming.IMMEDIATE for _, _, t in rows))
    out.per_officer = dict(plan)
    out.closed = len(stale)
    return out, stale


def collect(now: dt.datetime | None = None, *, dry_run: bool = False) -> Collected:
    """Record every open work item not yet told to its holder; make one immediate notice per officer for the
    items told at once. Idempotent: run twice, the second run finds nothing new."""
    now = now or clock.now()
    if dry_run:
        return _plan(now)[0]
    with transaction.atomic():
        _serialised()
        out, stale = _plan(now)
        for start in range(0, len(stale), 500):
            AnnouncedItem.objects.filter(pk__in=stale[start:start + 500]).delete()
        notices = {}
        for officer, rows in out.per_officer.items():
            at_once = sorted(key for key, _, timing in rows if timing == NoticeTiming.IMMEDIATE)
            if not at_once:
                continue
            critical = sum(1 for key, severity, timing in rows
                           if timing == NoticeTiming.IMMEDIATE and severity == Severity.CRITICAL)
            digest = hashlib.sha256("\n".join(at_once).encode()).hexdigest()[:20]
            subject, body = text(NoticeTiming.IMMEDIATE, len(at_once), critical)
            notices[officer] = Notice(key=f"immediate:{officer}:{digest}", officer_id=officer,
                                      kind=NoticeTiming.IMMEDIATE, items=len(at_once), critical=critical,
                                      subject=subject, body=body, next_attempt_at=now, created_at=now)
        Notice.objects.bulk_create(notices.values(), batch_size=500)
        if any(n.pk is None for n in notices.values()):  # a database that does not return ids from bulk inserts
            ids = dict(Notice.objects.filter(key__in=[n.key for n in notices.values()]).values_list("key", "pk"))
            for n in notices.values():
                n.pk = ids[n.key]
        day = now.date()
        AnnouncedItem.objects.bulk_create(
            [AnnouncedItem(officer_id=officer, item=key, severity=severity, timing=timing, day=day, at=now,
                           notice=notices[officer] if timing == NoticeTiming.IMMEDIATE else None)
             for officer, rows in out.per_officer.items() for key, severity, timing in rows], batch_size=1000)
    return out


# --- digest: once a day per person -------------------------------------------------------------------------------

@dataclass
class Digested:
    notices: int = 0
    items: int = 0
    already: int = 0  # officers who already have this day's digest (their newer items wait for the next one)


def digest(day: dt.date, now: dt.datetime | None = None, *, dry_run: bool = False,
           planned: Collected | None = None) -> Digested:
    """One digest notice per officer for ``day``, holding the items found up to that day and not yet told; made
    once (a second run the same day makes nothing). A dry run counts, with it, the items a dry-run ``collect``
    (``planned``) would have recorded."""
    now = now or clock.now()
    out = Digested()
    with transaction.atomic():
        if not dry_run:
            _serialised()
        waiting: dict[int, list[AnnouncedItem]] = defaultdict(list)
        for row in (AnnouncedItem.objects.filter(timing=NoticeTiming.DIGEST, notice__isnull=True, day__lte=day)
                    .order_by().only("pk", "officer_id", "severity")):
            waiting[row.officer_id].append(row)
        if dry_run and planned is not None and now.date() <= day:
            for officer, rows in planned.per_officer.items():
                later = [AnnouncedItem(officer_id=officer, item=key, severity=severity)
                         for key, severity, timing in rows if timing == NoticeTiming.DIGEST]
                if later:
                    waiting[officer] += later
        done = set(Notice.objects.filter(kind=NoticeTiming.DIGEST, day=day).values_list("officer_id", flat=True))
        out.already = len(set(waiting) & done)
        new = {}
        for officer, rows in waiting.items():
            if officer in done:
                continue
            critical = sum(1 for r in rows if r.severity == Severity.CRITICAL)
            subject, body = text(NoticeTiming.DIGEST, len(rows), critical, day)
            new[officer] = Notice(key=f"digest:{officer}:{day.isoformat()}", officer_id=officer,
                                  kind=NoticeTiming.DIGEST, day=day, items=len(rows), critical=critical,
                                  subject=subject, body=body, next_attempt_at=now, created_at=now)
            out.items += len(rows)
        out.notices = len(new)
        if dry_run or not new:
            return out
        Notice.objects.bulk_create(new.values(), batch_size=500)
        if any(n.pk is None for n in new.values()):
            ids = dict(Notice.objects.filter(key__in=[n.key for n in new.values()]).values_list("key", "pk"))
            for n in new.values():
                n.pk = ids[n.key]
        rows = []
        for officer, notice in new.items():
            for row in waiting[officer]:
                row.notice = notice
                rows.append(row)
        AnnouncedItem.objects.bulk_update(rows, ["notice"], batch_size=500)
    return out


# --- deliver: the outbox, each notice at most once --------------------------------------------------------------

@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0         # given up (after MAX_ATTEMPTS, or no email address)
    retrying: int = 0       # failed this time; tried again later
    items: int = 0          # items in the notices sent
    no_address: int = 0
    stuck: int = 0          # claimed long ago and still "sending": reported, not resent
    pending: int = 0        # waiting (dry run), or not yet due


def _address(notice: Notice) -> str:
    user = notice.officer.user if notice.officer.user_id else None
    return ((user.email if user is not None else "") or "").strip()


def _backoff(attempts: int) -> dt.timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))


def deliver(now: dt.datetime | None = None, *, dry_run: bool = False, limit: int = 5000) -> Delivery:
    """Send the notices that are due. Each is claimed first (pending → sending, committed on its own), so two
    deliveries at once send it once; a send that fails is tried again with a growing wait, then given up."""
    now = now or clock.now()
    out = Delivery()
    out.stuck = Notice.objects.filter(status=NoticeStatus.SENDING, claimed_at__lt=now - STALE_SENDING).count()
    due = list(Notice.objects.filter(status=NoticeStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    if dry_run:
        out.pending = len(due)
        return out
    backend = mail.get_connection(fail_silently=False)
    try:
        for pk in due:
            claimed = (Notice.objects.filter(pk=pk, status=NoticeStatus.PENDING, next_attempt_at__lte=now)
                       .update(status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1))
            if not claimed:
                continue  # another sender has it
            notice = Notice.objects.select_related("officer__user").get(pk=pk)
            mine = Notice.objects.filter(pk=pk, status=NoticeStatus.SENDING)
            address = _address(notice)
            if not address:
                mine.update(status=NoticeStatus.FAILED, last_error=NO_ADDRESS)
                out.failed += 1
                out.no_address += 1
                continue
            try:
                mail.EmailMessage(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [address],
                                  connection=backend).send()
            except Exception as exc:  # any failure of the mail system is recorded and retried
                error = f"{type(exc).__name__}: {exc}"[:1000]
                if notice.attempts >= MAX_ATTEMPTS:
                    mine.update(status=NoticeStatus.FAILED, last_error=error)
                    out.failed += 1
                else:
                    mine.update(status=NoticeStatus.PENDING, last_error=error,
                                next_attempt_at=now + _backoff(notice.attempts))
                    out.retrying += 1
            else:
                mine.update(status=NoticeStatus.SENT, sent_at=clock.now(), last_error="")
                out.sent += 1
                out.items += notice.items
    finally:
        backend.close()
    out.pending = Notice.objects.filter(status=NoticeStatus.PENDING).count()
    return out


# --- the officer's choice ------------------------------------------------------------------------------------------

def preference(officer: Officer) -> str:
    p = NoticePreference.objects.filter(officer=officer).values_list("non_critical", flat=True).first()
    return p or NoticeTiming.DIGEST


def set_preference(officer: Officer, non_critical: str) -> NoticePreference:
    """Immediate or digest, for non-critical items only: critical items are always told at once."""
    if non_critical not in NoticeTiming.values:
        raise InputError(f"choose {' or '.join(NoticeTiming.values)} for items that are not critical")
    p, _ = NoticePreference.objects.update_or_create(officer=officer, defaults={"non_critical": non_critical,
                                                                              "updated_at": clock.now()})
    return p


# --- the web application sends immediate notices itself --------------------------------------------------------

def start_sender(interval: float = 60.0, stop: threading.Event | None = None) -> threading.Thread:
    """A daemon thread in the serving process: every ``interval`` seconds it collects the new items and sends what is
    due at once (the daily digest stays with ``vigil notify --digest``). A failure is logged and the loop goes on;
    the thread gives its database connection back after each round. ``stop`` ends it (tests)."""
    import logging

    from django.db import close_old_connections

    log = logging.getLogger("vigil.notices")
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                now = clock.now()
                collect(now)
                deliver(now)
            except Exception:  # a background sender must outlive one bad round
                log.exception("sending notices failed; trying again in %s s", interval)
            finally:
                close_old_connections()

    thread = threading.Thread(target=loop, name="vigil-notices", daemon=True)
    thread.start()
    return thread


def counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def send(day: dt.date, now: dt.datetime | None = None, *, with_digest: bool = False, progress=None) -> str:
    """What ``vigil notify`` and the notices job (work/jobs.py) do: record the work not yet told, make ``day``'s
    digest if asked, send what is due; one line of what became of it. ``progress(stage)`` before each step."""
    now = now or clock.now()
    step = progress or (lambda stage: None)
    step("finding the work not yet told")
    found = collect(now)
    made = None
    if with_digest:
        step("making the day's digests")
        made = digest(day, now, planned=found)
    step("sending")
    sent = deliver(now)
    line = f"{counted(sent.sent, 'notice')} sent, {sent.failed} failed, {counted(sent.items, 'item')} announced"
    extra = []
    if sent.no_address:
        extra.append(f"{counted(sent.no_address, 'officer')} without an email address")
    if sent.retrying:
        extra.append(f"{sent.retrying} to try again")
    if found.digest:
        extra.append(f"{counted(found.digest, 'new item')} for the digest")
    if made and made.already:
        extra.append(f"{counted(made.already, 'officer')} already had the digest for {day.isoformat()}")
    if sent.stuck:
        extra.append(f"{counted(sent.stuck, 'notice')} stuck in 'sending' (not resent: it may have gone)")
    return line + (f" ({'; '.join(extra)})" if extra else "")
