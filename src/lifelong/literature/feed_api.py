"""Research over the JSON API: ``/api/literature/feed``, ``/search``, ``/digest``,
``/interests`` (list, create, read, change, delete) and ``/reading-list`` (the same)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import Strict, StrictBool, StringConstraints, field_validator

from lifelong.api.auth import api_auth
from lifelong.api.common import (
    BODY_ERRORS,
    OBJECT_ERRORS,
    Day,
    ErrorOut,
    InputSchema,
    ObjectId,
    PatchSchema,
    invalid,
    request_user,
    text,
)
from lifelong.literature import digest as digests
from lifelong.literature.feed import FeedItem, build_feed, with_entries
from lifelong.literature.interests import (
    MAX_INTERESTS,
    MAX_TERM_LENGTH,
    MAX_TERMS,
    clean_mesh_terms,
    clean_terms,
    terms_text,
)
from lifelong.literature.models import Article, Interest, ReadingListEntry
from lifelong.literature.reading import save_article
from lifelong.literature.search import EVIDENCE_LEVELS, SearchFilters, search

router = Router(auth=api_auth, tags=["research"])

EvidenceLevel = Literal[
    "guideline",
    "systematic-review",
    "randomized-trial",
    "observational",
    "case-report",
    "narrative-review",
    "editorial",
    "other",
]
assert set(EvidenceLevel.__args__) == set(EVIDENCE_LEVELS)  # type: ignore[attr-defined]
ReadStatus = Literal["to-read", "reading", "read"]
Term = Annotated[str, text(MAX_TERM_LENGTH, required=True)]
Weight = Annotated[float, Strict(), Field(ge=0, le=5)]

# -- schemas -------------------------------------------------------------------------------


class AuthorOut(Schema):
    family: str = ""
    given: str = ""
    collective: str = ""


class MeshOut(Schema):
    descriptor: str
    major: bool = False


class ArticleOut(Schema):
    id: int
    pmid: str | None
    doi: str | None
    title: str
    title_html: str
    journal: str
    published: str = Field(description="As much of the date as is known: 2024, 2024-03, ...")
    authors: list[AuthorOut]
    publication_types: list[str]
    mesh: list[MeshOut]
    evidence_level: str = Field(description="guideline, systematic-review, ... or other.")
    evidence_reason: str = Field(description="Why: a publication type, or a title cue.")
    retracted: bool
    link: str


class ReadingStateOut(Schema):
    id: int = Field(description="The reading-list entry's id.")
    status: ReadStatus


class MatchOut(Schema):
    interest_id: int
    label: str
    terms: list[str] = Field(description="The interest's words found, as typed.")
    fields: list[str] = Field(description="Where: title, abstract, mesh.")
    mesh: list[str] = Field(description="The interest's MeSH terms the article is indexed with.")


class FeedItemOut(Schema):
    article: ArticleOut
    score: float
    reason: str = Field(description="One line: matches · evidence · age.")
    matches: list[MatchOut]
    age_days: int
    reading: ReadingStateOut | None


class FeedOut(Schema):
    items: list[FeedItemOut]
    count: int = Field(description="How many ranked items the feed has in all.")
    candidates_capped: bool = Field(
        description="True when only the newest candidates were considered."
    )


class SearchHitOut(Schema):
    article: ArticleOut
    score: float
    reading: ReadingStateOut | None


class SearchOut(Schema):
    items: list[SearchHitOut]
    count: int = Field(description="Matches in all (at most 10,000; see count_capped).")
    count_capped: bool
    notes: list[str] = Field(description="Parts of the request that were ignored, and why.")


class DigestOut(Schema):
    iso_week: str
    items: list[FeedItemOut]
    emailed_at: datetime | None


class InterestIn(InputSchema):
    label: Annotated[str, text(200, required=True)]
    kind: Literal["topic", "population", "modality"] = "topic"
    terms: list[Term] = Field(default_factory=list, max_length=MAX_TERMS)
    mesh_terms: list[Term] = Field(default_factory=list, max_length=MAX_TERMS)
    weight: Weight = 1.0


class InterestPatch(PatchSchema):
    label: Annotated[str, text(200, required=True)] | None = None
    kind: Literal["topic", "population", "modality"] | None = None
    terms: list[Term] | None = Field(None, max_length=MAX_TERMS)
    mesh_terms: list[Term] | None = Field(None, max_length=MAX_TERMS)
    weight: Weight | None = None


class InterestOut(Schema):
    id: int
    label: str
    kind: str
    terms: list[str]
    mesh_terms: list[str]
    weight: float
    origin: str = Field(description="manual, caseload or goal.")
    created_at: datetime
    updated_at: datetime


class ReadingIn(InputSchema):
    article_id: Annotated[int, Strict()] = Field(ge=1, le=2**63 - 1)
    status: ReadStatus = "to-read"
    notes: Annotated[str, text(20_000)] = ""
    applied_in_practice: StrictBool = False
    applied_how: Annotated[str, text(500)] = ""


class ReadingPatch(PatchSchema):
    status: ReadStatus | None = None
    notes: Annotated[str, text(20_000)] | None = None
    applied_in_practice: StrictBool | None = None
    applied_how: Annotated[str, text(500)] | None = None


class ReadingOut(Schema):
    id: int
    article: ArticleOut
    status: ReadStatus
    notes: str = Field(description="Private: only you can read them.")
    applied_in_practice: bool
    applied_how: str
    saved_at: datetime
    updated_at: datetime


class FeedQuery(Schema):
    scope: Literal["sources", "library"] = Field(
        "sources", description="Your sources' new articles, or the whole library's."
    )
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


NoNulText = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]


class SearchQuery(Schema):
    q: Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00]*$")] = Field(
        "", description='Words (all required), "phrases", OR, -excluded. Empty: newest first.'
    )
    published_from: Day | None = Field(None, alias="from")
    published_to: Day | None = Field(None, alias="to")
    evidence: list[EvidenceLevel] = Field(default_factory=list, max_length=8)
    publication_type: NoNulText = ""
    journal: NoNulText = ""
    mesh: NoNulText = ""
    read_status: Literal["", "saved", "unsaved", "to-read", "reading", "read"] = ""
    include_retracted: bool = True
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)

    @field_validator("published_to")
    @classmethod
    def _after_start(cls, value: date | None, info: Any) -> date | None:
        start = info.data.get("published_from")
        if value is not None and start is not None and value < start:
            raise ValueError("must not be before 'from'")
        return value


# -- conversions ---------------------------------------------------------------------------


def article_out(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "pmid": article.pmid,
        "doi": article.doi,
        "title": article.title,
        "title_html": article.title_html,
        "journal": article.journal,
        "published": article.published_iso,
        "authors": [
            {
                "family": str(author.get("family") or ""),
                "given": str(author.get("given") or ""),
                "collective": str(author.get("collective") or ""),
            }
            for author in article.authors
            if isinstance(author, dict)
        ],
        "publication_types": [str(item) for item in article.publication_types],
        "mesh": [
            {"descriptor": str(item.get("descriptor", "")), "major": bool(item.get("major"))}
            for item in article.mesh
            if isinstance(item, dict)
        ],
        "evidence_level": article.evidence_level or "other",
        "evidence_reason": article.evidence_reason,
        "retracted": article.retracted,
        "link": article.link,
    }


def _reading_state(entry: ReadingListEntry | None) -> dict[str, Any] | None:
    return None if entry is None else {"id": entry.pk, "status": entry.status}


def feed_item_out(item: FeedItem) -> dict[str, Any]:
    ranked = item.ranked
    return {
        "article": article_out(item.article),
        "score": ranked.score,
        "reason": ranked.reason,
        "matches": [
            {
                "interest_id": match.interest_id,
                "label": match.label,
                "terms": list(match.terms),
                "fields": list(match.fields),
                "mesh": list(match.mesh),
            }
            for match in ranked.matches
        ],
        "age_days": ranked.age_days,
        "reading": _reading_state(item.entry),
    }


def interest_out(interest: Interest) -> dict[str, Any]:
    return {
        "id": interest.pk,
        "label": interest.label,
        "kind": interest.kind,
        "terms": clean_terms(interest.terms),
        "mesh_terms": [str(term) for term in interest.mesh_terms],
        "weight": interest.weight,
        "origin": interest.origin,
        "created_at": interest.created_at,
        "updated_at": interest.updated_at,
    }


def reading_out(entry: ReadingListEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "article": article_out(entry.article),
        "status": entry.status,
        "notes": entry.notes,
        "applied_in_practice": entry.applied_in_practice,
        "applied_how": entry.applied_how,
        "saved_at": entry.saved_at,
        "updated_at": entry.updated_at,
    }


def owned_interest(request: HttpRequest, interest_id: int) -> Interest:
    """The user's interest with this id, or 404 (also for another user's)."""
    return get_object_or_404(Interest.objects.for_user(request_user(request)), pk=interest_id)


def owned_entry(request: HttpRequest, entry_id: int) -> ReadingListEntry:
    """The user's reading-list entry with this id, or 404 (also for another user's)."""
    return get_object_or_404(
        ReadingListEntry.objects.for_user(request_user(request)).select_related("article"),
        pk=entry_id,
    )


# -- feed, search, digest ------------------------------------------------------------------


@router.get("/literature/feed", response={200: FeedOut, **OBJECT_ERRORS}, summary="My ranked feed")
def feed(request: HttpRequest, params: Query[FeedQuery]) -> dict[str, Any]:
    """New articles (from your sources, or the whole library) ranked by your interests,
    evidence and recency, each with the reason it is there."""
    user = request_user(request)
    built = build_feed(user, params.scope)
    page = with_entries(user, built.items[params.offset : params.offset + params.limit])
    return {
        "items": [feed_item_out(item) for item in page],
        "count": len(built.items),
        "candidates_capped": built.capped,
    }


@router.get(
    "/literature/search", response={200: SearchOut, **OBJECT_ERRORS}, summary="Search the library"
)
def search_library(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    """Full-text search over the shared library (title, abstract, MeSH, keywords, authors,
    journal) with filters; best matches first. Quotes, operators and any other characters in
    `q` are searched for as text, never an error."""
    filters = SearchFilters(
        published_from=params.published_from,
        published_to=params.published_to,
        evidence_levels=tuple(params.evidence),
        publication_type=params.publication_type.strip(),
        journal=params.journal.strip(),
        mesh=params.mesh.strip(),
        read_status=params.read_status,
        include_retracted=params.include_retracted,
    )
    page = search(params.q, filters, request_user(request), params.limit, params.offset)
    return {
        "items": [
            {
                "article": article_out(hit.article),
                "score": hit.score,
                "reading": _reading_state(hit.entry),
            }
            for hit in page.hits
        ],
        "count": page.total,
        "count_capped": page.total_capped,
        "notes": page.ignored,
    }


@router.get(
    "/literature/digest", response={200: DigestOut, **OBJECT_ERRORS}, summary="This week's digest"
)
def digest(request: HttpRequest) -> dict[str, Any]:
    """The top new articles of the last seven days, as the weekly email has them."""
    user = request_user(request)
    built = digests.build_digest(user)
    delivery = digests.delivery_for(user, built.iso_week)
    return {
        "iso_week": built.iso_week,
        "items": [feed_item_out(item) for item in with_entries(user, built.items)],
        "emailed_at": delivery.sent_at if delivery else None,
    }


# -- interests -----------------------------------------------------------------------------


def _save_interest(interest: Interest, values: dict[str, Any]) -> Interest:
    interest.label = " ".join(values["label"].split())
    interest.kind = values["kind"]
    interest.terms = terms_text(clean_terms(values["terms"]))
    interest.mesh_terms = clean_mesh_terms(values["mesh_terms"])
    interest.weight = float(values["weight"])
    interest.save()
    return interest


@router.get(
    "/literature/interests",
    response={200: list[InterestOut], **OBJECT_ERRORS},
    summary="List my interests",
)
def list_interests(request: HttpRequest) -> list[dict[str, Any]]:
    return [interest_out(i) for i in Interest.objects.for_user(request_user(request))]


@router.post(
    "/literature/interests",
    response={201: InterestOut, **BODY_ERRORS},
    summary="Add an interest",
)
def create_interest(request: HttpRequest, payload: InterestIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    if Interest.objects.for_user(user).count() >= MAX_INTERESTS:
        raise invalid(["body"], f"you have {MAX_INTERESTS} interests; remove one first")
    interest = _save_interest(Interest(owner=user), payload.model_dump())
    return Status(201, interest_out(interest))


@router.get(
    "/literature/interests/{interest_id}",
    response={200: InterestOut, **OBJECT_ERRORS},
    summary="Read an interest",
)
def read_interest(request: HttpRequest, interest_id: ObjectId) -> dict[str, Any]:
    return interest_out(owned_interest(request, interest_id))


@router.patch(
    "/literature/interests/{interest_id}",
    response={200: InterestOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Change an interest",
)
def update_interest(
    request: HttpRequest, interest_id: ObjectId, payload: InterestPatch
) -> dict[str, Any]:
    interest = owned_interest(request, interest_id)
    current = interest_out(interest)
    return interest_out(
        _save_interest(interest, {**current, **payload.model_dump(exclude_unset=True)})
    )


@router.delete(
    "/literature/interests/{interest_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Remove an interest",
)
def delete_interest(request: HttpRequest, interest_id: ObjectId) -> Status[None]:
    owned_interest(request, interest_id).delete()
    return Status(204, None)


# -- reading list --------------------------------------------------------------------------


class ReadingFilter(Schema):
    status: ReadStatus | None = None
    applied_in_practice: bool | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


class ReadingListOut(Schema):
    items: list[ReadingOut]
    count: int


def _check_applied(applied: bool, how: str) -> None:
    if applied and not how.strip():
        raise invalid(["body", "payload", "applied_how"], "say in a line how you applied it")


@router.get(
    "/literature/reading-list",
    response={200: ReadingListOut, **OBJECT_ERRORS},
    summary="List my reading list",
)
def list_reading(request: HttpRequest, filters: Query[ReadingFilter]) -> dict[str, Any]:
    """Your saved articles, newest first, with your private notes (``limit``/``offset``)."""
    entries = ReadingListEntry.objects.for_user(request_user(request)).select_related("article")
    if filters.status is not None:
        entries = entries.filter(status=filters.status)
    if filters.applied_in_practice is not None:
        entries = entries.filter(applied_in_practice=filters.applied_in_practice)
    page = entries[filters.offset : filters.offset + filters.limit]
    return {"items": [reading_out(entry) for entry in page], "count": entries.count()}


@router.post(
    "/literature/reading-list",
    response={201: ReadingOut, 200: ReadingOut, 404: ErrorOut, **BODY_ERRORS},
    summary="Save an article to my reading list",
)
def create_reading(request: HttpRequest, payload: ReadingIn) -> Status[dict[str, Any]]:
    """Save a library article (201); an article already saved is returned unchanged (200)."""
    user = request_user(request)
    _check_applied(payload.applied_in_practice, payload.applied_how)
    article = get_object_or_404(Article.objects.current(), pk=payload.article_id)
    entry, created = save_article(user, article)
    if not created:
        return Status(200, reading_out(entry))
    entry.status = payload.status
    entry.notes = payload.notes
    entry.applied_in_practice = payload.applied_in_practice
    entry.applied_how = " ".join(payload.applied_how.split())
    entry.save()
    return Status(201, reading_out(entry))


@router.get(
    "/literature/reading-list/{entry_id}",
    response={200: ReadingOut, **OBJECT_ERRORS},
    summary="Read a reading-list entry",
)
def read_reading(request: HttpRequest, entry_id: ObjectId) -> dict[str, Any]:
    return reading_out(owned_entry(request, entry_id))


@router.patch(
    "/literature/reading-list/{entry_id}",
    response={200: ReadingOut, **OBJECT_ERRORS, **BODY_ERRORS},
    summary="Change status, notes or practice",
)
def update_reading(
    request: HttpRequest, entry_id: ObjectId, payload: ReadingPatch
) -> dict[str, Any]:
    entry = owned_entry(request, entry_id)
    changes = payload.model_dump(exclude_unset=True)
    applied = changes.get("applied_in_practice", entry.applied_in_practice)
    how = " ".join(changes.get("applied_how", entry.applied_how).split())
    _check_applied(applied, how)
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.applied_how = how
    entry.save()
    return reading_out(entry)


@router.delete(
    "/literature/reading-list/{entry_id}",
    response={204: None, **OBJECT_ERRORS},
    summary="Remove from my reading list",
)
def delete_reading(request: HttpRequest, entry_id: ObjectId) -> Status[None]:
    owned_entry(request, entry_id).delete()
    return Status(204, None)
