"""``manage.py check --deploy`` is clean under production settings (no VIGIL_ENV, a real secret key): HTTPS-only
cookies, HSTS, SSL redirect, no debug. Run as the operator would, in a fresh process."""
from __future__ import annotations

import secrets
import subprocess
import sys

from tests.core.test_cli import _env


def test_deploy_checks_pass_under_production_settings(tmp_path):
    env = _env(tmp_path) | {"DJANGO_SETTINGS_MODULE": "vigil.config.settings",
                            "VIGIL_SECRET_KEY": secrets.token_urlsafe(64)}
    proc = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout
