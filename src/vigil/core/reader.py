"""The other process of ``core.rows.read_ahead``: reads a pickled request on standard input (the database's name
and where it is, a function, its arguments), sets Django up on that database, calls the function and writes its
pickled answer, or the exception it raised, on standard output. Started by Vigil itself, never by a person."""
from __future__ import annotations

import os
import pickle
import sys


def main() -> None:
    request, answer_to = sys.stdin.buffer.read(), sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed while setting up or reading goes to the log, not into the answer
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()  # before the request is unpickled: its function's module needs the apps
    from django.db import connection

    db, fn, args, kwargs = pickle.loads(request)  # noqa: S301 - from the process that started us

    connection.settings_dict.update(db)  # the same database (the tests' too: its name is set at run time)
    try:
        answer = (True, fn(*args, **kwargs))
    except Exception as exc:  # handed back whole, to be raised where the answer is wanted
        answer = (False, exc)
    finally:
        connection.close()
    answer_to.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    answer_to.flush()


if __name__ == "__main__":
    main()
