from django import forms

from vigil.standards.models import CaseCategory, CaseOutcome
from vigil.web.dates import DateParts
from vigil.web.pickers import OfficerField


class OpenCaseForm(forms.Form):
    officer = OfficerField(label="Officer", help_text="Start typing their name or number, and choose them.")
    category = forms.ChoiceField(label="Category", choices=[("", "— choose —"), *CaseCategory.choices],
                                 help_text="Domestic abuse, VAWG and sexual misconduct restrict the officer at once.")
    opened = forms.DateField(label="Opened on", widget=DateParts())
    summary = forms.CharField(label="Summary", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="One line on what is alleged. Seen by professional standards only.")


class CloseCaseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=CaseOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why it closes", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept with the case; seen by professional standards only.")
    closed = forms.DateField(label="Closed on", widget=DateParts(),
                             help_text="The restriction ends the day after.")


class ReopenCaseForm(forms.Form):
    reason = forms.CharField(label="Why it reopens", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="New evidence, an appeal, a closing made in error. Kept with the case.")
    on = forms.DateField(label="Reopened on", widget=DateParts(),
                         help_text="The restriction, if the category carries one, is in force again from this day.")
