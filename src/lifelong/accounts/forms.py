"""Account forms: the extra profile fields asked at sign-up and on the profile page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from lifelong.accounts.models import MONTH_CHOICES, TIME_ZONE_CHOICES, User


class SignupProfileForm(forms.Form):
    """Fields allauth adds to its sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(label="Full name", max_length=150, required=False)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data.get("name", "")
        user.save(update_fields=["name"])


class ProfileForm(forms.ModelForm[User]):
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES)
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
