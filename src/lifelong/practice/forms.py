"""Forms of the practice pages: a caseload snapshot, confidence per area, outcome episodes and
measures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from lifelong.practice.areas import DIMENSIONS, areas_of
from lifelong.practice.models import (
    BUILTIN_MEASURE_CHOICES,
    OutcomeEpisode,
    OutcomeMeasure,
)

MAX_CLIENTS = 10_000
CONFIDENCE_CHOICES = [
    ("", "Not rated"),
    ("1", "1 (not confident)"),
    ("2", "2"),
    ("3", "3 (somewhat"),
    ("4", "4"),
    ("5", "5 (very confident"),
]


def area_field_name(slug: str) -> str:
    return "area_" + slug.replace(":", "__").replace("-", "_")


class CaseloadForm(forms.Form):
    taken_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    total_clients = forms.IntegerField(
        label="Active clients",
        min_value=1,
        max_value=MAX_CLIENTS,
        help_text="How many clients you see now. Below, count each client in every area that "
        "applies.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area_fields: dict[str, list[str]] = {}
        for dimension in DIMENSIONS:
            names = []
            for area in areas_of(dimension):
                name = area_field_name(area.slug)
                self.fields[name] = forms.IntegerField(
                    label=area.label, required=False, min_value=0, max_value=MAX_CLIENTS
                )
                self.fields[name].widget.attrs["inputmode"] = "numeric"
                names.append(name)
            self.area_fields[dimension] = names
        self._slugs = {area_field_name(slug): slug for slug in self._all_slugs()}

    @staticmethod
    def _all_slugs() -> list[str]:
        return [area.slug for dimension in DIMENSIONS for area in areas_of(dimension)]

    def groups(self) -> list[tuple[str, str, list[BoundField]]]:
        return [
            (dimension, DIMENSIONS[dimension], [self[name] for name in names])
            for dimension, names in self.area_fields.items()
        ]

    def clean_taken_on(self) -> date:
        taken_on: date = self.cleaned_data["taken_on"]
        if taken_on > date.today().replace(year=date.today().year + 1):
            raise forms.ValidationError("Give today's date or an earlier one.")
        return taken_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        total = cleaned.get("total_clients")
        if total:
            for name in self._slugs:
                value = cleaned.get(name)
                if value and value > total:
                    self.add_error(name, f"More than the {total} active clients.")
        return cleaned

    def counts(self) -> dict[str, int]:
        return {
            slug: self.cleaned_data[name]
            for name, slug in self._slugs.items()
            if self.cleaned_data.get(name)
        }

    @classmethod
    def initial_from(cls, total: int, counts: dict[str, int]) -> dict[str, Any]:
        initial: dict[str, Any] = {"total_clients": total}
        initial.update({area_field_name(slug): value for slug, value in counts.items()})
        return initial


class CompetencyForm(forms.Form):
    def __init__(self, *args: Any, slugs: list[str], labels: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.slug_by_field: dict[str, str] = {}
        for slug in slugs:
            name = area_field_name(slug)
            self.fields[name] = forms.TypedChoiceField(
                label=labels[slug],
                choices=CONFIDENCE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.slug_by_field[name] = slug

    def ratings(self) -> dict[str, int | None]:
        return {slug: self.cleaned_data.get(name) for name, slug in self.slug_by_field.items()}


class OutcomeMeasureForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OutcomeMeasure
        fields = ["name", "standard_deviation", "reliability", "lower_is_better"]
        labels = {"standard_deviation": "Standard deviation (of the reference sample)"}


class OutcomeEpisodeForm(forms.ModelForm):  # type: ignore[type-arg]
    measure = forms.ChoiceField(label="Measure")

    class Meta:
        model = OutcomeEpisode
        fields = ["code", "concern", "baseline", "latest"]
        labels = {
            "code": "Episode code",
            "baseline": "Baseline score",
            "latest": "Latest score",
        }
        help_texts = {
            "code": "A code you make up, such as E-014. Never a name, initials or a date of birth.",
        }

    def __init__(self, *args: Any, measures: list[OutcomeMeasure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.custom = {measure.key: measure for measure in measures}
        choices: list[tuple[str, str]] = list(BUILTIN_MEASURE_CHOICES)
        choices += [(measure.key, measure.name) for measure in measures]
        self.fields["measure"].choices = choices  # type: ignore[attr-defined]
        self.order_fields(["code", "concern", "measure", "baseline", "latest"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        key = cleaned.get("measure")
        self.instance.builtin_measure = ""
        self.instance.custom_measure = None
        if key in self.custom:
            self.instance.custom_measure = self.custom[key]
        elif key:
            self.instance.builtin_measure = key
        for name in ("baseline", "latest"):
            value = cleaned.get(name)
            if value is not None and not -10_000 <= value <= 10_000:
                self.add_error(name, "Give a score between -10,000 and 10,000.")
        return cleaned

    def validate_unique(self) -> None:
        """Codes are unique per owner (the owner is not a form field)."""
        existing = (
            OutcomeEpisode.objects.for_user(self.instance.owner)
            .filter(code=self.cleaned_data.get("code"))
            .exclude(pk=self.instance.pk)
        )
        if self.cleaned_data.get("code") and existing.exists():
            self.add_error("code", "You already have an episode with this code.")
