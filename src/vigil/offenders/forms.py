"""Forms: shapes and labels only. The rules live in services.py (which raise InputError; the views put the
message next to the field it concerns)."""
from __future__ import annotations

from django import forms

from vigil.accounts.models import RANK_ORDER, Officer, rank_at_least
from vigil.offenders.models import DecisionOption, Mode, NotificationKind, OrderKind, Outcome, RiskLevel
from vigil.offenders.services import ARMS_PROTECTIVE, ARMS_RISK
from vigil.web.dates import DateParts

DATE = DateParts()
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
YES_NO_UNKNOWN = [("", "Not checked / not recorded"), ("yes", "Yes"), ("no", "No")]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class VisitForm(forms.Form):
    date = forms.DateField(label="Date of visit", widget=DATE)
    time = forms.TimeField(label="Time", widget=TIME, help_text="24-hour clock, e.g. 19:30")
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    announced = forms.BooleanField(label="This visit was announced in advance", required=False,
                                   help_text="Visits are unannounced by default. An announced visit needs a reason; "
                                             "for high and very high risk, a supervisor's approval in advance.")
    announce_reason = forms.CharField(label="Reason it was announced", required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    devices_checked = forms.ChoiceField(label="Devices checked", choices=YES_NO_UNKNOWN, required=False)
    concerns = forms.CharField(label="Concerns", required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="Anything that raises risk: children present, new devices, a new partner")
    notes = forms.CharField(label="Notes", required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    other_officers = forms.ModelMultipleChoiceField(label="Other officers present", required=False,
                                                    queryset=Officer.objects.none(),
                                                    widget=forms.CheckboxSelectMultiple)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["other_officers"].queryset = Officer.objects.filter(team=team, active=True).order_by("name")

    def clean_devices_checked(self):
        return {"yes": True, "no": False}.get(self.cleaned_data.get("devices_checked") or "")


class AssessmentForm(forms.Form):
    date = forms.DateField(label="Date of assessment", widget=DATE)
    risk_level = forms.ChoiceField(label="Overall risk level (your judgement)",
                                   choices=[("", "Choose a level"), *RiskLevel.choices],
                                   help_text="The level is a human judgement informed by the tools below. It takes "
                                             "effect when a supervisor approves it.")
    rationale = forms.CharField(label="Rationale", min_length=20, max_length=8000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    # Static-99R items (scored by Vigil)
    s99_score = forms.BooleanField(label="Score Static-99R from its items", required=False)
    s99_age_at_release = forms.DecimalField(label="Age at release (years)", required=False, min_value=0,
                                            max_value=120, decimal_places=1)
    s99_never_lived_with_partner_2_years = forms.BooleanField(label="Never lived with an intimate partner for 2 "
                                                                    "years", required=False)
    s99_index_nonsexual_violence = forms.BooleanField(label="Index non-sexual violence", required=False)
    s99_prior_nonsexual_violence = forms.BooleanField(label="Prior non-sexual violence", required=False)
    s99_prior_sex_offence_charges = forms.IntegerField(label="Prior sex offence charges", required=False,
                                                       min_value=0, initial=0)
    s99_prior_sex_offence_convictions = forms.IntegerField(label="Prior sex offence convictions", required=False,
                                                           min_value=0, initial=0)
    s99_prior_sentencing_dates = forms.IntegerField(label="Prior sentencing dates", required=False, min_value=0,
                                                    initial=0)
    s99_noncontact_sex_offence_conviction = forms.BooleanField(label="Non-contact sex offence conviction",
                                                               required=False)
    s99_unrelated_victim = forms.BooleanField(label="Unrelated victim", required=False)
    s99_stranger_victim = forms.BooleanField(label="Stranger victim", required=False)
    s99_male_victim = forms.BooleanField(label="Male victim", required=False)
    # OSP/C items
    osp_score = forms.BooleanField(label="Score OSP/C from its items", required=False)
    osp_sex = forms.ChoiceField(label="Sex", choices=[("male", "Male"), ("female", "Female")], required=False)
    osp_contact_adult_sanctions = forms.IntegerField(label="Contact-adult sexual sanctions", required=False,
                                                     min_value=0, initial=0)
    osp_contact_child_sanctions = forms.IntegerField(label="Contact-child sexual sanctions", required=False,
                                                     min_value=0, initial=0)
    osp_paraphilia_sanctions = forms.IntegerField(label="Paraphilia / non-contact sanctions", required=False,
                                                  min_value=0, initial=0)
    osp_any_previous_sanction = forms.BooleanField(label="Any previous sanction for a recordable offence",
                                                   required=False)
    osp_stranger_victim = forms.BooleanField(label="Stranger victim", required=False)
    osp_age_at_most_recent_sexual_offence = forms.DecimalField(label="Age at most recent sexual offence",
                                                               required=False, min_value=0, decimal_places=1)
    osp_age_at_risk_date = forms.DecimalField(label="Age at the risk date", required=False, min_value=0,
                                              decimal_places=1)
    # Another tool, as entered
    other_tool = forms.CharField(label="Other tool (name)", required=False, max_length=32,
                                 help_text="e.g. RM2000, OSP/I, KIRAT: recorded as you enter it")
    other_score = forms.FloatField(label="Its score", required=False)
    other_band = forms.CharField(label="Its band", required=False, max_length=32)

    FACTOR_CHOICES = [("", "Not assessed"), ("absent", "Absent"), ("partly", "Partly present"),
                      ("present", "Present")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for group, names in (("risk", ARMS_RISK), ("protective", ARMS_PROTECTIVE)):
            for name in names:
                self.fields[f"f_{group}_{name}"] = forms.ChoiceField(label=_label(name), required=False,
                                                                     choices=self.FACTOR_CHOICES)

    @property
    def risk_fields(self):
        return [self[f"f_risk_{n}"] for n in ARMS_RISK]

    @property
    def protective_fields(self):
        return [self[f"f_protective_{n}"] for n in ARMS_PROTECTIVE]

    @property
    def s99_fields(self):
        return [self[n] for n in self.fields if n.startswith("s99_") and n != "s99_score"]

    @property
    def osp_fields(self):
        return [self[n] for n in self.fields if n.startswith("osp_") and n != "osp_score"]

    def factors(self) -> dict:
        out = {"risk": {}, "protective": {}}
        for group, names in (("risk", ARMS_RISK), ("protective", ARMS_PROTECTIVE)):
            for n in names:
                v = self.cleaned_data.get(f"f_{group}_{n}")
                if v:
                    out[group][n] = v
        return out

    def tools(self) -> list[dict]:
        d = self.cleaned_data
        out = []
        if d.get("s99_score"):
            items = {k[4:]: d.get(k) for k in self.fields if k.startswith("s99_") and k != "s99_score"}
            items["age_at_release"] = float(items["age_at_release"]) if items["age_at_release"] is not None else None
            for k in ("prior_sex_offence_charges", "prior_sex_offence_convictions", "prior_sentencing_dates"):
                items[k] = items[k] or 0
            out.append({"tool": "static99r", "items": items})
        if d.get("osp_score"):
            items = {k[4:]: d.get(k) for k in self.fields if k.startswith("osp_") and k != "osp_score"}
            for k in ("age_at_most_recent_sexual_offence", "age_at_risk_date"):
                items[k] = float(items[k]) if items[k] is not None else None
            for k in ("contact_adult_sanctions", "contact_child_sanctions", "paraphilia_sanctions"):
                items[k] = items[k] or 0
            out.append({"tool": "ospc", "items": items})
        if d.get("other_tool"):
            out.append({"tool": d["other_tool"], "score": d.get("other_score"), "band": d.get("other_band") or ""})
        return out


class ApproveAssessmentForm(forms.Form):
    on = forms.DateField(label="Approved on", widget=DATE)
    note = forms.CharField(label="Note (optional)", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnnouncementRequestForm(forms.Form):
    planned_for = forms.DateField(label="Planned date of the announced visit", widget=DATE)
    reason = forms.CharField(label="Why it must be announced", min_length=10, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Announced visits give time to hide devices and material. Say why this "
                                       "one cannot be unannounced (e.g. an interpreter, a joint visit).")


class AnnouncementDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=[("approve", "Approve"), ("refuse", "Refuse")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    options = forms.MultipleChoiceField(label="Options chosen", choices=DecisionOption.choices,
                                        widget=forms.CheckboxSelectMultiple)
    rationale = forms.CharField(label="Rationale", min_length=20, max_length=8000,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="Why these options and not the others: this is the record of your decision.")
    decided_on = forms.DateField(label="Date of decision", widget=DATE)
    next_review = forms.DateField(label="Next review", widget=DATE, required=False,
                                  help_text="The escalation comes back to you on this date.")
    applicant = forms.ModelChoiceField(label="Officer making the s.96B application (Supt or above)", required=False,
                                       queryset=Officer.objects.none())
    resolves = forms.BooleanField(label="This resolves the escalation (it closes)", required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)  # the latest decision shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = Officer.objects.filter(
            active=True, rank__in=[r for r in RANK_ORDER if rank_at_least(r, "Supt")]).order_by("name")


class ModeForm(forms.Form):
    mode = forms.ChoiceField(label="New management mode", choices=Mode.choices)
    on = forms.DateField(label="From", widget=DATE)
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SubjectForm(forms.Form):
    manager = forms.ModelChoiceField(label="Offender manager", queryset=Officer.objects.none(), required=False)
    mappa_category = forms.TypedChoiceField(label="MAPPA category", required=False, coerce=int, empty_value=None,
                                            choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")])
    mappa_level = forms.TypedChoiceField(label="MAPPA level", required=False, coerce=int, empty_value=None,
                                         choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")])
    no_fixed_abode = forms.BooleanField(label="No fixed abode (weekly notification)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["manager"].queryset = Officer.objects.filter(
                team=team, active=True, roles__role="offender_manager").order_by("name")


class NotificationForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of notification", choices=NotificationKind.choices)
    on = forms.DateField(label="Date", widget=DATE)
    detail = forms.CharField(label="Detail", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label="Order", choices=OrderKind.choices)
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="Until", widget=DATE, required=False, help_text="Leave empty if it has no end date")
    conditions = forms.CharField(label="Prohibitions or conditions", required=False, max_length=8000,
                                 widget=forms.Textarea(attrs={"rows": 4}))


class PlanForm(forms.Form):
    horizon = forms.IntegerField(label="Plan visits due in the next (days)", min_value=1, max_value=60, initial=14)
