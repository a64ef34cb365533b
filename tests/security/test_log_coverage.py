"""Every consultation logged: every page, panel, list, export and API response that shows a person, subject, crime,
episode or officer case writes a consultation entry for each record it shows, for the user who asked, in the
same request.

The test builds the small synthetic data set (as ``vigil demo`` does: generate, then sweep), signs in as each demo
persona (one per role) with a verified second factor, and walks the site: it starts from every GET page of the
authorization matrix (``tests/security/matrix_*.py``) that needs no record, follows the links and htmx requests
(``hx-get``) each page offers, the admin site included, and tries the API's record routes (and forms only some
records link to) with a reference of their kind it has seen. Every reference in a
response (in the generators' formats: ``S000007``, ``PA0000320``, ``CR0000012``, ``M0000003``, ``PS000004``) must
have a consultation entry (user, record type, record id) written during that request. Every named GET route must
be walked by some persona, or be listed in ``NO_PERSONAL_DATA`` with the reason. A server error fails too.

Run with ``-s`` to see the pages and roles walked and the references checked (``LOG_COVERAGE_DEBUG=1`` adds the
text around each reference not logged).
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import build_org, verified_login
from tests.security.restricted import make_restricted_officer
from tests.security.test_authorization_matrix import _area_cases
from vigil.core.models import AccessLogEntry
from vigil.demo.organisation import PERSONAS

AS_OF = dt.date(2024, 8, 15)

# The generators' reference formats (vigil/demo/organisation.py, offenders/generate.py, investigations/generate.py,
# missing/demo.py, standards/generate.py), each with the record type the access log uses for it.
# A reference stands alone: "I-PA0000320" is an identity's reference (named after a record), not the record.
_ALONE = r"(?<![\w-]){}(?![\w-])"
REFERENCES = [
    ("subject", re.compile(_ALONE.format(r"S\d{6}"))),
    ("person", re.compile(_ALONE.format(r"P[SCA]?\d{7}"))),  # P: people; PS: subjects' records; PC: children; PA: associates
    ("crime", re.compile(_ALONE.format(r"CR\d{7}"))),
    ("episode", re.compile(_ALONE.format(r"M\d{7}"))),
    ("officer_case", re.compile(_ALONE.format(r"PS\d{6}"))),  # a professional-standards case (six digits, not seven)
]
LOGGED_AS = ("consultation", "combination")  # combination: a page that joins records (links, identities)

# Named GET routes that show no personal data, with the reason. Every other named route must be walked.
NO_PERSONAL_DATA = {
    "login": "the sign-in form",
    "health": "the process and database status, for a load balancer",
    "job": "a background job's progress and one-line outcome, for the user who started it; the records are on the "
           "page it leads to",
    "mfa_verify": "the second-factor form",
    "mfa_enrol": "second-factor enrolment (the user's own authenticator)",
    "logout": "POST only: signs out",
    "governance:access_pack": "POST only: the subject-access pack, a download logged as a disclosure",
    "audit:verify": "POST only: the chain's verification result (counts, no records)",
    "audit:export": "the re-authentication form; the export itself is a POST logged as a disclosure",
    "api-schema": "the OpenAPI document",
    "api-schema-root": "the OpenAPI document",
    "investigations:batch": "POST only: starts a batch allocation (logged as alteration when applied)",
    "missing:run_linkage": "POST only: starts a linkage run in the background (logged as it runs)",
    "assurance:report_pdf": "a prepared inspection report: aggregate figures only, its download logged as a "
                            "disclosure",
    "investigations:batch_apply": "POST only: applies a batch allocation (logged as alteration)",
    "investigations:allocate": "POST only: allocates a crime (logged as alteration)",
    "investigations:assess": "POST only: records an assessment (logged as alteration)",
    "investigations:policy": "the required-level matrix: policy, no personal data",
    "standards:case_close": "POST only: closes a case (logged as alteration)",
    "work:send_notices": "POST only: starts the job that sends the waiting notices (no personal data in them)",
    "api-crime-allocate": "POST only: allocates a crime (logged as alteration)",
    "api-offenders-visits": "POST only: records a visit (logged as collection)",
    "people:break_glass": "the break-glass form: names the record asked for (type and reference), shows nothing of "
                          "it; the reason entered is logged (core/breakglass.py)",
    # Sign-in and account pages (vigil.accounts): the signed-out user's own account, or officers' accounts for
    # administrators (user names and roles), not the records this test checks.
    "account_activate": "signed out: sets the password of one's own new account from an activation link",
    "account_activate_form": "signed out: the activation form",
    "account_lost_authenticator": "signed out: asks for a second-factor reset",
    "account_user_action": "POST only: an administrator's action on an account",
    "account_mfa_request": "an administrator's view of a second-factor reset request (officers' accounts)",
    "account_role_request": "an administrator's view of a role-change request (officers' accounts)",
}

# Record routes no page links to (the API's), or only some records' pages do (the grading form links from an
# ungraded episode only; the reopening forms from a closed crime or case only): each is tried with a reference of its kind, one the persona has opened first.
TRIED_ROUTES = {"api-person": "person", "api-offenders-subject": "subject", "api-crime": "crime",
                "api-crime-recommendation": "crime", "api-missing-episode": "episode", "missing:grade": "episode",
                "missing:return": "episode", "investigations:reopen": "crime",
                "standards:case_reopen": "officer_case"}

# Links the walk does not follow: they change the session or sign out.
# In the admin site, one page of each kind: no sorted, filtered or history variants.
SKIP = re.compile(r"^/(static/|logout/|admin/logout/|admin/password_change/|mfa/|login/)|[?&]as_of="
                  r"|^/admin/.*(\?|/history/)")
PER_ROUTE = 2          # distinct URLs per route and persona
PER_PERSONA = 160      # requests per persona, at most


def _strip(body: str) -> str:
    """What a reader sees or follows: no scripts, styles, nonces or tokens (random text could look like a ref)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return re.sub(r'\s(nonce|integrity|value="[^"]*"\s+name="csrfmiddlewaretoken)="[^"]*"', " ", body)


def references(body: str) -> set[tuple[str, str]]:
    text = _strip(body)
    return {(kind, m) for kind, rx in REFERENCES for m in rx.findall(text)}


def links(body: str) -> list[str]:
    out = []
    for m in re.finditer(r'\s(?:href|hx-get)="([^"]+)"', body):
        url = m.group(1).replace("&amp;", "&")
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if SKIP.search(url):
            continue
        out.append(url)
    return out


@functools.cache
def route_of(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def named_get_routes(patterns=None, prefix="") -> dict[str, URLPattern]:
    out = {}
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # the admin site is walked from /admin/ (its own routes are the admin's, not ours)
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            out |= named_get_routes(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            out[prefix + p.name] = p
    return out


def _seed_urls(org_cases) -> list[str]:
    """The matrix's GET pages that need no record (their record pages are reached by following links)."""
    seeds = []
    for case in org_cases:
        if case.method != "get" or case.route in NO_PERSONAL_DATA:
            continue
        match = resolve(urlsplit(case.path).path)
        if not match.kwargs and case.path not in seeds:
            seeds.append(case.path)
    return seeds


class Walk:
    def __init__(self, username: str, client: Client):
        self.username, self.client = username, client
        self.seen_urls: set[str] = set()
        self.per_route: Counter = Counter()
        self.shown: dict[str, set[str]] = defaultdict(set)   # record type -> refs seen (for record routes)
        self.ok_routes: set[str] = set()
        self.pages: list[tuple[str, int, int]] = []           # (url, status, refs checked)
        self.gaps: list[str] = []
        self.checked = 0
        self.opened: set[str] = set()                          # references of record pages shown

    def get(self, url: str, *, trying: bool = False) -> str | None:
        route = route_of(url)
        if route is None or url in self.seen_urls or len(self.pages) >= PER_PERSONA:
            return None
        if self.per_route[route] >= PER_ROUTE and not trying:
            return None
        self.seen_urls.add(url)
        self.per_route[route] += 1
        before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        resp = self.client.get(url, HTTP_ACCEPT="text/html,application/json;q=0.9")
        if resp.status_code >= 500:
            self.gaps.append(f"{self.username} GET {url}: server error {resp.status_code}")
        if resp.status_code != 200 or getattr(resp, "streaming", False):
            self.pages.append((url, resp.status_code, 0))
            return None
        body = resp.content.decode("utf-8", "replace")
        refs = references(body)
        logged = set(AccessLogEntry.objects.filter(id__gt=before, actor=self.username, outcome="allowed",
                                                   operation__in=LOGGED_AS)
                     .values_list("record_type", "record_id"))
        missing = sorted(refs - logged)
        if missing:
            sample = ", ".join(f"{t} {r}" for t, r in missing[:6])
            self.gaps.append(f"{self.username} GET {url}: {len(missing)} of {len(refs)} shown not logged ({sample})")
            if os.environ.get("LOG_COVERAGE_DEBUG"):
                text = _strip(body)
                for _, r in missing[:3]:
                    i = text.find(r)
                    self.gaps.append("      ..." + " ".join(text[max(0, i - 250):i + 60].split()))
        self.checked += len(refs)
        for kind, ref in refs:
            self.shown[kind].add(ref)
        self.ok_routes.add(route)
        self.opened.update(v for v in resolve(urlsplit(url).path).kwargs.values() if isinstance(v, str))
        self.pages.append((url, 200, len(refs)))
        return body

    def crawl(self, seeds: list[str]) -> None:
        queue = list(seeds)
        while queue:
            # Breadth first, but a link to a route not yet walked goes first (every kind of page, then more).
            i = next((i for i, u in enumerate(queue) if route_of(u) not in self.ok_routes), 0)
            url = queue.pop(i)
            body = self.get(url)
            if body is not None and not body.lstrip().startswith(("{", "[")):
                queue.extend(u for u in dict.fromkeys(links(body)) if u not in self.seen_urls and u not in queue)
        for name, kind in TRIED_ROUTES.items():
            if name in self.ok_routes:
                continue
            seen = sorted(self.shown.get(kind, ()), key=lambda r: (r not in self.opened, r))
            for ref in seen[:3]:
                if self.get(reverse(name, kwargs={"ref": ref}), trying=True) is not None:
                    break


def _admin_lists() -> list[str]:
    """The admin site's index and each registered model's list (the index links to none of them: its app list
    follows Django's model permissions, which Vigil grants through rules)."""
    from django.contrib import admin

    return ["/admin/", *(reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
                         for m in admin.site._registry)]


def _pages_with_records():
    """Records some pages show only once someone has acted: a previewed batch allocation (the allocation
    manager's), a break-glass awaiting review (an offender manager opened a subject) and a task handed over."""
    from vigil.core import clock
    from vigil.core.models import BreakGlass
    from vigil.investigations.services import plan_batch
    from vigil.offenders.models import Subject

    users = get_user_model().objects.in_bulk(["alloc", "om"], field_name="username")
    plan_batch(actor=users["alloc"], as_of=AS_OF)
    other = Subject.objects.order_by("-ref").first()
    now = clock.now()
    BreakGlass.objects.create(user=users["om"], record_type="subject", record_id=other.ref, reason_code="other",
                              reason_text="a call from the public about this subject's address today",
                              at=now, expires_at=now + dt.timedelta(hours=1))
    # A task handed to the offender manager (a decision's next step): the work queue links to its page.
    from vigil.work.services import hand_over

    mine = Subject.objects.filter(manager=users["om"].officer).order_by("ref").first() or other
    hand_over(source="log-coverage:1", kind="follow_up", title="Follow up the failed visit", record_type="subject",
              record_ref=mine.ref, reasons=[f"two failed visits to {mine.ref}"], owner=users["om"].officer,
              due=now + dt.timedelta(days=1), handed_over="the decider's rationale")
    # Information governance: a subject access request, an erasure awaiting approval, a restriction, a disclosure.
    from vigil.governance import disclosures, erasure, restriction, subject_access
    from vigil.people.models import Person

    free = [p for p in Person.objects.filter(crime_roles__isnull=True, subjects__isnull=True,
                                             missing_episodes__isnull=True).order_by("ref")[:3]]
    subject_access.log_request(actor="system:test", person=mine.person, received_on=AS_OF)
    erasure.request(actor="system:test", person=free[0], reason="asked by the data subject, no policing purpose")
    restriction.place(actor="system:test", person=free[1], reason="the data subject contests its accuracy")
    disclosures.record(actor="system:test", person=mine.person, recipient_kind="probation",
                       recipient="Central West probation", lawful_basis="DPA 2018 s.35; MAPPA",
                       what="risk level and the date of the last home visit")


def _personas():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[p[0] for p in PERSONAS])}
    for username, *_ in PERSONAS:
        TOTPDevice.objects.create(user=users[username], name="authenticator", confirmed=True)
    return [(p[0], p[2], users[p[0]]) for p in PERSONAS]


@pytest.mark.django_db
def test_every_record_shown_is_logged_for_the_user_who_saw_it(monkeypatch):
    from vigil.demo.services import generate
    from vigil.sweep.engine import run_sweep

    monkeypatch.setenv("VIGIL_TODAY", AS_OF.isoformat())
    started = time.monotonic()
    with transaction.atomic():  # the matrix's pages, built on its own organisation, then rolled back
        org = build_org()
        make_restricted_officer(org)
        seeds = _seed_urls(_area_cases(org))
        transaction.set_rollback(True)
    generate(scale="small", seed=5, as_of=AS_OF)
    run_sweep(AS_OF)
    _pages_with_records()
    built = time.monotonic()
    routes = named_get_routes()
    walks = []
    for username, role, user in _personas():
        client = Client()
        verified_login(client, user)
        w = Walk(username, client)
        w.crawl([*seeds, *_admin_lists()])
        walks.append((role, w))
    done = time.monotonic()

    walked = set().union(*(w.ok_routes for _, w in walks))
    unwalked = sorted(set(routes) - walked - set(NO_PERSONAL_DATA))
    gaps = [g for _, w in walks for g in w.gaps]
    print(f"\nlog coverage: data built in {built - started:.1f}s, walked in {done - built:.1f}s")
    for role, w in walks:
        ok = sum(1 for _, s, _ in w.pages if s == 200)
        print(f"  {w.username:13} ({role}): {len(w.pages)} requests, {ok} pages shown, {w.checked} references "
              f"checked, routes: {', '.join(sorted(w.ok_routes))}")
        for url, status, n in w.pages:
            print(f"      {status} {n:4d} refs  {url}")
    print(f"  routes walked: {len(walked)}; listed as showing no personal data: {len(NO_PERSONAL_DATA)}")
    print(f"  references checked: {sum(w.checked for _, w in walks)}")
    for g in gaps:
        print("  GAP", g)
    problems = [f"named GET routes neither walked nor listed in NO_PERSONAL_DATA: {unwalked}"] if unwalked else []
    problems += gaps
    assert not problems, "records shown without a consultation entry:\n" + "\n".join(problems)
