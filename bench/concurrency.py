"""A team on one server: N people signed in at once, each opening pages as fast as the server answers.

    .venv/bin/python bench/concurrency.py [--scale small] [--db sqlite|postgresql|both] [--users 5,20,50]
                                          [--seconds 20] [--before]

The server is the demo's own (``vigil demo``: generated data, sweep, the threaded server), on a new database.
Every virtual user signs in as one of the demo personas and loops over pages that write access-log entries
(My work, the subject list, a subject record, search). Reported per engine and number of users: requests,
errors (any status >= 500, or a dropped connection), p50 and p95 latency. ``--before`` also runs SQLite with
deferred transactions (the behaviour before IMMEDIATE), so both appear in one run. The reference is one user
alone on the same server and database: its p50 is the denominator of the ratio column.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from _common import ROOT, machine, parser

PASSWORD = "Vigil-demo-2024!"  # noqa: S105 - the synthetic demo accounts' published password
PERSONAS = ["om", "ds", "di", "supt", "alloc", "investigator", "mispers", "analyst", "pso", "auditor"]
PAGES = {
    "om": ["/", "/offenders/subjects/", "/offenders/", "/people/?q=Smith"],
    "ds": ["/", "/offenders/subjects/", "/offenders/queue/"],
    "di": ["/", "/offenders/subjects/"],
    "supt": ["/", "/offenders/dashboard/"],
    "alloc": ["/", "/crimes/"],
    "investigator": ["/", "/crimes/"],
    "mispers": ["/", "/missing/"],
    "analyst": ["/", "/missing/"],
    "pso": ["/", "/audit/break-glass/"],
    "auditor": ["/", "/audit/"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, var: Path, extra_env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_"))}
    env.update(DATABASE_URL=database_url, VIGIL_VAR_DIR=str(var), VIGIL_ENV="demo", VIGIL_MFA="off",
               VIGIL_LOCKOUT_FAILURES="1000", **extra_env)
    log = open(var / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([str(ROOT / ".venv/bin/vigil"), "demo", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=var)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, base + "/login/", log.name, 900)
    return proc, base


def wait_until_up(proc: subprocess.Popen, url: str, log_name: str, seconds: float) -> None:
    """Until the server answers ``url``; exit if it stops or does not answer in time."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: see {log_name}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {seconds:.0f} s")


class User:
    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def sign_in(self) -> None:
        html = self.opener.open(self.base + "/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": self.username,
                                       "password": PASSWORD}).encode()
        req = urllib.request.Request(self.base + "/login/", data=data,  # noqa: S310
                                     headers={"Referer": self.base + "/login/"})
        final = self.opener.open(req, timeout=60).geturl()
        if "/login" in final:
            raise SystemExit(f"{self.username} could not sign in")

    def get(self, path: str) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            status = self.opener.open(self.base + path, timeout=120).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            status = 0
        return status, time.perf_counter() - start


def run_load(base: str, users: int, seconds: float) -> dict:
    people = [User(base, PERSONAS[i % len(PERSONAS)]) for i in range(users)]
    for p in people:
        p.sign_in()
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(users)
    stop_at = [0.0]

    def work(p: User):
        start.wait()
        pages = PAGES[p.username]
        i = 0
        while time.perf_counter() < stop_at[0]:
            r = p.get(pages[i % len(pages)])
            i += 1
            with lock:
                results.append(r)

    stop_at[0] = time.perf_counter() + seconds
    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = sorted(t for _, t in results)
    errors = sum(1 for s, _ in results if s == 0 or s >= 500)
    return {"requests": len(results), "errors": errors,
            "p50": statistics.median(lat) if lat else 0.0,
            "p95": lat[int(0.95 * (len(lat) - 1))] if lat else 0.0}


def main() -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--users", default="5,20,50")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--before", action="store_true", help="also SQLite with deferred transactions")
    for action in p._actions:
        if action.dest == "db":
            action.choices = ["sqlite", "postgresql", "both"]
    p.set_defaults(db="both")
    args, _ = p.parse_known_args()
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    counts = [int(n) for n in args.users.split(",")]
    runs = []
    for engine in engines:
        modes = ["IMMEDIATE", "DEFERRED"] if engine == "sqlite" and args.before else [None]
        for mode in modes:
            runs.append((engine, mode))
    print(f"machine: {machine()}; scale {args.scale}; {args.seconds:.0f} s per load")
    print("| engine | transactions | users | requests | errors | p50 ms | p95 ms | p50 / 1-user p50 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for engine, mode in runs:
        var = Path(tempfile.mkdtemp(prefix="vigil-conc-"))
        if engine == "sqlite":
            url = f"sqlite:///{var}/vigil.sqlite3"
        else:
            name = f"vigil_bench_conc_{os.getpid()}"
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            url = f"{args.pg}/{name}"
        extra = {"VIGIL_SQLITE_TRANSACTION_MODE": mode} if mode else {}
        proc, base = start_server(url, var, extra)
        try:
            ref = run_load(base, 1, min(args.seconds, 10))
            for n in counts:
                r = run_load(base, n, args.seconds)
                label = (mode or "IMMEDIATE").lower() if engine == "sqlite" else "(server's)"
                print(f"| {engine} | {label} | {n} | {r['requests']} | {r['errors']} | {r['p50'] * 1000:.0f} | "
                      f"{r['p95'] * 1000:.0f} | {r['p50'] / ref['p50']:.1f} |", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
