from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from lifelong.rules.experience import load_experience_catalog
from lifelong.rules.vocabulary import TOPICS, topic_label
from lifelong.supervision.models import LogEntry, Supervision


def _supervisor_label(supervision: Supervision) -> str:
    return supervision.supervisor_label


class TrackForm(forms.Form):
    ruleset_id = forms.ChoiceField(label="Experience rule set")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ruleset_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (ruleset.id, ruleset.title) for ruleset in load_experience_catalog().values()
        ]


class InviteForm(forms.Form):
    email = forms.EmailField(label="Your supervisor's email")
    name = forms.CharField(label="Their name", max_length=150, required=False)
    started_on = forms.DateField(
        label="Supervision started on", widget=forms.DateInput(attrs={"type": "date"})
    )
    period_kind = forms.ChoiceField(
        label="Sign-off period",
        choices=Supervision.PeriodKind.choices,
        initial=Supervision.PeriodKind.MONTH,
        help_text="How often your supervisor signs your hours.",
    )
    setting = forms.CharField(
        label="Setting", max_length=200, required=False, help_text="Where you work under them."
    )


class AgreementForm(forms.Form):
    agreement = forms.FileField(label="Signed supervision agreement", help_text="PDF, PNG or JPEG.")


class LogEntryForm(forms.ModelForm[LogEntry]):
    class Meta:
        model = LogEntry
        fields = ["supervision", "worked_on", "hours", "category", "setting"]
        widgets = {"worked_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"supervision": "Supervisor"}

    def __init__(self, *args: Any, user: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["supervision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Supervision.objects.for_supervisee(user).filter(
            status=Supervision.Status.ACTIVE
        )
        field.label_from_instance = _supervisor_label  # type: ignore[method-assign,assignment]
        field.empty_label = None
        hours = self.fields["hours"]
        assert isinstance(hours, forms.DecimalField)
        hours.max_value = 24
        hours.widget.attrs.update({"max": "24", "step": "0.25"})

    def clean_worked_on(self) -> date:
        worked_on: date = self.cleaned_data["worked_on"]
        if worked_on > self.today + timedelta(days=1):
            raise forms.ValidationError("Log hours you have worked, not planned ones.")
        return worked_on

    def clean_hours(self) -> Any:
        hours = self.cleaned_data["hours"]
        if hours is not None and hours > 24:
            raise forms.ValidationError("A day has at most 24 hours.")
        return hours


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="What should change", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentorProfileForm(forms.Form):
    is_mentor = forms.BooleanField(label="I offer mentorship", required=False)
    is_mentee = forms.BooleanField(label="I am looking for a mentor", required=False)
    areas = forms.MultipleChoiceField(
        label="Areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you can mentor in, or want to grow in.",
    )
    about = forms.CharField(
        label="About you",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A few words other clinicians see. No client details.",
    )
    capacity = forms.IntegerField(label="Mentees at a time", min_value=1, max_value=20, initial=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["areas"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(slug, topic_label(slug)) for slug in TOPICS]


class MentorshipRequestForm(forms.Form):
    message = forms.CharField(
        label="Message (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MentorshipNoteForm(forms.Form):
    met_on = forms.DateField(label="Met on", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label="Note (only you will see it)",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
