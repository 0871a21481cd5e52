"""Identifiers in their bare, canonical form, whatever way a source wrote them.

- DOI: "10.1136/gutjnl-2016-312510", without "https://doi.org/", "dx.doi.org/" or "doi:".
  DOIs are case-insensitive; the case is kept as given (compare with ``doi.lower()``).
- PMID: digits only ("PMID: 123" -> "123").
- PMCID: "PMC5771820" ("5771820", "PMC5771820.2" -> "PMC5771820").
- ORCID: "0000-0002-4590-7461" (from a URL, or 16 characters without hyphens).
"""

from __future__ import annotations

import re

_DOI = re.compile(r"(10\.\d{4,9}/\S+)")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(?:PMC)?(\d{1,9})(?:\.\d+)?$", re.IGNORECASE)
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)


def normalize_doi(value: str | None) -> str | None:
    """A DOI from a URL, a "doi:" prefix or a bare value; ``None`` when there is none."""
    if not value:
        return None
    value = value.strip()
    value = _DOI_PREFIX.sub("", value)
    match = _DOI.search(value)
    if match is None:
        return None
    return match.group(1).rstrip(".;,")


def doi_from_url(url: str | None) -> str | None:
    """The DOI in a doi.org URL, or ``None`` for any other URL."""
    if not url or "doi.org/" not in url.lower():
        return None
    return normalize_doi(url)


def normalize_pmid(value: str | None) -> str | None:
    if not value:
        return None
    match = _PMID.match(value.strip())
    if match is None:
        return None
    return match.group(1).lstrip("0") or None


def normalize_pmcid(value: str | None) -> str | None:
    if not value:
        return None
    match = _PMCID.match(value.strip())
    if match is None:
        return None
    return f"PMC{match.group(1)}"


def normalize_orcid(value: str | None) -> str | None:
    if not value:
        return None
    match = _ORCID.search(value.strip().rstrip("/"))
    if match is None:
        return None
    return "-".join(match.groups()).upper()


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
