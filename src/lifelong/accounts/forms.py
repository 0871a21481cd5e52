"""Account forms: the extra profile fields asked at sign-up, the profile page, API tokens and
account deletion."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.http import HttpRequest

from lifelong.accounts.models import (
    MONTH_CHOICES,
    TIME_ZONE_CHOICES,
    EmailPreferences,
    Membership,
    Organization,
    PersonalAccessToken,
    Role,
    User,
)


class SignupProfileForm(forms.Form):
    """Fields allauth adds to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data.get("name", "")
        user.save(update_fields=["name"])


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        help_text="Dates and deadlines are shown in this time zone.",
    )
    birth_month = forms.TypedChoiceField(
        choices=[("", "Not set"), *MONTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Used for boards that renew in the birth month.",
    )

    class Meta:
        model = User
        fields = ["name", "time_zone", "birth_month"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Full name"
        self.fields["name"].widget.attrs["autocomplete"] = "name"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=PersonalAccessToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. “laptop script” — so that you know what to "
        "revoke later.",
    )


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again; a second factor is not needed.

    The check goes through allauth's adapter, so failed attempts count against the same
    rate limit as failed sign-ins with this email address.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        authenticated = get_adapter().authenticate(
            self.request, email=self.user.email, password=password
        )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password


class EmailPreferencesForm(forms.ModelForm[EmailPreferences]):
    """Which emails Lifelong sends on its own (account emails are always sent)."""

    class Meta:
        model = EmailPreferences
        fields = [
            "reminder_emails",
            "weekly_summary",
            "literature_digest",
            "wellbeing_emails",
            "supervision_emails",
        ]


class OrganizationForm(forms.ModelForm["Organization"]):
    class Meta:
        model = Organization
        fields = ["name", "kind"]
        labels = {"name": "Name", "kind": "Kind"}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="They receive a link to join; without an account they sign up first.",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(value, Role(value).label) for value in roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class SharingForm(forms.ModelForm["Membership"]):
    class Meta:
        model = Membership
        fields = ["shares_compliance"]
