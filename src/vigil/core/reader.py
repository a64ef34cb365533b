"""The other process of ``core.rows.read_ahead`` (SQLite) and ``core.rows.judge_elsewhere`` (PostgreSQL): sets
Django up, then reads a pickled request on standard input (the database's name and where it is, a function, its
arguments), calls the function and writes its pickled answer, or the exception it raised, on standard output.
Started by Vigil itself, never by a person.

Setting up comes first, so a command that knows it will ask can start its reader as it starts itself
(``start_early``: ``vigil sweep``): both set Python and Django up at once, on two cores, and the request finds the
reader ready. A reader never asked (its standard input closed empty) leaves without a word."""
from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys

_early: subprocess.Popen | None = None


def start_early() -> None:
    """Start a reader now, for this process's first read-ahead (SQLite) or judgement elsewhere (PostgreSQL).
    Called before Django is set up."""
    global _early
    if _early is None:
        _early = _spawn()
        atexit.register(_dismiss)


def take() -> subprocess.Popen:
    """The reader started early, if there is one not yet used; else a new one."""
    global _early
    proc, _early = _early, None
    return proc if proc is not None and proc.poll() is None else _spawn()


def _spawn() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "vigil.core.reader"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _dismiss() -> None:
    """At exit: a reader started early and never asked is stopped (the command failed, or read nothing ahead)."""
    global _early
    if _early is not None:
        _early.kill()
        _early.wait()
        _early = None


def main() -> None:
    answer_to = sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed while setting up or reading goes to the log, not into the answer
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()  # before the request is unpickled: its function's module needs the apps
    request = sys.stdin.buffer.read()
    if not request:  # closed unasked
        return
    from django.db import connection

    db, fn, args, kwargs = pickle.loads(request)  # noqa: S301 - from the process that started us

    connection.settings_dict.update(db)  # the same database (the tests' too: its name is set at run time)
    from vigil.core.rows import cycles_collected_after

    try:
        with cycles_collected_after():  # a one-off: it answers and ends
            answer = (True, fn(*args, **kwargs))
    except Exception as exc:  # handed back whole, to be raised where the answer is wanted
        answer = (False, exc)
    finally:
        connection.close()
    answer_to.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    answer_to.flush()


if __name__ == "__main__":
    main()
