"""Forms for licenses and for the rule sets users add themselves."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from lifelong.licensure.describe import deadline_rule, role_label
from lifelong.licensure.models import License, RuleSetDocument
from lifelong.licensure.services import GroupedChoices
from lifelong.rules.loader import Problem, load_catalog, locate_keys, validate_ruleset_text
from lifelong.rules.loader import parse_ruleset as parse
from lifelong.rules.schema import RuleSet

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ChooseRuleSetForm(forms.Form):
    """Step one of adding a license: which board rule applies (it decides the options)."""

    ruleset = forms.ChoiceField(
        label="Rule set",
        help_text="The board and credential whose CE rules apply to this license.",
    )

    def __init__(self, *args: Any, choices: GroupedChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ruleset"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a rule set…"), *choices]


class LicenseForm(forms.ModelForm[License]):
    """A license with the options of its rule set: roles, one-time items, conditions.

    The option fieldsets belong to one rule set (``shown_ruleset``). When the user picks a
    different rule set, the view shows the new options instead of saving (see ``refreshed``).
    """

    MULTI_FIELDS = ("roles", "completed_once", "attested")

    ruleset_id = forms.ChoiceField(label="Rule set")
    shown_ruleset = forms.CharField(widget=forms.HiddenInput, required=False)
    first_renewal = forms.NullBooleanField(
        label="Is this your first renewal after licensure?",
        required=False,
        widget=forms.RadioSelect(
            choices=[
                ("", "Not sure: work it out from the issue date"),
                ("True", "Yes, this is my first renewal"),
                ("False", "No, I have renewed before"),
            ]
        ),
        help_text="Some boards ask for fewer hours, or different topics, at the first renewal.",
    )
    roles = forms.MultipleChoiceField(
        label="What applies to you",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Some requirements apply only to some license holders.",
    )
    completed_once = forms.MultipleChoiceField(
        label="One-time requirements you completed before the activities on record",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick one only if you met it earlier, e.g. in your degree or a course not in "
        "your CE activities. Lifelong counts it as met.",
    )
    attested = forms.MultipleChoiceField(
        label="Conditions you meet for the current cycle",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Renewal conditions that are not CE hours. Tick what you have done for the "
        "cycle ending on the expiration date above.",
    )
    carry_over_in_hours = forms.DecimalField(
        label="Hours carried over from the previous cycle",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text="Leave empty to work it out from your activities in the previous cycle.",
    )

    class Meta:
        model = License
        fields = [
            "ruleset_id",
            "kind",
            "label",
            "number",
            "issued_on",
            "expires_on",
            "first_renewal",
            "roles",
            "completed_once",
            "carry_over_in_hours",
        ]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}
        help_texts = {"number": "As printed on your license. Optional."}

    def __init__(
        self,
        *args: Any,
        ruleset: RuleSet,
        choices: GroupedChoices,
        birth_month: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ruleset = ruleset
        self.refreshed = False
        self.option_values: dict[str, set[str]] = {}
        self._choice_field("ruleset_id").choices = choices
        self.fields["ruleset_id"].help_text = (
            "Choosing another rule set replaces the options below. Without JavaScript, press "
            "Save: Lifelong shows the new options before it saves anything."
        )
        self.initial["ruleset_id"] = ruleset.id
        self.initial["shown_ruleset"] = ruleset.id
        if self.instance.pk:
            self.initial["attested"] = sorted(self.instance.attested_for(self.instance.expires_on))
        self.fields["expires_on"].help_text = self._deadline_help(ruleset, birth_month)
        self._option_field("roles", [(role, role_label(role)) for role in ruleset.roles])
        self._option_field(
            "completed_once",
            [(item.id, item.title) for item in ruleset.requirements if item.frequency == "once"],
        )
        self._option_field("attested", [(item.id, item.title) for item in ruleset.conditions])

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _option_field(self, name: str, choices: list[tuple[str, str]]) -> None:
        """Offer the rule set's options, or drop the field when it has none."""
        self.option_values[name] = {value for value, _ in choices}
        if choices:
            self._choice_field(name).choices = choices
        else:
            del self.fields[name]

    @staticmethod
    def _deadline_help(ruleset: RuleSet, birth_month: int | None) -> str:
        text = f"The renewal deadline. {ruleset.title}: {deadline_rule(ruleset.cycle)}"
        if ruleset.cycle.deadline == "birth-month":
            if birth_month:
                text += f" Your birth month (in Settings) is {MONTHS[birth_month - 1]}."
            else:
                text += " Add your birth month in Settings so Lifelong can check this date."
        return text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and issued >= expires:
            self.add_error("expires_on", "The license must expire after it was issued.")
        return cleaned

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MULTI_FIELDS if name in self.fields]

    @classmethod
    def refreshed_from(
        cls,
        data: QueryDict,
        *,
        ruleset: RuleSet,
        choices: GroupedChoices,
        birth_month: int | None = None,
        instance: License | None = None,
    ) -> LicenseForm:
        """An unbound form showing ``ruleset``'s options, keeping what the user typed so far."""
        form = cls(ruleset=ruleset, choices=choices, birth_month=birth_month, instance=instance)
        for name in form.fields:
            if name == "shown_ruleset":
                continue
            if name in cls.MULTI_FIELDS:
                valid = form.option_values[name]
                form.initial[name] = [value for value in data.getlist(name) if value in valid]
            elif name in data:
                form.initial[name] = data[name]
        form.initial["ruleset_id"] = ruleset.id
        form.refreshed = True
        return form

    @staticmethod
    def ruleset_changed(data: QueryDict) -> bool:
        """True when the posted rule set is not the one whose options the user saw."""
        return data.get("shown_ruleset", "") != data.get("ruleset_id", "")

    def save(self, commit: bool = True) -> License:
        license = super().save(commit=False)
        license.roles = sorted(self.cleaned_data.get("roles", []))
        license.completed_once = sorted(self.cleaned_data.get("completed_once", []))
        license.set_attested(license.expires_on, self.cleaned_data.get("attested", []))
        if commit:
            license.save()
        return license


class RenewForm(forms.Form):
    confirm = forms.BooleanField(
        label="I renewed this license with the board",
        help_text="Lifelong then moves the expiration date to the next deadline and starts "
        "counting a new cycle.",
    )


CATALOG_ID_LINE = re.compile(r'^(id\s*=\s*)"([^"\n]*)"', re.MULTILINE)


def starting_text(catalog_id: str, text: str) -> str:
    """A catalog rule set's TOML with its id changed, as a start for the user's own copy."""

    def new_id(match: re.Match[str]) -> str:
        return f'{match.group(1)}"{catalog_id}-custom"'

    return CATALOG_ID_LINE.sub(new_id, text, count=1)


class RuleSetDocumentForm(forms.Form):
    """A rule set in TOML, pasted or uploaded; every problem is kept in ``problems``."""

    text = forms.CharField(
        label="Rule set (TOML)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"class": "code", "rows": 28, "spellcheck": "false"}),
        help_text="The rule-set format is described in docs/rules.md. Its id must differ from "
        "the catalog's ids.",
    )
    upload = forms.FileField(
        label="Or upload a .toml file",
        required=False,
        help_text="A file replaces the text above.",
        widget=forms.FileInput(attrs={"accept": ".toml,text/plain,application/toml"}),
    )

    def __init__(
        self, *args: Any, owner: Any, document: RuleSetDocument | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.document = document
        self.problems: list[Problem] = []
        self.ruleset: RuleSet | None = None
        self.max_bytes: int = settings.LIFELONG_RULESET_MAX_BYTES
        self.fields["upload"].help_text += f" At most {self.max_bytes // 1024} KB of UTF-8 text."
        if document is not None:
            self.initial["text"] = document.text

    def _read_upload(self, upload: UploadedFile) -> str:
        if upload.size is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB; a rule set may be at most "
                f"{self.max_bytes // 1024} KB.",
                code="too_large",
            )
        data: bytes = upload.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {self.max_bytes // 1024} KB.", code="too_large"
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"The file is not UTF-8 text (byte {error.start} cannot be read). "
                "Save it as UTF-8 and upload it again.",
                code="not_utf8",
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        source = "rule set"
        text: str = cleaned.get("text") or ""
        if upload:
            try:
                text = self._read_upload(upload)
            except forms.ValidationError as error:
                self.add_error("upload", error)
                return cleaned
            source = upload.name or source
            self._show_text(text)
        if not text.strip():
            self.add_error("text", "Paste a rule set or upload a .toml file.")
            return cleaned
        if len(text.encode("utf-8")) > self.max_bytes:
            self.add_error(
                "text", f"The rule set is longer than {self.max_bytes // 1024} KB of text."
            )
            return cleaned
        cleaned["text"] = text
        self.problems = validate_ruleset_text(text, source)
        if not self.problems:
            ruleset = parse(text, source)
            self.problems = self._id_problems(ruleset, text, source)
            if not self.problems:
                self.ruleset = ruleset
        if self.problems:
            count = len(self.problems)
            raise forms.ValidationError(
                f"The rule set has {count} problem{'s' if count != 1 else ''}; nothing was "
                "saved. Fix the lines listed below.",
                code="invalid_ruleset",
            )
        return cleaned

    def _show_text(self, text: str) -> None:
        """Put an uploaded file's text into the textarea, so that a problem can be fixed there."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        data["text"] = text
        self.data = data

    def _id_problems(self, ruleset: RuleSet, text: str, source: str) -> list[Problem]:
        line = locate_keys(text).get(("id",))
        if ruleset.id in load_catalog():
            message = (
                f"{ruleset.id!r} is the id of a catalog rule set; give your rule set an id of "
                f"its own (e.g. {ruleset.id + '-custom'!r})"
            )
            return [Problem(source, line, "id", message)]
        others = RuleSetDocument.objects.for_user(self.owner).filter(ruleset_id=ruleset.id)
        if self.document is not None:
            others = others.exclude(pk=self.document.pk)
        if others.exists():
            message = f"you already have a rule set with the id {ruleset.id!r}; choose another id"
            return [Problem(source, line, "id", message)]
        return []
