"""Production refuses to start with demo or debug settings, a default secret or MFA off; each is one line."""
import os
import subprocess
import sys

import pytest

CASES = [
    ({"VIGIL_ENV": "production"}, "VIGIL_SECRET_KEY"),
    ({"VIGIL_ENV": "production", "VIGIL_SECRET_KEY": "x" * 50, "VIGIL_DEBUG": "1"}, "VIGIL_DEBUG=1"),
    ({"VIGIL_ENV": "production", "VIGIL_SECRET_KEY": "x" * 50, "VIGIL_MFA": "off"}, "MFA"),
    ({"VIGIL_ENV": "test", "VIGIL_MFA": "off"}, "only in the demo"),
    ({"VIGIL_ENV": "staging"}, "VIGIL_ENV='staging'"),
]


@pytest.mark.parametrize("env,message", CASES)
def test_unsafe_configuration_is_refused_in_one_line(tmp_path, env, message):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    full.update(env, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "sweep", "--as-of", "2024-08-15"], env=full,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_production_starts_with_safe_settings(tmp_path):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    full.update(VIGIL_ENV="production", VIGIL_SECRET_KEY="k" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    proc = subprocess.run([sys.executable, "-m", "vigil.cli", "audit", "verify"], env=full, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "access log intact" in proc.stdout
