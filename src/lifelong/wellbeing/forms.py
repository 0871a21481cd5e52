"""Forms of the well-being pages. Instrument forms are built from the instrument's file."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from lifelong.wellbeing import checkin as checkin_rules
from lifelong.wellbeing.instruments import InstrumentDefinition
from lifelong.wellbeing.models import (
    CareItem,
    Commitment,
    TimeOff,
    WellbeingSettings,
    WorkloadWeek,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A date no later than ``latest`` (today, where the user lives)."""

    def __init__(self, *args: Any, latest: date | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DATE_INPUT)
        super().__init__(*args, **kwargs)
        self.latest = latest

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and self.latest and value > self.latest:
            raise forms.ValidationError("This cannot be a day in the future.")
        if value and value.year < 1900:
            raise forms.ValidationError("Use a date from 1900 on.")


class InstrumentForm(forms.Form):
    """One radio group per item; every item must be answered (the page says so)."""

    def __init__(
        self, definition: InstrumentDefinition, today: date, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.fields["taken_on"] = DayField(label="Day", initial=today, latest=today)
        for item in definition.items:
            scale = definition.scale(item.scale)
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(option.value, option.label) for option in scale.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer this question."},
            )

    def answers(self) -> dict[int, int]:
        return {
            item.number: self.cleaned_data[f"item_{item.number}"] for item in self.definition.items
        }

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.number}"] for item in self.definition.items]


class CheckInForm(forms.Form):
    def __init__(self, today: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taken_on"] = DayField(label="Day", initial=today, latest=today)
        for question in checkin_rules.QUESTIONS:
            self.fields[question.field] = forms.TypedChoiceField(
                label=question.question,
                choices=[
                    (1, f"1 · {question.low}"),
                    (2, "2"),
                    (3, "3"),
                    (4, "4"),
                    (5, f"5 · {question.high}"),
                ],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please answer this question."},
            )

    def answers(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in checkin_rules.FIELDS}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in checkin_rules.FIELDS]


class CareItemForm(forms.ModelForm[CareItem]):
    class Meta:
        model = CareItem
        fields = ["kind", "label"]
        labels = {"label": "What is it?"}
        help_texts = {
            "label": "For example: a walk at lunch, back-to-back sessions, notes after 9 pm."
        }


class CommitmentForm(forms.ModelForm[Commitment]):
    class Meta:
        model = Commitment
        fields = ["text", "why", "review_every_days"]
        help_texts = {
            "text": "Something concrete you will do, e.g. “Lunch away from my desk”. It also "
            "appears on your daily builders list, to tick off.",
        }


class TimeOffForm(forms.ModelForm[TimeOff]):
    class Meta:
        model = TimeOff
        fields = ["starts_on", "ends_on"]
        labels = {"starts_on": "First day off", "ends_on": "Last day off"}
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", "The last day off cannot be before the first.")
            elif (ends - starts).days > 366:
                self.add_error("ends_on", "Record time off of at most a year at a time.")
            if starts.year < 1900 or ends.year > 2199:
                self.add_error("starts_on", "Use dates between 1900 and 2199.")
        return cleaned


class WorkloadForm(forms.ModelForm[WorkloadWeek]):
    week_of = DayField(label="A day in the week", help_text="The log keeps weeks from Monday.")

    class Meta:
        model = WorkloadWeek
        fields = ["sessions", "hours", "cancellations", "admin_hours"]

    def __init__(self, today: date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["week_of"].initial = today
        self.fields["week_of"].latest = today  # type: ignore[attr-defined]
        for name in ("hours", "admin_hours"):
            self.fields[name].widget.attrs["step"] = "0.5"

    def week_start(self) -> date:
        day: date = self.cleaned_data["week_of"]
        return day - timedelta(days=day.weekday())


class WellbeingSettingsForm(forms.ModelForm[WellbeingSettings]):
    class Meta:
        model = WellbeingSettings
        fields = [
            "checkin_every_days",
            "proqol_every_days",
            "cbi_every_days",
            "leave_warning_days",
            "weekly_session_limit",
            "weekly_hours_limit",
            "consultation_contact",
        ]
