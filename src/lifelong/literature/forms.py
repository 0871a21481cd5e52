"""Forms for literature sources, file imports and exports."""

from __future__ import annotations

import gzip
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat

from lifelong.literature import netguard
from lifelong.literature.models import Source
from lifelong.literature.services import EXPORT_FORMATS

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip or Office file",
    b"\xd0\xcf\x11\xe0": "an old Office file",
    b"%PDF": "a PDF",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
}
_TEXT_SIGNATURES = (
    re.compile(rb"^\s*<\?xml|^\s*<!DOCTYPE\s+PubmedArticleSet|^\s*<PubmedArticleSet", re.I),
    re.compile(rb"^\s*(?:\d+\.\s*)?TY  -", re.M),  # RIS
    re.compile(rb"^PMID- ", re.M),  # MEDLINE
    re.compile(rb"^\s*(?:%[^\n]*\n\s*)*@\w+\s*[{(]", re.M),  # BibTeX
    re.compile(rb"^\s*[\[{]"),  # CSL-JSON
)


def looks_like_reference_file(head: bytes) -> bool:
    """Whether the first bytes of a file look like one of the formats we import (PubMed XML,
    gzipped or not, MEDLINE, RIS, BibTeX, CSL-JSON)."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.decompress(head)
        except (OSError, EOFError):
            # a truncated stream is expected for a head; read what we can
            head = _gunzip_prefix(head)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n\t ")
    return any(pattern.search(head[:4096]) for pattern in _TEXT_SIGNATURES)


def _gunzip_prefix(data: bytes) -> bytes:
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 65536)
    except zlib.error:
        return b""


class SourceForm(forms.ModelForm[Source]):
    """A PubMed saved search (a query) or a journal feed (an address)."""

    kind = forms.ChoiceField(
        label="Kind of source",
        choices=[
            (Source.Kind.PUBMED_SEARCH, "PubMed search"),
            (Source.Kind.FEED, "Journal feed (RSS or Atom)"),
        ],
        widget=forms.RadioSelect,
    )
    url = forms.CharField(
        label="Feed address",
        required=False,
        max_length=2000,
        help_text="The journal's RSS or Atom address, starting with https://.",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )

    class Meta:
        model = Source
        fields = ["kind", "name", "query", "url", "schedule", "active"]
        labels = {
            "name": "Name",
            "query": "PubMed query",
            "schedule": "Check for new papers",
            "active": "Active (checked on schedule)",
        }
        help_texts = {
            "name": "How this source appears in your library and feed.",
            "query": (
                "As you would type it in PubMed, e.g. "
                "(PTSD OR posttraumatic) AND (EMDR OR prolonged exposure)."
            ),
        }
        widgets = {"query": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url", "").strip()
        kind = self.cleaned_data.get("kind") or self.instance.kind
        if not url or kind != Source.Kind.FEED:
            return ""  # only feeds have an address (and only theirs is looked up)
        URLValidator(schemes=["http", "https"], message="Enter an address starting with https://.")(
            url
        )
        try:
            netguard.check_url(url)
        except netguard.FetchRefused as error:
            raise forms.ValidationError(str(error), code="refused") from None
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or self.instance.kind
        if kind == Source.Kind.PUBMED_SEARCH:
            query = (cleaned.get("query") or "").strip()
            if not query:
                self.add_error("query", "Enter the PubMed query to follow.")
            elif len(query) > 2000:
                self.add_error("query", "The query is too long (2,000 characters at most).")
            cleaned["query"] = query
            cleaned["url"] = ""
        elif kind == Source.Kind.FEED:
            if not cleaned.get("url") and "url" not in self.errors:
                self.add_error("url", "Enter the feed's address.")
            cleaned["query"] = ""
        return cleaned


class LiteratureImportForm(forms.Form):
    file = forms.FileField(
        label="Reference file",
        help_text=(
            "PubMed XML (also .xml.gz baseline and update files), MEDLINE/.nbib, RIS, BibTeX "
            "or CSL-JSON."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xml,.gz,.txt,.nbib,.ris,.bib,.json,.csl"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> UploadedFile:
        """The upload, once its size is under the cap and its first bytes look like a
        reference file."""
        upload: UploadedFile = self.cleaned_data["file"]
        limit: int = settings.LIFELONG_LITERATURE_UPLOAD_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                "The file is larger than %(limit)s. Import it with the command line "
                "(lifelong literature import), or split it.",
                code="too_big",
                params={"limit": filesizeformat(limit)},
            )
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        if not head.strip():
            raise forms.ValidationError("The file is empty.", code="empty")
        for signature, what in _BINARY_SIGNATURES.items():
            if head.startswith(signature):
                raise forms.ValidationError(
                    "This is %(what)s, not a reference file.",
                    code="binary",
                    params={"what": what},
                )
        if not looks_like_reference_file(head):
            raise forms.ValidationError(
                "This does not look like PubMed XML, MEDLINE, RIS, BibTeX or CSL-JSON.",
                code="unknown_format",
            )
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[(name, label) for name, (label, _, _) in EXPORT_FORMATS.items()],
    )
    saved = forms.BooleanField(required=False)
    ids = forms.CharField(required=False)

    def clean_ids(self) -> list[int] | None:
        """Article ids, posted as repeated ``ids`` fields or one comma-separated value;
        None when none were given (export everything)."""
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        raw = [part for value in values for part in str(value).split(",") if part.strip()]
        if not raw:
            return None
        try:
            ids = [int(part) for part in raw]
        except ValueError:
            raise forms.ValidationError("Article ids are numbers.", code="invalid") from None
        if len(ids) > 10000:
            raise forms.ValidationError("Export at most 10,000 articles at once.", code="many")
        return ids
