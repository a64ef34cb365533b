from django import forms

from vigil.core.models import BreakGlass


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or id", min_length=2, max_length=100)


class BreakGlassForm(forms.Form):
    purpose = forms.ChoiceField(label="What you need to do", choices=BreakGlass.Purpose.choices,
                                initial=BreakGlass.Purpose.READ, widget=forms.RadioSelect, required=False,
                                help_text="A break-glass to read does not let you change the record.")
    reason_code = forms.ChoiceField(label="Reason", choices=[("", "Choose a reason"), *BreakGlass.Reason.choices])
    reason_text = forms.CharField(
        label="Why you need this record now", min_length=15, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be specific: incident or case number, who asked, what you will do. Professional standards "
                  "reviews every break-glass.",
    )

    def clean_purpose(self):
        return self.cleaned_data.get("purpose") or BreakGlass.Purpose.READ

    def clean_reason_text(self):
        from vigil.core.breakglass import reason_problem

        text = self.cleaned_data["reason_text"]
        problem = reason_problem(text)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return text.strip()
