"""Forms for groups: create and schedule a group, invite a member, log a meeting."""

from __future__ import annotations

from typing import Any

from django import forms

from lifelong.accounts.models import TIME_ZONE_CHOICES
from lifelong.community.models import Group, GroupMembership, Meeting
from lifelong.community.recurrence import RecurrenceError, normalise_rule
from lifelong.rules.vocabulary import TOPICS, topic_label

TOPIC_CHOICES = [(slug, topic_label(slug)) for slug in TOPICS]


class GroupForm(forms.ModelForm[Group]):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Meetings keep their local time in this zone."
    )

    class Meta:
        model = Group
        fields = ["name", "kind", "description", "covenant", "time_zone"]


class ScheduleForm(forms.ModelForm[Group]):
    class Meta:
        model = Group
        fields = ["schedule_rule", "first_meeting_on", "start_time", "duration_minutes"]
        widgets = {
            "first_meeting_on": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean_schedule_rule(self) -> str:
        text: str = self.cleaned_data.get("schedule_rule", "")
        if not text.strip():
            return ""
        try:
            return normalise_rule(text)
        except RecurrenceError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("schedule_rule") and not data.get("first_meeting_on"):
            self.add_error("first_meeting_on", "Give the date of the first meeting.")
        if data.get("schedule_rule") and not data.get("start_time"):
            self.add_error("start_time", "Give the meeting time.")
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address of their Lifelong account",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _member_label(membership: GroupMembership) -> str:
    return membership.user.get_full_name()


class MeetingForm(forms.ModelForm[Meeting]):
    topics = forms.MultipleChoiceField(
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="CE topics the meeting covered.",
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=GroupMembership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=True,
        help_text="Who was present; each confirms their own attendance.",
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "duration_minutes", "format", "topics", "notes"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, members: list[GroupMembership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = GroupMembership.objects.filter(
            pk__in=[m.pk for m in members if m.joined]
        ).select_related("user")
        field.label_from_instance = _member_label  # type: ignore[method-assign,assignment]
