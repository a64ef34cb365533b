from django import forms

from vigil.core.models import BreakGlass


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or id", min_length=2, max_length=100)


class BreakGlassForm(forms.Form):
    reason_code = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason"), *BreakGlass.Reason.choices])
    reason_text = forms.CharField(
        label="Why you need this record now", min_length=15, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be specific: incident or case number, who asked, what you will do. Professional standards "
                  "reviews every break-glass.",
    )
