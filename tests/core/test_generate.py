"""Synthetic data: deterministic for a seed and date, fictional, with a realistic officer skill mix."""
import datetime as dt
import re

import pytest

from vigil.accounts.models import Officer
from vigil.core.errors import InputError
from vigil.demo.services import generate
from vigil.people.models import Address, Person, Phone

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 8, 15)


def _snapshot():
    return (list(Person.objects.order_by("ref").values_list("ref", "given_names", "surname", "date_of_birth")),
            list(Officer.objects.order_by("ref").values_list("ref", "name", "rank", "pip_level", "student_officer")))


@pytest.mark.django_db(transaction=True)  # flush between runs needs real commits (PostgreSQL refuses it mid-transaction)
def test_the_same_seed_gives_the_same_data():
    generate(scale="small", seed=11, as_of=AS_OF)
    first = _snapshot()
    from django.core.management import call_command
    call_command("flush", interactive=False, verbosity=0)
    generate(scale="small", seed=11, as_of=AS_OF)
    assert _snapshot() == first
    call_command("flush", interactive=False, verbosity=0)
    generate(scale="small", seed=12, as_of=AS_OF)
    assert _snapshot() != first


def test_generated_personal_data_is_fictional():
    generate(scale="small", seed=3, as_of=AS_OF)
    postcodes = set(Address.objects.values_list("postcode", flat=True))
    assert postcodes and all(re.match(r"^X[WENSC]\d", pc) for pc in postcodes)
    assert all(n.startswith("077009") for n in Phone.objects.values_list("number", flat=True))


def test_officer_mix_is_realistic():
    generate(scale="small", seed=3, as_of=AS_OF)
    constables = Officer.objects.filter(rank__in=["PC", "DC"])
    students = constables.filter(student_officer=True).count()
    assert 0.1 <= students / constables.count() <= 0.4  # about a quarter of constables
    assert Officer.objects.filter(pip_level=3).exists() and Officer.objects.filter(rank="DI").exists()
    assert all(o.years_of_service(AS_OF) < 2 for o in Officer.objects.filter(student_officer=True))


def test_generate_refuses_a_database_that_holds_people():
    generate(scale="small", seed=3, as_of=AS_OF)
    with pytest.raises(InputError, match="already holds people"):
        generate(scale="small", seed=3, as_of=AS_OF)


def test_unknown_scale_is_refused():
    with pytest.raises(InputError, match="not one of small, london, national"):
        generate(scale="galactic", seed=1, as_of=AS_OF)


def test_the_planner_knows_the_generated_tables_at_once():
    """PostgreSQL: generate leaves the planner statistics up to date (autovacuum may be off, or hours behind), so
    the first page on a London data set is planned for 800,000 crimes, not for an empty table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans without statistics")
    generate(scale="small", seed=5, as_of=AS_OF)
    with connection.cursor() as cur:
        cur.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN ('people_person', 'offenders_visit')")
        estimates = dict(cur.fetchall())
    assert estimates["people_person"] > 0 and estimates["offenders_visit"] > 0  # -1: never analysed
