"""Forms for goals and their entries."""

from __future__ import annotations

from typing import Any

from django import forms

from lifelong.growth.models import Goal, GoalEntry
from lifelong.rules.vocabulary import TOPICS, topic_label

TOPIC_CHOICES = [(slug, topic_label(slug)) for slug in TOPICS]


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.ModelForm):  # type: ignore[type-arg]
    topics = forms.MultipleChoiceField(
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For CE hours and CE activities: the topics that count (none: any topic).",
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "why",
            "target_kind",
            "target_value",
            "custom_unit",
            "topics",
            "starts_on",
            "due_on",
        ]
        widgets = {
            "starts_on": DateInput(format="%Y-%m-%d"),
            "due_on": DateInput(format="%Y-%m-%d"),
            "why": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "why": "What you want to change in your work, and for whom.",
            "target_value": "How many CE hours, activities, articles or units of your measure.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_topics(self) -> list[str]:
        return list(self.cleaned_data.get("topics") or [])


class GoalEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = GoalEntry
        fields = ["logged_on", "amount", "note"]
        widgets = {"logged_on": DateInput(format="%Y-%m-%d")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
