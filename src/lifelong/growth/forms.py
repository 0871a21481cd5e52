"""Forms for goals and their entries."""

from __future__ import annotations

from typing import Any

from django import forms

from lifelong.credits.models import Activity
from lifelong.growth.models import Goal, GoalEntry, PurposeNote, Reflection, ReviewCard
from lifelong.growth.prompts import template as template_for
from lifelong.literature.models import ReadingListEntry
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


# --------------------------------------------------------------------------------------------
# Reflections
# --------------------------------------------------------------------------------------------

LINK_CHOICES_LIMIT = 200  # the most recent activities and readings offered as links


def recent_activities(user: Any) -> Any:
    """The user's most recent activities, as a queryset that can still be filtered."""
    recent = Activity.objects.for_user(user).order_by("-completed_on", "-pk").values("pk")
    return Activity.objects.filter(pk__in=recent[:LINK_CHOICES_LIMIT]).order_by(
        "-completed_on", "-pk"
    )


def recent_readings(user: Any) -> Any:
    recent = ReadingListEntry.objects.for_user(user).values("pk")
    return (
        ReadingListEntry.objects.filter(pk__in=recent[:LINK_CHOICES_LIMIT])
        .select_related("article")
        .order_by("-saved_at", "-pk")
    )


class ActivityChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.completed_on:%Y-%m-%d})"


class ReadingChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.article.title)[:150]


class ReflectionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A reflection with the prompts of its template as fields (``answer_<key>``); the links
    offer only the user's own activities, readings and goals."""

    activities = ActivityChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        label="CE activities it is about",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    readings = ReadingChoiceField(
        queryset=ReadingListEntry.objects.none(),
        required=False,
        label="Articles it is about",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label="Goals it serves",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Reflection
        fields = [
            "title",
            "written_on",
            "practice_change",
            "client_benefit",
            "in_cpd_profile",
            "activities",
            "readings",
            "goals",
        ]
        widgets = {
            "written_on": DateInput(format="%Y-%m-%d"),
            "practice_change": forms.Textarea(attrs={"rows": 3}),
            "client_benefit": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "practice_change": "What you now do differently, or will.",
            "client_benefit": (
                "In general terms — never a name or anything that identifies a client."
            ),
        }

    def __init__(self, *args: Any, user: Any, template_key: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.reflection_template = template_for(template_key)
        self.instance.template = self.reflection_template.key
        self.fields["activities"].queryset = recent_activities(user)  # type: ignore[attr-defined]
        self.fields["readings"].queryset = recent_readings(user)  # type: ignore[attr-defined]
        self.fields["goals"].queryset = Goal.objects.for_user(user)  # type: ignore[attr-defined]
        answers = self.instance.answers or {}
        for prompt in self.reflection_template.prompts:
            self.fields[f"answer_{prompt.key}"] = forms.CharField(
                label=prompt.label,
                help_text=prompt.help,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=answers.get(prompt.key, ""),
            )

    @property
    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{prompt.key}"] for prompt in self.reflection_template.prompts]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers = {
            prompt.key: cleaned.get(f"answer_{prompt.key}", "").strip()
            for prompt in self.reflection_template.prompts
        }
        if not any(answers.values()) and not (
            cleaned.get("practice_change", "").strip() or cleaned.get("client_benefit", "").strip()
        ):
            raise forms.ValidationError("Write something: answer at least one prompt.")
        self.instance.answers = {key: value for key, value in answers.items() if value}
        return cleaned


# --------------------------------------------------------------------------------------------
# Review cards and purpose notes
# --------------------------------------------------------------------------------------------


class ActivitySelectField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.completed_on:%Y-%m-%d})"


class ReadingSelectField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.article.title)[:150]


class ReviewCardForm(forms.ModelForm):  # type: ignore[type-arg]
    activity = ActivitySelectField(
        queryset=Activity.objects.none(), required=False, label="From the CE activity"
    )
    reading = ReadingSelectField(
        queryset=ReadingListEntry.objects.none(), required=False, label="From the article"
    )

    class Meta:
        model = ReviewCard
        fields = ["question", "answer", "activity", "reading"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"question": "A key takeaway, asked as a question."}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = recent_activities(user)  # type: ignore[attr-defined]
        self.fields["reading"].queryset = recent_readings(user)  # type: ignore[attr-defined]


class PurposeNoteForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PurposeNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"text": "A moment, a reason, a person you became a therapist for."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PeriodForm(forms.Form):
    """The period of a CPD profile."""

    start = forms.DateField(label="From", widget=DateInput(format="%Y-%m-%d"))
    end = forms.DateField(label="To", widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The period ends before it starts.")
            if (end - start).days > 366 * 10:
                raise forms.ValidationError("Choose a period of at most ten years.")
        return cleaned
