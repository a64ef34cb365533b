"""Plain English on pages (web/words.py): a code becomes its label, a sentence's codes and ISO dates become what
a person reads, an unknown code stays visible (so the page crawl finds it), and what a page already escaped is not
escaped twice."""
from __future__ import annotations

import pytest
from django.template import Context, Template

from vigil.web import words


def test_a_code_is_its_label_from_the_catalogue_or_its_choices():
    assert words.plain("VISIT_OVERDUE") == "Home visit overdue"
    assert words.plain("no_reply") == "No reply"
    assert words.plain("online_csa") == "Online child sexual abuse"
    assert words.plain("very_low") == "Very low"


def test_a_sentence_reads_as_a_person_would_say_it():
    said = words.plain("2 failed home attempts since the last successful visit on 2017-03-02 "
                       "(no_reply 2019-10-28, refused_entry 2019-11-04)")
    assert said == ("2 failed home attempts since the last successful visit on 2 Mar 2017 "
                    "(no reply 28 Oct 2019, refused entry 4 Nov 2019)")
    assert words.plain("VISIT_OVERDUE opened on 2025-12-31") == "Home visit overdue opened on 31 Dec 2025"
    assert words.plain("PIP2 + online_csa") == "PIP2 + online child sexual abuse"
    assert words.plain("identifier pnc_id:26/1X") == "identifier PNC ID:26/1X"  # an acronym keeps its capitals


def test_times_are_uk_time_and_24_hour():
    assert words.plain("done 2024-06-03 14:00") == "done 3 Jun 2024 at 14:00"  # written in the force's own time
    assert words.plain("at 2024-01-15T18:30:00+00:00") == "at 15 Jan 2024 at 18:30"
    assert words.plain("at 2024-07-15T18:30:00+00:00") == "at 15 Jul 2024 at 19:30"  # British Summer Time


def test_what_has_no_label_stays_as_it_is():
    assert words.plain("made_up_code and 2024-02-30") == "made_up_code and 2024-02-30"
    assert words.plain(None) == ""
    assert words.plain("") == ""


def test_the_filter_escapes_once():
    out = Template('{{ v|plain }}|{{ items|join:"; "|plain }}').render(Context(
        {"v": "<b>no_reply</b>", "items": ["a & b", "refused_entry"]}))
    assert out == "&lt;b&gt;no reply&lt;/b&gt;|a &amp; b; refused entry"


def test_references_in_a_sentence_get_the_names_a_page_was_given():
    names = {"S000007": "Mark Ellery", "O00003": "Supt Donna Evans"}
    said = words.plain("found with person PA0000320, a record resolved to subject S000007's identity; now with "
                       "officer O00003", names=names)
    assert said == ("found with person PA0000320, a record resolved to subject Mark Ellery (S000007)'s identity; "
                    "now with officer Supt Donna Evans (O00003)")  # an unnamed (or denied) record keeps its reference
    assert words.plain("PIP2 + online_csa", names=names) == "PIP2 + online child sexual abuse"


@pytest.mark.django_db
def test_the_home_page_names_the_records_its_alerts_are_about(org, monkeypatch):
    import datetime as dt

    from django.test import Client

    from tests.factories import verified_login
    from tests.offenders.factories import seed_case
    from vigil.sweep.engine import run_sweep

    monkeypatch.setenv("VIGIL_TODAY", "2024-08-15")
    subject = seed_case(org)
    run_sweep(dt.date(2024, 8, 15))
    c = Client()
    verified_login(c, org.user("offender_manager"))
    page = c.get("/").content.decode()
    assert f"{subject.person.display_name} (S1)</a>" in page


def test_a_refusal_goes_next_to_the_field_it_belongs_to():
    from django import forms

    from vigil.core.errors import InputError
    from vigil.web.actions import input_error

    class F(forms.Form):
        reason = forms.CharField(label="Why it closes")
        on = forms.DateField(label="Closed on")

    f = F({"reason": "x", "on": "2024-01-01"})
    assert f.is_valid()
    input_error(f, InputError("a crime cannot be closed before it was reported", field="on"))
    input_error(f, InputError("reason: say why (at least 15 characters)", field="reason"))
    input_error(f, InputError("something else went wrong"))
    assert f.errors["on"] == ["a crime cannot be closed before it was reported"]
    assert f.errors["reason"] == ["say why (at least 15 characters)"]
    assert f.non_field_errors() == ["something else went wrong"]
