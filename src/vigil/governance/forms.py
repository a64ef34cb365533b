"""The information-governance forms: Django forms rendered through the shared field templates."""
from __future__ import annotations

from django import forms

from vigil.governance.models import RecipientKind, RetentionDecision
from vigil.people.models import Person
from vigil.web.dates import DateParts


def _text(label: str, help_text: str = "", rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PersonField(forms.CharField):
    """A person by reference: refused at once when there is no such person or they were erased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Person reference")
        kwargs.setdefault("help_text", "The reference shown beside the person's name on their record")
        super().__init__(max_length=64, **kwargs)

    def clean(self, value):
        ref = super().clean(value).strip()
        person = Person.objects.filter(ref=ref).first()
        if person is None:
            raise forms.ValidationError(f"there is no person {ref}")
        if person.erased_at:
            raise forms.ValidationError(f"person {ref} was erased on {person.erased_at:%-d %b %Y}")
        return person


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=RetentionDecision.choices)
    rationale = _text("Rationale", "Why the record is still needed for a policing purpose, or why it is not")
    next_review_on = forms.DateField(label="Next review (retain only)", required=False,
                                     help_text="Leave empty for the group's full review period",
                                     widget=DateParts())


class AccessRequestForm(forms.Form):
    person = PersonField()
    received_on = forms.DateField(label="Received on", widget=DateParts(),
                                  help_text="The day the request reached the force: the one month runs from it")


class ErasureRequestForm(forms.Form):
    person = PersonField()
    reason = _text("Reason", "Why the person should be erased (the data subject's request, a disposal)")


class DecideErasureForm(forms.Form):
    action = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("approve", "Approve: erase the person now"), ("withdraw", "Withdraw the request")])
    reason = _text("Reason for withdrawing", "Only when withdrawing", required=False, rows=2)


class RestrictionForm(forms.Form):
    person = PersonField()
    action = forms.ChoiceField(label="Action", widget=forms.RadioSelect, choices=[
        ("place", "Restrict processing"), ("lift", "Lift the restriction")])
    reason = _text("Reason", "For example: the data subject contests the accuracy of the record")


class DisclosureForm(forms.Form):
    recipient_kind = forms.ChoiceField(label="Partner agency", widget=forms.RadioSelect, choices=RecipientKind.choices)
    recipient = forms.CharField(label="Recipient", max_length=200,
                                help_text="The agency, and the named person where known")
    lawful_basis = forms.CharField(label="Lawful basis", max_length=300,
                                   help_text="For example: DPA 2018 s.35 and s.31, safeguarding a child (Children Act "
                                             "2004 s.11)")
    what = _text("What was sent", "Describe what was shared (do not paste the data itself)")
