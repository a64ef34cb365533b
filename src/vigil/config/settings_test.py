"""Test settings: the same stack, with the database chosen by DATABASE_URL and a per-run test database name."""
import os

os.environ.setdefault("VIGIL_ENV", "test")

from vigil.config.settings import *  # noqa: F403
from vigil.config.settings import DATABASES

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Parallel runs (several developers on one machine) must not share a test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("VIGIL_TEST_DB_NAME", "test_vigil")}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("VIGIL_TEST_SQLITE", "")} if os.environ.get("VIGIL_TEST_SQLITE") else {}

# Argon2 stays (it is what production uses), with cheap parameters set in tests/conftest.py.
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True

# The test database is flushed between tests, which append-only triggers would refuse; the tests that prove the
# triggers work install them inside their own transaction (tests/core/test_access_log.py).
VIGIL_ACCESS_LOG_TRIGGERS = False
PASSWORD_HASHERS = ["vigil.config.test_hashers.QuickArgon2PasswordHasher"]
