"""Forms of the CE ledger: an activity, the list filters, the CSV upload, and a planned
activity (sharing the activity's fields through :class:`CourseForm`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.forms.renderers import BaseRenderer
from django.template.defaultfilters import filesizeformat
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lifelong.credits.activity_csv import (
    MAX_APPROVAL_NUMBER_LENGTH,
    MAX_HOURS,
    format_hours,
    parse_hours,
)
from lifelong.credits.certificates.reader import CertificateReading, confidence_label
from lifelong.credits.models import (
    FORMAT_CHOICES,
    PLAN_YEARS_AHEAD,
    Activity,
    ActivityQuerySet,
    Certificate,
    CourseFields,
    PlannedActivity,
)
from lifelong.rules.cycles import add_months
from lifelong.rules.vocabulary import APPROVAL_LABELS, TOPICS, topic_label

TOPIC_CHOICES = [(slug, topic_label(slug)) for slug in TOPICS]
APPROVAL_CHOICES = list(APPROVAL_LABELS.items())

# What a checklist widget reads from a request: for each choice, ticked or not, and its amount.
ChecklistValue = dict[str, tuple[bool, str]]


@dataclass(frozen=True)
class ChecklistOption:
    value: str
    label: str
    checked: bool
    amount: str
    id: str
    amount_id: str
    amount_name: str


class AmountChecklistWidget(forms.Widget):
    """A checkbox per choice, each with an optional amount input beside it (the hours of a
    topic, the number of an approval). Rendered inside the field's fieldset, with a label for
    every input; works without JavaScript.

    The checkboxes post ``<name>=<choice>``; the amounts post ``<name>-<choice>``.
    """

    template_name = "credits/widgets/amount_checklist.html"
    use_fieldset = True

    def __init__(
        self,
        choices: Sequence[tuple[str, str]],
        *,
        amount_label: str,
        amount_attrs: Mapping[str, str],
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.choices = list(choices)
        self.amount_label = amount_label
        self.amount_attrs = dict(amount_attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> ChecklistValue:
        checked = set(data.getlist(name)) if hasattr(data, "getlist") else set(data.get(name, []))
        return {
            value: (value in checked, str(data.get(f"{name}-{value}", "")).strip())
            for value, _ in self.choices
        }

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # Unticked checkboxes post nothing, so an absent name means "none ticked".
        return False

    def id_for_label(self, id_: str) -> str:
        # The legend names the group; each input has its own label.
        return ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        current: ChecklistValue = value if isinstance(value, dict) else {}
        context["widget"]["options"] = [
            ChecklistOption(
                value=choice,
                label=label,
                checked=current.get(choice, (False, ""))[0],
                amount=current.get(choice, (False, ""))[1],
                id=f"{base_id}_{choice}",
                amount_id=f"{base_id}_{choice}_amount",
                amount_name=f"{name}-{choice}",
            )
            for choice, label in self.choices
        ]
        context["widget"]["amount_label"] = self.amount_label
        context["widget"]["amount_attrs"] = self.amount_attrs
        return context

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        # The project's template engine, where templates/credits/ lives (the default form
        # renderer only looks in Django's own and the apps' template folders).
        return SafeString(
            get_template(self.template_name).render(self.get_context(name, value, attrs))
        )


class _ChecklistField(forms.Field):
    """Shared by the topic and approval fields: stored lists of dicts <-> checklist values."""

    key: str
    amount_key: str

    def prepare_value(self, value: Any) -> ChecklistValue:
        if isinstance(value, dict):
            return value
        prepared: ChecklistValue = {}
        for item in value or []:
            amount = item.get(self.amount_key)
            prepared[item[self.key]] = (True, self.format_amount(amount))
        return prepared

    def format_amount(self, amount: Any) -> str:
        return "" if amount is None else str(amount)

    def selected(self, value: Any) -> list[tuple[str, str, str]]:
        """``(choice, label, amount text)`` for each ticked choice or one with an amount: typing
        an amount is taken as ticking its box."""
        if not isinstance(value, dict):
            return []
        widget = self.widget
        assert isinstance(widget, AmountChecklistWidget)
        return [
            (choice, label, value[choice][1])
            for choice, label in widget.choices
            if choice in value and (value[choice][0] or value[choice][1])
        ]


class TopicSharesField(_ChecklistField):
    """Topics an activity covers, each optionally with the hours spent on it."""

    key = "slug"
    amount_key = "hours"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            AmountChecklistWidget(
                TOPIC_CHOICES,
                amount_label="hours (optional)",
                amount_attrs={
                    "type": "number",
                    "min": "0.01",
                    "max": str(MAX_HOURS),
                    "step": "0.01",
                    "inputmode": "decimal",
                    "placeholder": "hours",
                },
            ),
        )
        super().__init__(**kwargs)

    def format_amount(self, amount: Any) -> str:
        return "" if amount is None else format_hours(amount)

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        shares: list[dict[str, Any]] = []
        errors: list[forms.ValidationError] = []
        for slug, label, hours_text in self.selected(value):
            hours: float | None = None
            if hours_text:
                try:
                    parsed = parse_hours(hours_text)
                except ValueError:
                    errors.append(
                        forms.ValidationError(
                            "%(topic)s: enter the hours as a number such as 1.5, with at most "
                            "two decimal places, or leave it empty.",
                            code="invalid_hours",
                            params={"topic": label},
                        )
                    )
                    continue
                if parsed <= 0:
                    errors.append(
                        forms.ValidationError(
                            "%(topic)s: the hours must be greater than 0 (leave it empty when "
                            "the whole activity covers the topic).",
                            code="hours_not_positive",
                            params={"topic": label},
                        )
                    )
                    continue
                hours = float(parsed)
            shares.append({"slug": slug, "hours": hours})
        if errors:
            raise forms.ValidationError(errors)
        return shares


class ApprovalsField(_ChecklistField):
    """Who approved an activity, each optionally with the approval number printed on it."""

    key = "body"
    amount_key = "number"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            AmountChecklistWidget(
                APPROVAL_CHOICES,
                amount_label="approval number (optional)",
                amount_attrs={
                    "type": "text",
                    "maxlength": str(MAX_APPROVAL_NUMBER_LENGTH),
                    "autocomplete": "off",
                    "placeholder": "number",
                },
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[dict[str, str]]:
        approvals: list[dict[str, str]] = []
        errors: list[forms.ValidationError] = []
        for body, label, number in self.selected(value):
            if len(number) > MAX_APPROVAL_NUMBER_LENGTH:
                errors.append(
                    forms.ValidationError(
                        "%(body)s: the approval number is longer than %(limit)d characters.",
                        code="number_too_long",
                        params={"body": label, "limit": MAX_APPROVAL_NUMBER_LENGTH},
                    )
                )
            elif ";" in number:
                errors.append(
                    forms.ValidationError(
                        "%(body)s: an approval number cannot contain “;”.",
                        code="number_semicolon",
                        params={"body": label},
                    )
                )
            else:
                approvals.append({"body": body, "number": number})
        if errors:
            raise forms.ValidationError(errors)
        return approvals


CourseModel = TypeVar("CourseModel", bound=CourseFields)


class CourseForm(forms.ModelForm[CourseModel]):
    """The fields a completed activity and a planned one share, with their widgets and
    validation (the topic and approval checklists). Subclasses name the model and fields in a
    ``Meta`` based on :class:`CourseMeta`."""

    hours = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_value=Decimal(MAX_HOURS),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
        error_messages={"min_value": "Enter hours greater than 0."},
        help_text="Decimal hours, e.g. 1.5. Clock hours unless you choose another unit.",
    )
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES,
        widget=forms.RadioSelect,
        help_text="Live online means synchronous and interactive; recorded courses, reading and "
        "home study are self-study.",
    )
    topics = TopicSharesField(
        label="Topics",
        help_text="Tick each topic the activity covers. Leave the hours empty when the whole "
        "activity counts for the topic; give them when only part of it does (e.g. 3 of 6 hours "
        "on ethics). Typing hours ticks the topic.",
    )
    approvals = ApprovalsField(
        label="Approved by",
        help_text="As printed on the certificate, e.g. NBCC with ACEP No. 6361.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CourseMeta:
    """Labels, help and widgets of the shared course fields, for the subclasses' ``Meta``."""

    labels = {
        "provider": "Provider (optional)",
        "kind": "Kind of activity",
        "notes": "Notes (optional)",
    }
    help_texts = {
        "unit": "Semester or quarter hours are for academic courses.",
        "notes": "Only you see these.",
    }
    widgets: dict[str, forms.Widget] = {"notes": forms.Textarea(attrs={"rows": 3})}


class CertificateChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """The user's certificates as checkboxes: "name (uploaded on ...)"."""

    def label_from_instance(self, obj: Any) -> str:
        uploaded = obj.uploaded_at
        return f"{obj.original_name} (uploaded {uploaded:%b} {uploaded.day}, {uploaded.year})"


class ActivityForm(CourseForm[Activity]):
    certificates = CertificateChoiceField(
        queryset=Certificate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Certificates (optional)",
        help_text="The certificates that prove this activity. One certificate may back several "
        "activities.",
    )

    class Meta(CourseMeta):
        model = Activity
        fields = [
            "title",
            "provider",
            "completed_on",
            "hours",
            "unit",
            "format",
            "kind",
            "topics",
            "approvals",
            "notes",
            "certificates",
        ]
        widgets = {
            **CourseMeta.widgets,
            "completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the owner's certificates can be chosen: another user's id is not a valid choice.
        owner_id = getattr(self.instance, "user_id", None)
        field = self.fields["certificates"]
        assert isinstance(field, CertificateChoiceField)
        field.queryset = (
            Certificate.objects.filter(owner_id=owner_id).order_by("-uploaded_at", "pk")
            if owner_id is not None
            else Certificate.objects.none()
        )

    def clean_completed_on(self) -> Any:
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(
                "This date is in the future. Record an activity once you have completed it.",
                code="future",
            )
        return completed_on


class ActivityFilterForm(forms.Form):
    """The list's filters, read from the query string. Invalid values are reported and
    ignored."""

    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    topic = forms.ChoiceField(required=False, choices=[("", "Any topic"), *TOPIC_CHOICES])
    format = forms.ChoiceField(required=False, choices=[("", "Any format"), *FORMAT_CHOICES])

    def __init__(self, data: Mapping[str, Any] | None, *, years: Sequence[int]) -> None:
        super().__init__(data, label_suffix="")
        self.fields["year"].choices = [("", "Any year"), *((year, str(year)) for year in years)]  # type: ignore[attr-defined]

    def filter(self, activities: ActivityQuerySet) -> ActivityQuerySet:
        self.is_valid()
        cleaned = self.cleaned_data
        if year := cleaned.get("year"):
            activities = activities.in_year(year)
        if topic := cleaned.get("topic"):
            activities = activities.with_topic(topic)
        if activity_format := cleaned.get("format"):
            activities = activities.with_format(activity_format)
        return activities

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel or other zipped file",
    b"\xd0\xcf\x11\xe0": "an old-style Excel (.xls) file",
    b"%PDF": "a PDF",
}


class ActivityImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text with a header row, as described below.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> bytes:
        """The file's bytes, once its size and content are those of a CSV text file."""
        upload: UploadedFile = self.cleaned_data["file"]
        limit: int = settings.LIFELONG_CSV_MAX_BYTES
        too_big = forms.ValidationError(
            "The file is larger than %(limit)s. Split it into smaller files.",
            code="too_big",
            params={"limit": filesizeformat(limit)},
        )
        if upload.size is not None and upload.size > limit:
            raise too_big
        data: bytes = upload.read(limit + 1)
        if len(data) > limit:
            raise too_big
        if not data.strip():
            raise forms.ValidationError("The file is empty.", code="empty")
        for signature, what in _BINARY_SIGNATURES.items():
            if data.startswith(signature):
                raise forms.ValidationError(
                    "This is %(what)s, not a CSV file. In your spreadsheet, use “Save as” and "
                    "choose “CSV UTF-8 (comma delimited)”.",
                    code="not_csv",
                    params={"what": what},
                )
        if b"\x00" in data:
            raise forms.ValidationError(
                "This is not a text file. Upload a CSV file saved as UTF-8 text.", code="binary"
            )
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text (the first bad byte is at position %(position)d). "
                "In your spreadsheet, use “Save as” and choose “CSV UTF-8”.",
                code="not_utf8",
                params={"position": error.start},
            ) from None
        return data


# --------------------------------------------------------------------------------------------
# Planning: planned activities
# --------------------------------------------------------------------------------------------


class WebAddressField(forms.URLField):
    """A web page's address: http or https only (``example.org/x`` is read as https)."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address starting with https:// or http://."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class PlannedActivityForm(CourseForm[PlannedActivity]):
    url = WebAddressField(
        label="Course page (optional)",
        required=False,
        max_length=500,
        help_text="Where to find or book the course, e.g. https://www.example.org/course.",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )

    class Meta(CourseMeta):
        model = PlannedActivity
        fields = [
            "title",
            "provider",
            "planned_on",
            "hours",
            "unit",
            "format",
            "kind",
            "topics",
            "approvals",
            "url",
            "notes",
        ]
        labels = {**CourseMeta.labels, "planned_on": "Planned date"}
        help_texts = {
            **CourseMeta.help_texts,
            "planned_on": "When you intend to complete it (the last day of a course over several "
            "days).",
        }
        widgets = {
            **CourseMeta.widgets,
            "planned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_planned_on(self) -> Any:
        planned_on = self.cleaned_data["planned_on"]
        today = timezone.localdate()
        if planned_on > add_months(today, 12 * PLAN_YEARS_AHEAD):
            raise forms.ValidationError(
                "This date is more than %(years)d years away. Plan courses for the cycles ahead "
                "of you, within %(years)d years.",
                code="too_far",
                params={"years": PLAN_YEARS_AHEAD},
            )
        return planned_on


# ---- Certificates: upload, prefilled activity, linking ----

CERTIFICATE_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (``<input type=file multiple>``)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files as a list. Each file is checked on its own by the upload service
    (an empty or refused file does not make the whole form invalid)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": CERTIFICATE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files and self.required:
            raise forms.ValidationError("Choose at least one certificate file.", code="required")
        for item in files:
            if not isinstance(item, UploadedFile):
                raise forms.ValidationError("Upload the files from your device.", code="invalid")
        return files


class CertificateUploadForm(forms.Form):
    certificate_files = MultipleFileField(
        label="Certificate files",
        help_text="PDF, PNG or JPEG. Choose several at once, or drop them here.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_certificate_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["certificate_files"]
        limit: int = settings.LIFELONG_CERTIFICATE_MAX_FILES
        if len(files) > limit:
            raise forms.ValidationError(
                "You chose %(count)d files; upload at most %(limit)d at a time.",
                code="too_many",
                params={"count": len(files), "limit": limit},
            )
        return files


class ActivityChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An activity by title, date and hours."""

    def label_from_instance(self, obj: Any) -> str:
        day = obj.completed_on
        return f"{obj.title} ({day:%b} {day.day}, {day.year}, {obj.hours_text} h)"


class CertificateLinkForm(forms.Form):
    """Choose one of the user's activities that the certificate also backs."""

    activity = ActivityChoiceField(
        queryset=Activity.objects.none(),
        label="Activity",
        empty_label="Choose an activity…",
        help_text="The certificate stays one file; it now backs this activity too.",
    )

    def __init__(self, *args: Any, certificate: Certificate, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Activity.objects.for_user(certificate.owner_id)
            .exclude(certificates=certificate)
            .order_by("-completed_on", "title", "pk")
        )


READING_FIELDS = ("title", "provider", "completed_on", "hours", "unit", "format", "kind")
READING_LIST_FIELDS = ("topics", "approvals")
READING_ADVICE = {
    "sure": "sure",
    "likely": "likely; check it",
    "guessed": "a guess; check it",
}


def reading_note(confidence: float, evidence: str) -> SafeString:
    """How a prefilled value was read, for beside its field: the text it came from and how
    sure the reading is, in words (never colour alone)."""
    level = confidence_label(confidence)
    if level == "not found":
        return format_html(
            '<span class="reading-note reading-missing">{}</span>',
            "Not found on the certificate: enter it.",
        )
    quoted = evidence if len(evidence) <= 160 else evidence[:159].rstrip() + "…"
    verb = "Guessed from" if level == "guessed" else "Read from"
    return format_html(
        '<span class="reading-note reading-{}">{}: “{}” — <strong>{}</strong>.</span>',
        level.replace(" ", "-"),
        verb,
        quoted,
        READING_ADVICE[level],
    )


class CertificateActivityForm(ActivityForm):
    """The activity form, prefilled from what was read on a certificate, with a note beside
    each field saying where its value came from and how sure the reading is. The certificate
    is ticked among the certificates."""

    def __init__(
        self,
        *args: Any,
        certificate: Certificate,
        reading: CertificateReading | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.certificate = certificate
        self.initial["certificates"] = [certificate.pk]
        if reading is None:
            return
        for name in (*READING_FIELDS, *READING_LIST_FIELDS):
            found = getattr(reading, name)
            if name in READING_LIST_FIELDS and not found.value and found.confidence == 0:
                note = format_html(
                    '<span class="reading-note reading-missing">{}</span>',
                    "None found on the certificate: tick any that apply.",
                )
            else:
                note = reading_note(found.confidence, found.evidence)
            field = self.fields[name]
            field.help_text = format_html("{} {}", note, field.help_text or "")

    def clean_certificates(self) -> Any:
        """The certificate being confirmed always backs the new activity."""
        chosen = list(self.cleaned_data.get("certificates") or [])
        if self.certificate not in chosen:
            chosen.append(self.certificate)
        return chosen
