"""Forms for allocation pages: they check the shape of what was typed; the rules live in ``services``."""
from __future__ import annotations

import json

from django import forms

from vigil.investigations.flags import ENGAGEMENT, SOLVABILITY_FACTORS, THRIVE_GRADES
from vigil.investigations.models import Outcome
from vigil.web.dates import DateParts
from vigil.web.pickers import OfficerField

GRADES = [("", "— choose —")] + [(g, g.capitalize()) for g in THRIVE_GRADES]


SHOWN_BEST = 20
SOMEONE_ELSE = "someone_else"


class AllocateForm(forms.Form):
    """The best 20 eligible officers to choose from, and a picker for anyone else (an officer who is not eligible
    needs a supervisor's override). Cleans ``officer`` to the chosen officer's reference."""

    officer = forms.CharField(label="Officer", required=False, max_length=64,
                              help_text="The eligible officers with the lowest cost, best first.")
    someone_else = OfficerField(label="Someone else", required=False,
                                help_text="Start typing a name or number and choose them. An officer who is not "
                                          "eligible needs a supervisor's override rationale.")
    # What the person saw when the page was drawn ("none", or the officer then allocated): if someone else
    # allocated the crime since, the change is refused and the person chooses again.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    rationale = forms.CharField(
        label="Override rationale", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only to allocate an officer who is not eligible: a supervisor (DS or above) records why. "
                  "A professional-standards restriction cannot be overridden.")

    def __init__(self, *args, eligible=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].widget = forms.RadioSelect(choices=[
            *((c.officer.ref, f"{c.officer.name} ({c.officer.ref}) · cost {c.cost} · {c.impact}")
              for c in list(eligible)[:SHOWN_BEST]),
            (SOMEONE_ELSE, "Someone else (choose them below)")])

    def clean(self):
        data = super().clean()
        chosen, other = (data.get("officer") or "").strip(), data.get("someone_else") or ""
        if chosen in ("", SOMEONE_ELSE):
            if other:
                data["officer"] = other
            elif "someone_else" not in self.errors:
                self.add_error("someone_else" if chosen else "officer",
                               "choose who is to investigate it" if not chosen else "choose the officer")
        return data


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect,
                                help_text="How the investigation ended (the Home Office outcome framework).")
    reason = forms.CharField(label="Why it closes", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="What was done and why nothing more will be. It is kept with the crime.")
    on = forms.DateField(label="Closed on", widget=DateParts())


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Why it reopens", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="New evidence, a review's finding or a closure in error. It is kept with the "
                                       "crime.")
    on = forms.DateField(label="Reopened on", widget=DateParts())


class AssessForm(forms.Form):
    threat = forms.ChoiceField(label="Threat", choices=GRADES)
    harm = forms.ChoiceField(label="Harm", choices=GRADES)
    risk = forms.ChoiceField(label="Risk", choices=GRADES)
    engagement = forms.ChoiceField(label="Victim engagement", required=False,
                                   choices=[("", "— not known —")] + [(e, e.replace("_", " ")) for e in ENGAGEMENT])
    solvability = forms.MultipleChoiceField(
        label="Solvability factors found", required=False, choices=list(SOLVABILITY_FACTORS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Screening may lower a volume crime with none; it never lowers a crime with a vulnerable victim.")
    notes = forms.CharField(label="Vulnerability and investigation notes", required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))


class BatchForm(forms.Form):
    scope = forms.ChoiceField(label="Queue to allocate")

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = list(scopes)


class MatrixForm(forms.Form):
    matrix = forms.CharField(
        label="Required-level matrix (JSON)", widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text="A list of rules. Each has a name, a selector (codes, groups, subgroups and/or flags), a minimum "
                  "PIP level (pip_level) and the specialisms needed. A crime needs the highest level and every "
                  "specialism of the rules it matches.")
    reason = forms.CharField(label="Reason for the change", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded with your name and the time in the policy's version history.")

    def clean_matrix(self):
        try:
            return json.loads(self.cleaned_data["matrix"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
