"""Fixtures for the core tests."""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlparse

import pytest


@pytest.fixture
def postgres_database():
    """A throwaway PostgreSQL database on the server DATABASE_URL names (as in test_database_roles)."""
    import psycopg

    u = urlparse(os.environ["DATABASE_URL"])
    name = f"vigil_bk_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname=u.path.lstrip("/"),
                            autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgres://{u.username}@{u.hostname}:{u.port or 5432}/{name}"
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
