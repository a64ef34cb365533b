"""How long the foundation's generators take for the officers and people they make, at a scale.

Reference (same run, same database): inserting the same number of bare person rows with one raw ``executemany``,
the floor for writing that many rows through the database driver.
"""
from __future__ import annotations

import datetime as dt

from _common import machine, parser, setup_database, timer


def main() -> None:
    args = parser(__doc__).parse_args()
    url = setup_database(args.db, args.pg, f"gen_{args.scale}")
    from django.db import connection, transaction

    from vigil.accounts.models import Officer
    from vigil.demo.organisation import demo_logins, organisation, people
    from vigil.demo.registry import GenerateContext
    from vigil.people.models import Address, Person

    ctx = GenerateContext(scale=args.scale, seed=args.seed, as_of=dt.date(2024, 8, 15))
    t: dict[str, float] = {}
    with timer(t, "generate"), transaction.atomic():
        organisation(ctx)
        demo_logins(ctx)
        people(ctx)
    n_people, n_officers = Person.objects.count(), Officer.objects.count()
    rows = [(f"R{i:08d}", "Given", "Surname", "unknown") for i in range(n_people)]
    with timer(t, "reference"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_ref (ref varchar(64), given varchar(200), surname varchar(200), "
                    "sex varchar(8))")
        cur.executemany("INSERT INTO bench_ref VALUES (%s, %s, %s, %s)", rows)
    print(f"database: {url.split('@')[-1]}  machine: {machine()}")
    print(f"scale {args.scale}: {n_officers:,} officers, {n_people:,} people, {Address.objects.count():,} addresses")
    print(f"generate (officers + people): {t['generate']:.2f} s")
    print(f"reference (raw executemany of {n_people:,} bare rows): {t['reference']:.2f} s")
    print(f"ratio: {t['generate'] / t['reference']:.1f}x the reference")


if __name__ == "__main__":
    main()
