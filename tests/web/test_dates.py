"""Dates typed as day, month and year (web/dates.py): read back as one date, refused with one line when they are
not a date, and accepted whole from a script or an old tab."""
from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from vigil.web.dates import DateParts


class Form(forms.Form):
    on = forms.DateField(label="Closed on", widget=DateParts())


def _parts(day, month, year):
    return {"on_day": day, "on_month": month, "on_year": year}


def test_three_boxes_make_one_date():
    form = Form(_parts("1", "8", "2024"))
    assert form.is_valid() and form.cleaned_data["on"] == dt.date(2024, 8, 1)


def test_a_whole_date_is_read_as_it_is():
    form = Form({"on": "2024-08-15"})
    assert form.is_valid() and form.cleaned_data["on"] == dt.date(2024, 8, 15)


@pytest.mark.parametrize("day, month, year", [("15", "8", "24"), ("31", "2", "2024"), ("1st", "8", "2024"),
                                              ("15", "August", "2024"), ("", "8", "2024"), ("-1", "8", "2024")])
def test_what_is_not_a_date_is_refused_in_one_line(day, month, year):
    form = Form(_parts(day, month, year))
    assert not form.is_valid()
    assert form.errors["on"] == ["Enter a valid date."]


def test_nothing_typed_is_a_missing_date_not_a_wrong_one():
    form = Form(_parts("", "", ""))
    assert not form.is_valid() and form.errors["on"] == ["This field is required."]


def test_the_page_shows_labelled_boxes_in_a_fieldset_with_the_value_kept():
    from django.template.loader import render_to_string

    form = Form(_parts("15", "8", "24"))
    form.is_valid()
    html = render_to_string("web/fields.html", {"form": form})
    assert '<fieldset class="govuk-fieldset"' in html and "<legend" in html and "Closed on" in html
    for label, box in (("Day", "id_on_0"), ("Month", "id_on_1"), ("Year", "id_on_2")):
        assert f'for="{box}">{label}</label>' in html
    assert 'value="24"' in html and 'aria-invalid="true"' in html and "id_on_error" in html


@given(st.dictionaries(st.sampled_from(["on_day", "on_month", "on_year", "on"]), st.text(max_size=12)))
def test_any_answer_is_a_date_or_one_error(data):
    form = Form(data)
    if form.is_valid():
        assert isinstance(form.cleaned_data["on"], dt.date)
    else:
        assert len(form.errors["on"]) == 1
