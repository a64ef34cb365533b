"""Forms of the missing-children pages: labels, hints and one clear error next to each field. No business rules:
the services check the records; the forms check the input is well formed and not in the future."""
from __future__ import annotations

from django import forms

from vigil.core import clock
from vigil.missing.models import RiskGrade, Stage
from vigil.missing.rules import INDICATORS
from vigil.web.dates import DateParts
from vigil.web.pickers import PickerInput

WHEN_FORMAT = "%Y-%m-%dT%H:%M"


class When(forms.DateTimeField):
    """A date and time entered on a phone or tablet (the browser's date-time picker), never in the future."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WHEN_FORMAT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", [WHEN_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and moment > clock.now():
            raise forms.ValidationError("cannot be in the future")
        return moment


def _text(label: str, hint: str = "", required: bool = False, rows: int = 3, max_length: int = 5000):
    return forms.CharField(label=label, help_text=hint, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ReportForm(forms.Form):
    child = forms.CharField(label="The child's record", required=False, max_length=64,
                            widget=PickerInput("people"),
                            help_text="Start typing the child's name or reference and choose them. Leave empty to "
                                      "create a new record from the names below.")
    given_names = forms.CharField(label="Given names (new record)", required=False, max_length=200)
    surname = forms.CharField(label="Surname (new record)", required=False, max_length=200)
    date_of_birth = forms.DateField(label="Date of birth (new record)", required=False,
                                    widget=DateParts())
    reported_at = When(label="Reported at", help_text="When the report was made to police")
    last_seen_at = When(label="Last seen at", required=False)
    last_seen_place = forms.CharField(label="Last seen where", required=False, max_length=300)
    reported_by_text = forms.CharField(label="Reported by", required=False, max_length=200,
                                       help_text="For example: residential care staff, parent, school")
    circumstances = _text("Circumstances", "What is known about how and why the child went missing", rows=4)

    def clean(self):
        data = super().clean()
        if not data.get("child") and not ((data.get("given_names") or "").strip() or (data.get("surname") or "").strip()):
            self.add_error("child", "choose the child's record, or give a given name or surname for a new record "
                                    "(one is enough when the other is not known)")
        dob = data.get("date_of_birth")
        if dob and dob > clock.today():
            self.add_error("date_of_birth", "cannot be in the future")
        return data


class GradeForm(forms.Form):
    grade = forms.ChoiceField(label="Risk grade", widget=forms.RadioSelect)
    rationale = _text("Rationale", "Why this grade, with reference to what the force holds on the child (shown "
                                   "above)", required=True, rows=4)
    graded_at = When(label="Graded at")

    def __init__(self, *args, labels: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = labels or {}
        self.fields["grade"].choices = [(g, labels.get(g, RiskGrade(g).label)) for g in RiskGrade.values]

    def clean_rationale(self):
        text = self.cleaned_data["rationale"].strip()
        if len(text) < 10:
            raise forms.ValidationError("write at least 10 characters")
        return text


class ScreeningForm(forms.Form):
    stage = forms.ChoiceField(label="Screening", choices=Stage.choices, widget=forms.RadioSelect)
    indicators = forms.MultipleChoiceField(label="Indicators present", required=False,
                                           choices=list(INDICATORS.items()), widget=forms.CheckboxSelectMultiple,
                                           help_text="Tick every indicator present. Any indicator needs a referral "
                                                     "within 24 hours.")
    at = When(label="Screened at")
    notes = _text("Notes", rows=2)
    referral_at = When(label="Referral made at", required=False,
                       help_text="If the referral to the exploitation team or MASH has been made")
    referral_to = forms.CharField(label="Referred to", required=False, max_length=200)


class ReferralForm(forms.Form):
    at = When(label="Referral made at")
    to = forms.CharField(label="Referred to", max_length=200,
                         help_text="For example: exploitation hub, multi-agency safeguarding hub")


class ReturnForm(forms.Form):
    returned_at = When(label="Returned (found) at")
    line1 = forms.CharField(label="Found at: address line 1", required=False, max_length=200,
                            help_text="Write it as you have it: flats, abbreviations and postcodes are matched "
                                      "however they are written")
    line2 = forms.CharField(label="Found at: address line 2", required=False, max_length=200)
    town = forms.CharField(label="Found at: town", required=False, max_length=100)
    postcode = forms.CharField(label="Found at: postcode", required=False, max_length=10)
    found_with = forms.CharField(label="Found with", required=False, max_length=500,
                                 widget=PickerInput("people", several=True),
                                 help_text="Start typing the name of each person the child was found with, and "
                                           "choose them (their references, separated by commas)")
    condition = _text("Condition", "The child's condition when found")


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(label="Interview", widget=forms.RadioSelect, choices=[
        ("prevention", "Police prevention (safe and well) interview"),
        ("return_home", "Independent return home interview offered"),
    ])
    at = When(label="When")
    note = _text("Note", rows=2)


class MeetingForm(forms.Form):
    held_at = When(label="Held at")
    attendees = _text("Attendees", "Agencies and people present", rows=2)
    outcome = _text("Outcome", "Decisions and the safety plan agreed", required=True, rows=4)


class ProfileForm(forms.Form):
    looked_after = forms.BooleanField(label="Looked-after child", required=False, initial=True)
    placement = forms.CharField(label="Placement", required=False, max_length=200,
                                help_text="Care home or foster placement")
    responsible_authority = forms.CharField(label="Responsible local authority", required=False, max_length=200)
    description = _text("Description", "Height, build, hair, distinguishing marks, usual clothing")
    photo_ref = forms.CharField(label="Photograph held at", required=False, max_length=200)
    friends_associates = _text("Friends and associates")
    addresses_frequented = _text("Addresses frequented")
    phones_social_media = _text("Phones and social media")
    medical = _text("Medical details", "Needs and medication")
    previous_episodes_note = _text("Previous episodes", "Patterns from previous episodes")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("accept", "Accept: these records are the same person"),
        ("reject", "Reject: these are different people"),
        ("undo", "Undo this link"),
    ])
    rationale = _text("Rationale", "What in the evidence decided it", required=True, rows=3)

    def __init__(self, *args, allowed: tuple[str, ...] = ("accept", "reject"), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [c for c in self.fields["decision"].choices if c[0] in allowed]

    def clean_rationale(self):
        text = self.cleaned_data["rationale"].strip()
        if len(text) < 10:
            raise forms.ValidationError("write at least 10 characters")
        return text


class LinkReviewForm(forms.Form):
    rationale = _text("Review", "What you have done about the subject's risk, and why", required=True, rows=4)

    def clean_rationale(self):
        text = self.cleaned_data["rationale"].strip()
        if len(text) < 15:
            raise forms.ValidationError("write at least 15 characters")
        return text
