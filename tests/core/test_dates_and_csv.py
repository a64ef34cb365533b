"""Dates people don't expect get one line and change nothing; a bad as-of never sticks to the session; CSV cells
never run as spreadsheet formulas."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core import clock
from vigil.core.errors import InputError
from vigil.core.exports import csv_writer, safe_cell


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "2999-01-01"])
def test_as_of_outside_the_range_is_one_line(text):
    with pytest.raises(InputError) as exc:
        clock.parse_as_of(text)
    assert "outside the dates Vigil answers for" in str(exc.value) and "\n" not in str(exc.value)


def test_as_of_inside_the_range():
    assert clock.parse_as_of("2018-03-01") == dt.date(2018, 3, 1)
    assert clock.parse_as_of(clock.today().isoformat()) == clock.today()


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_one_line(text):
    try:
        day = clock.parse_as_of(text)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert clock.EARLIEST <= day <= clock.latest()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0001-01-01", "9999-12-31", "not-a-date", "2024-02-30"])
def test_a_bad_as_of_link_does_not_stick_to_the_session(org, login, bad):
    client = login(org.user("offender_manager"))
    r = client.get(f"/?as_of={bad}")
    assert r.status_code == 200
    assert "showing today instead" in r.content.decode() or "not a date" in r.content.decode()
    assert "vigil_as_of" not in client.session
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_good_as_of_sticks_and_an_empty_one_clears_it(org, login):
    client = login(org.user("offender_manager"))
    client.get("/?as_of=2018-03-01")
    assert client.session["vigil_as_of"] == "2018-03-01"
    client.get("/?as_of=")
    assert "vigil_as_of" not in client.session


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell):
    buf = io.StringIO()
    csv_writer(buf).writerow([cell, "plain", 3])
    first = next(csv.reader(io.StringIO(buf.getvalue())))
    assert first[0] == "'" + cell and first[1] == "plain" and first[2] == "3"
    assert safe_cell(5) == 5 and safe_cell("Smith") == "Smith"


def test_a_record_date_may_lie_further_ahead_than_a_question():
    """A 20-year order's end is a fact to record; an as-of date 20 years ahead is not a question Vigil answers."""
    far = clock.today().replace(year=clock.today().year + 20, day=1)
    assert clock.in_range(far, "an order's end", record=True) == far
    with pytest.raises(InputError):
        clock.in_range(far)
    with pytest.raises(InputError):
        clock.in_range(dt.date(9999, 12, 31), "an order's end", record=True)
