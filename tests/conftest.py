"""Shared fixtures. Every test runs on the database DATABASE_URL names (scripts/test.sh runs SQLite, then
PostgreSQL). ``tests/factories.py`` builds organisations and people; these fixtures wire them to logins."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    """Domain code never reads the clock; infrastructure defaults read VIGIL_TODAY when a test pins it."""
    monkeypatch.delenv("VIGIL_TODAY", raising=False)
    yield


@pytest.fixture(autouse=True)
def _own_witness(settings, tmp_path):
    """Each test checkpoints the access log to its own witness: the test database is emptied between tests,
    and a checkpoint left by an earlier test would (rightly) make the log look cut short."""
    settings.VIGIL_AUDIT_WITNESS = str(tmp_path / "audit-witness.jsonl")
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached (figures kept for minutes belong to an earlier test's database)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def org(db):
    from tests.factories import build_org

    return build_org()


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in with a verified second factor, as a real sign-in would."""
    from tests.factories import verified_login

    def do(user):
        verified_login(client, user)
        return client

    return do
