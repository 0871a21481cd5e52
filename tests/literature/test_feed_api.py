"""The research API: feed, search, digest, interests and the reading list, with the owner, a
peer (404 for the owner's objects) and an anonymous caller (401) on every operation."""

from __future__ import annotations

from typing import Any

import pytest

from lifelong.accounts.models import User
from lifelong.literature.models import Interest, ReadingListEntry
from tests.api.conftest import ApiClient, token_for
from tests.literature.feed_helpers import (
    bring,
    make_article,
    make_interest,
    make_source,
    save_to_reading_list,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(owner: User) -> ApiClient:
    return ApiClient(token_for(owner))


@pytest.fixture
def peer_api(peer: User) -> ApiClient:
    return ApiClient(token_for(peer))


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()


# -- feed, search, digest ------------------------------------------------------------------


def test_the_feed_lists_ranked_items_with_reasons_and_reading_state(
    owner_api: ApiClient, owner: User
) -> None:
    make_interest(owner, "PTSD", "PTSD")
    source = make_source(owner)
    strong = make_article(
        "PTSD guideline",
        evidence_level="guideline",
        evidence_reason="publication type: Practice Guideline",
        mesh=["*Stress Disorders, Post-Traumatic"],
        authors=[{"family": "Doe", "given": "Jane"}, {"collective": "Panel"}],
    )
    bring(source, strong, days_ago=1)
    bring(source, make_article("Knee surgery"), days_ago=1)
    entry = save_to_reading_list(owner, strong, status="reading")

    response = owner_api.get("/api/literature/feed")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["candidates_capped"] is False
    first = body["items"][0]
    assert first["article"]["title"] == "PTSD guideline"
    assert first["article"]["evidence_level"] == "guideline"
    assert first["article"]["mesh"] == [
        {"descriptor": "Stress Disorders, Post-Traumatic", "major": True}
    ]
    assert first["article"]["authors"][1] == {"family": "", "given": "", "collective": "Panel"}
    assert first["reason"] == "matches PTSD · practice guideline · 1 day old"
    assert first["matches"][0]["label"] == "PTSD"
    assert first["reading"] == {"id": entry.pk, "status": "reading"}
    assert body["items"][1]["reading"] is None


def test_the_feed_pages_with_limit_and_offset(owner_api: ApiClient, owner: User) -> None:
    source = make_source(owner)
    for number in range(5):
        bring(source, make_article(f"Item {number}"), days_ago=number)

    body = owner_api.get("/api/literature/feed", {"limit": 2, "offset": 4}).json()

    assert body["count"] == 5
    assert [item["article"]["title"] for item in body["items"]] == ["Item 4"]


def test_search_finds_and_filters(owner_api: ApiClient, owner: User) -> None:
    make_article("EMDR for PTSD", evidence_level="randomized-trial", published_year=2025)
    make_article("EMDR in children", evidence_level="case-report", published_year=2019)

    body = owner_api.get(
        "/api/literature/search",
        {"q": "emdr", "evidence": "randomized-trial", "from": "2024-01-01"},
    ).json()

    assert [item["article"]["title"] for item in body["items"]] == ["EMDR for PTSD"]
    assert body["count"] == 1
    assert body["count_capped"] is False


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "AND OR NOT", "🙂", "a" * 500])
def test_search_never_fails_on_hostile_text(owner_api: ApiClient, query: str) -> None:
    make_article("Near misses")

    assert owner_api.get("/api/literature/search", {"q": query}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x\x00"},
        {"q": "a" * 501},
        {"evidence": "astrology"},
        {"from": "2025-13-01"},
        {"from": "2025-02-01", "to": "2025-01-01"},
        {"limit": 0},
        {"limit": 101},
        {"read_status": "burnt"},
    ],
)
def test_search_rejects_bad_parameters_with_422(
    owner_api: ApiClient, params: dict[str, Any]
) -> None:
    assert owner_api.get("/api/literature/search", params).status_code == 422


def test_the_digest_lists_this_weeks_top_items(owner_api: ApiClient, owner: User) -> None:
    make_interest(owner, "Grief")
    bring(make_source(owner), make_article("Grief support groups"), days_ago=2)
    bring(make_source(owner, "Old"), make_article("Grief long ago"), days_ago=20)

    body = owner_api.get("/api/literature/digest").json()

    assert [item["article"]["title"] for item in body["items"]] == ["Grief support groups"]
    assert body["iso_week"].count("-W") == 1
    assert body["emailed_at"] is None


# -- interests -----------------------------------------------------------------------------


def test_interests_are_created_read_changed_and_deleted(owner_api: ApiClient, owner: User) -> None:
    created = owner_api.send(
        "POST",
        "/api/literature/interests",
        {
            "label": "PTSD",
            "kind": "topic",
            "terms": ["PTSD", "post-traumatic stress", "ptsd"],
            "mesh_terms": ["Stress Disorders, Post-Traumatic"],
            "weight": 2,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["terms"] == ["PTSD", "post-traumatic stress"]
    assert body["origin"] == "manual"
    url = f"/api/literature/interests/{body['id']}"

    assert owner_api.get(url).json()["mesh_terms"] == ["Stress Disorders, Post-Traumatic"]
    changed = owner_api.send("PATCH", url, {"weight": 0.5, "terms": ["trauma"]})
    assert changed.status_code == 200
    assert (changed.json()["weight"], changed.json()["terms"], changed.json()["label"]) == (
        0.5,
        ["trauma"],
        "PTSD",
    )
    assert [item["label"] for item in owner_api.get("/api/literature/interests").json()] == ["PTSD"]
    assert owner_api.delete(url).status_code == 204
    assert not Interest.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"label": ""},
        {"label": "X", "weight": 9},
        {"label": "X", "kind": "mood"},
        {"label": "X", "terms": ["t"] * 31},
        {"label": "X", "unknown": 1},
        {"label": "X\x00"},
    ],
)
def test_a_bad_interest_is_a_422(owner_api: ApiClient, body: dict[str, Any]) -> None:
    assert owner_api.send("POST", "/api/literature/interests", body).status_code == 422
    assert not Interest.objects.exists()


def test_a_patch_cannot_null_a_field(owner_api: ApiClient, owner: User) -> None:
    interest = make_interest(owner, "PTSD")

    response = owner_api.send("PATCH", f"/api/literature/interests/{interest.pk}", {"label": None})

    assert response.status_code == 422


# -- reading list --------------------------------------------------------------------------


def test_the_reading_list_is_saved_read_changed_and_removed(
    owner_api: ApiClient, owner: User
) -> None:
    article = make_article("Sleep and trauma")

    created = owner_api.send(
        "POST", "/api/literature/reading-list", {"article_id": article.pk, "notes": "Read soon"}
    )
    assert created.status_code == 201
    entry = created.json()
    assert (entry["status"], entry["notes"], entry["article"]["title"]) == (
        "to-read",
        "Read soon",
        "Sleep and trauma",
    )
    again = owner_api.send("POST", "/api/literature/reading-list", {"article_id": article.pk})
    assert again.status_code == 200
    assert again.json()["notes"] == "Read soon"

    url = f"/api/literature/reading-list/{entry['id']}"
    changed = owner_api.send(
        "PATCH",
        url,
        {"status": "read", "applied_in_practice": True, "applied_how": "Sleep diary at intake"},
    )
    assert changed.status_code == 200
    assert changed.json()["applied_how"] == "Sleep diary at intake"
    listing = owner_api.get("/api/literature/reading-list", {"status": "read"}).json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == entry["id"]
    assert owner_api.get("/api/literature/reading-list", {"status": "to-read"}).json()["count"] == 0

    assert owner_api.delete(url).status_code == 204
    assert not ReadingListEntry.objects.exists()


def test_applied_in_practice_needs_how(owner_api: ApiClient, owner: User) -> None:
    entry = save_to_reading_list(owner, make_article())

    response = owner_api.send(
        "PATCH", f"/api/literature/reading-list/{entry.pk}", {"applied_in_practice": True}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "applied_how"]


def test_saving_an_unknown_article_is_a_404(owner_api: ApiClient) -> None:
    response = owner_api.send("POST", "/api/literature/reading-list", {"article_id": 999_999})

    assert response.status_code == 404
    assert not ReadingListEntry.objects.exists()


# -- who may call what ---------------------------------------------------------------------

OBJECT_OPERATIONS = [
    ("GET", "/api/literature/interests/{interest}", None),
    ("PATCH", "/api/literature/interests/{interest}", {"label": "Mine now"}),
    ("DELETE", "/api/literature/interests/{interest}", None),
    ("GET", "/api/literature/reading-list/{entry}", None),
    ("PATCH", "/api/literature/reading-list/{entry}", {"notes": "Mine now"}),
    ("DELETE", "/api/literature/reading-list/{entry}", None),
]
COLLECTION_OPERATIONS = [
    ("GET", "/api/literature/feed", None),
    ("GET", "/api/literature/search?q=ptsd", None),
    ("GET", "/api/literature/digest", None),
    ("GET", "/api/literature/interests", None),
    ("POST", "/api/literature/interests", {"label": "X"}),
    ("GET", "/api/literature/reading-list", None),
    ("POST", "/api/literature/reading-list", {"article_id": 1}),
]


def owners_objects(owner: User) -> dict[str, int]:
    interest = make_interest(owner, "Secret interest", "secret")
    entry = save_to_reading_list(owner, make_article("PTSD"), notes="Secret note")
    return {"interest": interest.pk, "entry": entry.pk}


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS)
def test_a_peer_gets_404_for_the_owners_objects(
    peer_api: ApiClient, owner: User, method: str, path: str, body: Any
) -> None:
    ids = owners_objects(owner)

    response = peer_api.send(method, path.format(**ids), body)

    assert response.status_code == 404
    assert "Secret" not in response.content.decode()
    assert Interest.objects.get().label == "Secret interest"
    assert ReadingListEntry.objects.get().notes == "Secret note"


def test_a_peer_never_sees_the_owners_interests_or_reading_list(
    peer_api: ApiClient, owner: User
) -> None:
    owners_objects(owner)

    assert peer_api.get("/api/literature/interests").json() == []
    assert peer_api.get("/api/literature/reading-list").json() == {"items": [], "count": 0}
    hit = peer_api.get("/api/literature/search", {"q": "ptsd"}).json()["items"][0]
    assert hit["reading"] is None


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_OPERATIONS + COLLECTION_OPERATIONS)
def test_an_anonymous_caller_gets_401(
    anonymous_api: ApiClient, owner: User, method: str, path: str, body: Any
) -> None:
    ids = owners_objects(owner)

    response = anonymous_api.send(method, path.format(**ids), body)

    assert response.status_code == 401
    assert Interest.objects.count() == 1
    assert ReadingListEntry.objects.get().notes == "Secret note"
