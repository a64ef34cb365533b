"""Shared set-up for benchmarks: a fresh database (SQLite file or a new PostgreSQL database), Django configured
against it, and a timer. Every benchmark prints its figure as a ratio to a reference measured in the same run."""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--scale", default="small", choices=["small", "london", "national"])
    p.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL (no database)")
    p.add_argument("--seed", type=int, default=1)
    return p


def setup_database(db: str, pg: str, name: str) -> str:
    """Point Django at a new, empty database and migrate it. Returns a description for the report."""
    if db == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="vigil-bench-")) / f"{name}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        dbname = f"vigil_bench_{name}"
        host = pg.split("@")[-1].split(":")[0]
        subprocess.run(["dropdb", "-h", host, "-U", "postgres", "--if-exists", dbname], check=True)
        subprocess.run(["createdb", "-h", host, "-U", "postgres", dbname], check=True)
        os.environ["DATABASE_URL"] = f"{pg}/{dbname}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    os.environ.setdefault("VIGIL_ENV", "development")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


@contextmanager
def timer(results: dict, key: str):
    start = time.perf_counter()
    yield
    results[key] = time.perf_counter() - start


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def samples(fn, n: int) -> list[float]:
    """``fn`` timed ``n`` times, in seconds."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def best(fn, repeat: int = 3) -> float:
    """The best of ``repeat`` timings of ``fn``, in seconds."""
    return min(samples(fn, repeat))
