"""A crawler for the pages a person can reach: sign in, follow every link from the home page, and note what each
page answered, how long it took and what it showed. Used by tests/web/test_every_page.py (Django's test client);
kept apart so another pass (a browser, axe) can walk the same pages."""
from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.urls import Resolver404, resolve

# Links a crawl does not follow: signing out, Django's own admin site, the JSON API, static files.
NOT_FOLLOWED = ("/logout", "/admin/", "/api/", "/static/", "/health/")
# Codes a person should never read: UPPER_SNAKE alert codes and lower_snake enum values.
INTERNAL_CODE = re.compile(r"\b(?:[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")
# Pages speak one date style ("1 Dec 2026", 24-hour times); an ISO date is the database's, not a person's.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _Page(HTMLParser):
    """The links and the visible text of a page (not scripts, styles, attributes or what a form holds for
    editing, such as a policy's JSON in a text area)."""

    HIDDEN = {"script", "style", "template", "noscript", "title", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.ids: set[str] = set()
        self.described_by: set[str] = set()
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        for attr in ("aria-describedby", "aria-labelledby"):
            self.described_by |= set((found.get(attr) or "").split())
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


@dataclass
class Visit:
    url: str
    status: int
    seconds: float
    found_on: str
    problem: str = ""
    html: bool = False


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)

    @property
    def problems(self) -> list[Visit]:
        return [v for v in self.visits if v.problem]

    def slowest(self, n=5) -> list[Visit]:
        return sorted(self.visits, key=lambda v: -v.seconds)[:n]


def shape(url: str) -> str:
    """Pages of one kind share a shape: the view's name and the query's keys (so /offenders/S1/ and /offenders/S2/
    are one shape, walked a few times rather than once per record)."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)} - {"page"})
    return name + "?" + "&".join(keys)


def _normal(href: str, here: str) -> str | None:
    """A same-site path (with its query) for a link, or None for a link a crawl does not follow."""
    parts = urlsplit(href)
    if not parts.path and not parts.query:  # "#main": the same page
        return None
    if (parts.scheme and parts.scheme not in ("http", "https")) or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or urlsplit(here).path
    if not path.startswith("/"):
        base = urlsplit(here).path
        path = base[: base.rfind("/") + 1] + path
    if path.startswith(NOT_FOLLOWED):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return path + ("?" + query if query else "")


def _around(text: str, found: str) -> str:
    at = text.find(found)
    return " in “…" + " ".join(text[max(0, at - 60): at + len(found) + 30].split()) + "…”"


def walk(client, *, start="/", per_shape=3, budget_s=3.0, allowed_codes=frozenset()) -> Crawl:
    """Follow every link reachable from ``start`` (at most ``per_shape`` pages of each shape), noting server
    errors, broken links, refusals, pages slower than ``budget_s``, internal codes or ISO dates in the visible
    text, and accessible names or descriptions pointing at ids the page does not have."""
    crawl = Crawl()
    seen: set[str] = {start}
    per: dict[str, int] = defaultdict(int)
    queue = deque([(start, "")])
    while queue:
        url, found_on = queue.popleft()
        began = time.perf_counter()
        try:
            resp = client.get(url)
        except Exception as exc:
            crawl.visits.append(Visit(url, 500, time.perf_counter() - began, found_on,
                                      f"raised {type(exc).__name__}: {exc}"[:300]))
            continue
        seconds = time.perf_counter() - began
        visit = Visit(url, resp.status_code, seconds, found_on)
        crawl.visits.append(visit)
        if resp.status_code in (301, 302, 303):
            target = _normal(resp["Location"], url)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if resp.status_code >= 400:
            visit.problem = f"answered {resp.status_code}"
            continue
        if seconds > budget_s:
            visit.problem = f"took {seconds:.2f} s (budget {budget_s} s)"
        if not resp.get("Content-Type", "").startswith("text/html"):
            continue
        visit.html = True
        page = _Page()
        page.feed(resp.content.decode())
        text = " ".join(page.text)
        codes = sorted({c for c in INTERNAL_CODE.findall(text)} - allowed_codes)
        if codes and not visit.problem:
            visit.problem = "shows internal codes: " + ", ".join(codes[:8]) + _around(text, codes[0])
        dates = sorted(set(ISO_DATE.findall(text)))
        if dates and not visit.problem:
            visit.problem = "shows ISO dates: " + ", ".join(dates[:4]) + _around(text, dates[0])
        missing = sorted(page.described_by - page.ids)
        if missing and not visit.problem:
            visit.problem = "aria-describedby or aria-labelledby names ids not on the page: " + ", ".join(missing[:5])
        for href in page.links:
            target = _normal(href, url)
            if target is None or target in seen:
                continue
            seen.add(target)
            kind = shape(target)
            if per[kind] >= per_shape:
                continue
            per[kind] += 1
            queue.append((target, url))
    return crawl
