"""Forms of the feed, search, interests and reading-list pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from lifelong.literature.interests import (
    MAX_TERM_LENGTH,
    MAX_TERMS,
    WEIGHT_CHOICES,
    clean_mesh_terms,
    clean_terms,
    terms_text,
)
from lifelong.literature.models import Interest, ReadingListEntry
from lifelong.literature.ranking import EVIDENCE_TIERS
from lifelong.literature.search import SearchFilters

EVIDENCE_CHOICES = [(tier.level, tier.label) for tier in EVIDENCE_TIERS.values()]
READ_STATUS_CHOICES = [
    ("", "Any"),
    ("unsaved", "Not on my reading list"),
    ("saved", "On my reading list"),
    ("to-read", "To read"),
    ("reading", "Reading"),
    ("read", "Read"),
]
EARLIEST = date(1800, 1, 1)
LATEST = date(2199, 12, 31)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError("Remove the NUL character.")
    return value


class InterestForm(forms.ModelForm):  # type: ignore[type-arg]
    terms = forms.CharField(
        label="Words to look for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Separate with commas or new lines, e.g. “PTSD, post-traumatic stress, "
        "trauma-focused CBT”. Several words are matched as a phrase. Leave empty to look for "
        "the name.",
    )
    mesh_terms = forms.CharField(
        label="MeSH terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, exactly as in MeSH, e.g. “Stress Disorders, Post-Traumatic”. "
        "Articles indexed with them rank higher.",
    )
    weight = forms.TypedChoiceField(
        label="Importance", choices=WEIGHT_CHOICES, coerce=float, initial=1.0
    )

    class Meta:
        model = Interest
        fields = ["label", "kind", "terms", "mesh_terms", "weight"]
        labels = {"label": "Name", "kind": "Kind"}
        help_texts = {"label": "How the feed names it, e.g. “PTSD” or “Older adults”."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["mesh_terms"] = "\n".join(self.instance.mesh_terms)
        self.fields["kind"].choices = Interest.Kind.choices  # type: ignore[attr-defined]

    def clean_label(self) -> str:
        return " ".join(_no_nul(self.cleaned_data["label"]).split())

    def clean_terms(self) -> str:
        terms = clean_terms(_no_nul(self.cleaned_data["terms"]))
        if len(terms) > MAX_TERMS:
            raise forms.ValidationError(f"Use at most {MAX_TERMS} terms.")
        if any(len(term) > MAX_TERM_LENGTH for term in terms):
            raise forms.ValidationError(f"Keep each term under {MAX_TERM_LENGTH} characters.")
        return terms_text(terms)

    def clean_mesh_terms(self) -> list[str]:
        terms = clean_mesh_terms(_no_nul(self.cleaned_data["mesh_terms"]))
        if len(terms) > MAX_TERMS:
            raise forms.ValidationError(f"Use at most {MAX_TERMS} MeSH terms.")
        if any(len(term) > MAX_TERM_LENGTH for term in terms):
            raise forms.ValidationError(f"Keep each term under {MAX_TERM_LENGTH} characters.")
        return terms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the library", required=False, max_length=500)
    published_from = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        label="Published until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.MultipleChoiceField(
        label="Evidence",
        choices=EVIDENCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publication_type = forms.CharField(
        label="Publication type",
        required=False,
        max_length=200,
        help_text="As PubMed names it, e.g. “Meta-Analysis”.",
    )
    journal = forms.CharField(label="Journal", required=False, max_length=200)
    mesh = forms.CharField(
        label="MeSH term",
        required=False,
        max_length=200,
        help_text="A whole descriptor, e.g. “Anxiety Disorders”.",
    )
    read_status = forms.ChoiceField(
        label="Reading list", choices=READ_STATUS_CHOICES, required=False
    )
    hide_retracted = forms.BooleanField(label="Hide retracted articles", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("q", "publication_type", "journal", "mesh"):
            if "\x00" in (cleaned.get(name) or ""):
                self.add_error(name, "Remove the NUL character.")
        for name in ("published_from", "published_to"):
            value = cleaned.get(name)
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(name, "Use a date between 1800 and 2199.")
        start, end = cleaned.get("published_from"), cleaned.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end comes before the start.")
        return cleaned

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""

    def filters(self) -> SearchFilters:
        """The valid filters (a filter with an error is left out, and shown with its error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        errors = set(self.errors)

        def value(name: str) -> Any:
            return None if name in errors else data.get(name)

        return SearchFilters(
            published_from=value("published_from"),
            published_to=value("published_to"),
            evidence_levels=tuple(value("evidence") or ()),
            publication_type=(value("publication_type") or "").strip(),
            journal=(value("journal") or "").strip(),
            mesh=(value("mesh") or "").strip(),
            read_status=value("read_status") or "",
            include_retracted=not value("hide_retracted"),
        )


class ReadingEntryForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReadingListEntry
        fields = ["status", "notes", "applied_in_practice", "applied_how"]
        labels = {
            "status": "Status",
            "notes": "Private notes",
            "applied_in_practice": "I applied this in my practice",
            "applied_how": "How",
        }
        help_texts = {
            "notes": "Only you can see these.",
            "applied_how": "A line on what you changed, e.g. “added sleep hygiene to intake”. "
            "No client names or details.",
        }
        widgets = {
            "status": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 6}),
            "applied_how": forms.TextInput(),
        }

    def clean_notes(self) -> str:
        notes = _no_nul(self.cleaned_data["notes"])
        if len(notes) > 20_000:
            raise forms.ValidationError("Keep notes under 20,000 characters.")
        return notes

    def clean_applied_how(self) -> str:
        how = " ".join(_no_nul(self.cleaned_data["applied_how"]).split())
        if len(how) > 500:
            raise forms.ValidationError("Keep it to a line (500 characters at most).")
        return how

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("applied_in_practice") and not cleaned.get("applied_how"):
            self.add_error("applied_how", "Say in a line how you applied it.")
        return cleaned


class ReadingStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ReadingListEntry.Status.choices)


class ReadingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=[("", "Any"), *ReadingListEntry.Status.choices], required=False
    )
    applied = forms.ChoiceField(
        label="Applied in practice",
        choices=[("", "Either"), ("yes", "Applied"), ("no", "Not yet")],
        required=False,
    )

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
