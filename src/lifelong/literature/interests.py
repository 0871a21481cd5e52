"""A reader's interests: what their feed and digest rank by.

Pages and the API edit interests one by one. Later features (the caseload profile, learning
goals) add and refresh theirs with :func:`upsert_interest`, marked by ``origin`` so that
they never overwrite what the reader typed and can be refreshed without duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lifelong.literature.models import Interest
from lifelong.literature.ranking import split_terms

MAX_INTERESTS = 100
MAX_TERMS = 30
MAX_TERM_LENGTH = 200
WEIGHT_CHOICES = [(0.5, "Low"), (1.0, "Normal"), (2.0, "High"), (3.0, "Top")]


def clean_terms(terms: str | Iterable[str]) -> list[str]:
    """Free-text terms as a list: split on commas, semicolons and new lines when given as one
    text; stripped, without repeats (case-insensitive), in order."""
    items = split_terms(terms) if isinstance(terms, str) else [str(term).strip() for term in terms]
    seen: set[str] = set()
    cleaned = []
    for term in items:
        key = term.casefold()
        if term and key not in seen:
            seen.add(key)
            cleaned.append(term)
    return cleaned


def clean_mesh_terms(terms: str | Iterable[str]) -> list[str]:
    """MeSH descriptors, one per line when given as text (descriptors contain commas)."""
    items = terms.splitlines() if isinstance(terms, str) else [str(term) for term in terms]
    seen: set[str] = set()
    cleaned = []
    for term in (" ".join(item.split()) for item in items):
        key = term.casefold()
        if term and key not in seen:
            seen.add(key)
            cleaned.append(term)
    return cleaned


def terms_text(terms: Iterable[str]) -> str:
    """How terms are stored in ``Interest.terms``: one per line."""
    return "\n".join(terms)


@transaction.atomic
def upsert_interest(
    user: Any,
    label: str,
    terms: str | Iterable[str] = (),
    mesh: str | Iterable[str] = (),
    origin: str = Interest.Origin.MANUAL,
    weight: float = 1.0,
    kind: str = Interest.Kind.TOPIC,
) -> tuple[Interest, bool]:
    """Create the user's interest with this label and origin, or update the one that exists
    (labels compare case-insensitively); returns it and whether it was created. Interests of
    another origin are left alone, so a caseload refresh never rewrites what the user typed."""
    label = " ".join(label.split())
    if not label:
        raise ValueError("an interest needs a label")
    if origin not in Interest.Origin.values:
        raise ValueError(f"unknown origin {origin!r}")
    if kind not in Interest.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    values = {
        "label": label,
        "terms": terms_text(clean_terms(terms)),
        "mesh_terms": clean_mesh_terms(mesh),
        "weight": float(weight),
        "kind": kind,
    }
    existing = (
        Interest.objects.select_for_update()
        .filter(owner=user, origin=origin, label__iexact=label)
        .first()
    )
    if existing is None:
        return Interest.objects.create(owner=user, origin=origin, **values), True
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save()
    return existing, False
