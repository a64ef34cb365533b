"""The code stays as clean as the day it landed: ruff's broad rule set (pyproject.toml) over src, tests and bench.
A lint failure fails the suite, so it fails CI, rather than waiting for someone to run ``make lint``."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_reports_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "src", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
