from django import forms

from vigil.web.pickers import OfficerField


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code", max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ReauthForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(label="Code from your authenticator app", max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def _password(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, strip=False,
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}))


CHOOSING_HINT = "At least 12 characters. A few unrelated words is easier to remember than a jumble."


class ActivateForm(forms.Form):
    """A new account: choose a password and confirm the authenticator with its first code, together."""

    new_password = _password("Choose a password", "new-password", CHOOSING_HINT)
    confirm_password = _password("Type the password again", "new-password")
    code = forms.CharField(label="6-digit code from your authenticator app", max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class EnrolForm(forms.Form):
    """A new authenticator after a reset: the account's password, then the first code."""

    current_password = _password("Your password", "current-password")
    code = forms.CharField(label="6-digit code from your authenticator app", max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class PasswordChangeForm(forms.Form):
    current_password = _password("Current password", "current-password")
    code = forms.CharField(label="Code from your authenticator app", max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    new_password = _password("New password", "new-password", CHOOSING_HINT)
    confirm_password = _password("Type the new password again", "new-password")


class LostAuthenticatorForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = _password("Password", "current-password")


class NewUserForm(forms.Form):
    officer = OfficerField(label="Officer", help_text="Start typing their name or number, and choose them.")
    username = forms.CharField(label="Username", max_length=150,
                               help_text="What they will sign in with: letters, digits and @ . + - _")
    email = forms.EmailField(label="Email address", required=False,
                             help_text="For notices of waiting work. Optional.")


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Granting professional standards, auditor or administrator waits for a second administrator.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.accounts.models import Role
        self.fields["roles"].choices = Role.choices


class TeamForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text="As officers know it, e.g. “Central West MOSOVO”")
    kind = forms.ChoiceField(label="Kind of work", widget=forms.RadioSelect)
    borough = forms.ModelChoiceField(label="Borough", required=False, queryset=None, empty_label="None (force-wide)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.accounts.models import Borough, TeamKind
        self.fields["kind"].choices = TeamKind.choices
        self.fields["borough"].queryset = Borough.objects.order_by("name")


class MoveOfficerForm(forms.Form):
    officer = OfficerField(label="Officer", help_text="Start typing their name or number, and choose them.")
    reason = forms.CharField(label="Why they move", widget=forms.Textarea(attrs={"rows": 3}), max_length=500,
                             help_text="Kept in the access log: the team decides whose records they see.")
