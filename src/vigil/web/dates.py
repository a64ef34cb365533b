"""Dates as people write them: day, month and year in three boxes (GOV.UK Frontend's date input, issue 12).

``DateParts`` is the widget of every date a person types in a form. It reads the three boxes back as one ISO
date for Django's ``DateField``. A year of fewer than four digits, or a box that is not a number, is not a date:
what was typed is shown again, and the field says "Enter a valid date" instead of taking 15/8/24 for the year 24.
A form sent with the date whole (``date=2024-08-15``: a script, an old tab, the tests) is read as it is.
"""
from __future__ import annotations

import datetime as dt

from django import forms

PARTS = ("day", "month", "year")
SEP = "|"  # joins the boxes of what is not a date, kept to show again; no date format has it


class DateParts(forms.MultiWidget):
    template_name = "web/widgets/date_parts.html"  # in web/field.html's fieldset (MultiWidget.use_fieldset)

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "autocomplete": "off"}
        super().__init__({part: forms.TextInput(attrs={**box, "class": f"govuk-date-input__input govuk-input--width-{4 if part == 'year' else 2}"})
                          for part in PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, str) and value.count(SEP) == 2:
            return value.split(SEP)
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)
        day, month, year = (str(data.get(f"{name}_{part}") or "").strip() for part in PARTS)
        if not (day or month or year):
            return ""
        if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4 and len(day) <= 2
                and len(month) <= 2):
            return SEP.join((day, month, year))
        return f"{year}-{int(month):02d}-{int(day):02d}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{part}" in data for part in PARTS)
