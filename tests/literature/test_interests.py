"""Interests: the upsert service later features use, and the pages (owner, peer, outsider)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.literature.interests import MAX_INTERESTS, clean_terms, upsert_interest
from lifelong.literature.models import Interest
from tests.literature.feed_helpers import make_interest

LIST_URL = reverse("literature:interest_list")
pytestmark = pytest.mark.django_db


def edit_url(interest: Interest) -> str:
    return reverse("literature:interest_edit", args=[interest.pk])


def delete_url(interest: Interest) -> str:
    return reverse("literature:interest_delete", args=[interest.pk])


# -- upsert_interest -----------------------------------------------------------------------


def test_upsert_creates_then_updates_the_same_interest(owner: User) -> None:
    interest, created = upsert_interest(
        owner,
        "Adolescents",
        ["teenagers", "adolescent", "Teenagers"],
        ["Adolescent"],
        origin="caseload",
        weight=2,
        kind="population",
    )
    assert created is True
    assert interest.terms == "teenagers\nadolescent"
    assert interest.mesh_terms == ["Adolescent"]
    assert (interest.origin, interest.weight, interest.kind) == ("caseload", 2.0, "population")

    again, created = upsert_interest(owner, "adolescents", "youth", [], origin="caseload")

    assert created is False
    assert again.pk == interest.pk
    assert again.terms == "youth"
    assert again.weight == 1.0
    assert Interest.objects.count() == 1


def test_upsert_never_touches_an_interest_of_another_origin_or_user(
    owner: User, peer: User
) -> None:
    typed = make_interest(owner, "Anxiety", "worry")
    peers = make_interest(peer, "Anxiety", "panic", origin="goal")

    goal, created = upsert_interest(owner, "Anxiety", "generalised anxiety", origin="goal")

    assert created is True
    typed.refresh_from_db()
    peers.refresh_from_db()
    assert typed.terms == "worry"
    assert peers.terms == "panic"
    assert goal.owner == owner


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"label": "  "}, "an interest needs a label"),
        ({"label": "X", "origin": "aliens"}, "unknown origin 'aliens'"),
        ({"label": "X", "kind": "mood"}, "unknown kind 'mood'"),
    ],
)
def test_upsert_rejects_bad_input(owner: User, arguments: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        upsert_interest(owner, **arguments)  # type: ignore[arg-type]
    assert not Interest.objects.exists()


def test_terms_typed_as_text_are_split_and_deduplicated() -> None:
    assert clean_terms("PTSD, ptsd; trauma\n\n EMDR ") == ["PTSD", "trauma", "EMDR"]


# -- the pages -----------------------------------------------------------------------------


def test_the_list_shows_only_the_owners_interests(
    owner_client: Client, owner: User, peer: User
) -> None:
    make_interest(owner, "PTSD", "PTSD, trauma", mesh_terms=["Stress Disorders, Post-Traumatic"])
    make_interest(peer, "Peer's secret interest")

    response = owner_client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "PTSD" in html
    assert "Stress Disorders, Post-Traumatic" in html
    assert "Peer's secret interest" not in html


def test_adding_an_interest(owner_client: Client, owner: User) -> None:
    response = owner_client.post(
        LIST_URL,
        {
            "label": " Older   adults ",
            "kind": "population",
            "terms": "older adults, elderly\nlate life",
            "mesh_terms": "Aged\nAged, 80 and over\n",
            "weight": "2.0",
        },
    )

    assert response.status_code == 302
    interest = Interest.objects.get(owner=owner)
    assert interest.label == "Older adults"
    assert interest.terms == "older adults\nelderly\nlate life"
    assert interest.mesh_terms == ["Aged", "Aged, 80 and over"]
    assert (interest.kind, interest.weight, interest.origin) == ("population", 2.0, "manual")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": ""}, "label"),
        ({"label": "X", "weight": "7"}, "weight"),
        ({"label": "X", "kind": "mood"}, "kind"),
        ({"label": "X", "terms": ", ".join(f"t{n}" for n in range(31))}, "terms"),
        ({"label": "X", "mesh_terms": "a" * 201}, "mesh_terms"),
        ({"label": "X\x00"}, "label"),
    ],
)
def test_a_bad_interest_is_refused_with_the_field_in_error(
    owner_client: Client, data: dict[str, str], field: str
) -> None:
    response = owner_client.post(LIST_URL, {"kind": "topic", "weight": "1.0", **data})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not Interest.objects.exists()


def test_there_is_a_limit_on_interests(owner_client: Client, owner: User) -> None:
    Interest.objects.bulk_create(
        [Interest(owner=owner, label=f"Topic {n}") for n in range(MAX_INTERESTS)]
    )

    response = owner_client.post(LIST_URL, {"label": "One more", "kind": "topic", "weight": "1.0"})

    assert response.status_code == 200
    assert "remove one first" in response.content.decode()
    assert Interest.objects.count() == MAX_INTERESTS


def test_editing_an_interest(owner_client: Client, owner: User) -> None:
    interest = make_interest(owner, "PTSD", "PTSD", mesh_terms=["Stress Disorders, Post-Traumatic"])

    page = owner_client.get(edit_url(interest))
    assert "Stress Disorders, Post-Traumatic" in page.content.decode()

    response = owner_client.post(
        edit_url(interest),
        {"label": "Trauma", "kind": "topic", "terms": "trauma", "mesh_terms": "", "weight": "3.0"},
    )

    assert response.status_code == 302
    interest.refresh_from_db()
    assert (interest.label, interest.terms, interest.mesh_terms, interest.weight) == (
        "Trauma",
        "trauma",
        [],
        3.0,
    )


def test_removing_an_interest_asks_first(owner_client: Client, owner: User) -> None:
    interest = make_interest(owner, "PTSD")

    assert owner_client.get(delete_url(interest)).status_code == 200
    assert Interest.objects.exists()

    response = owner_client.post(delete_url(interest))

    assert response.status_code == 302
    assert not Interest.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url_for", [edit_url, delete_url])
def test_a_peer_gets_404_for_the_owners_interest(
    peer_client: Client, owner: User, method: str, url_for: object
) -> None:
    interest = make_interest(owner, "PTSD", "PTSD")

    response = getattr(peer_client, method)(
        url_for(interest),  # type: ignore[operator]
        {"label": "Hijacked", "kind": "topic", "weight": "1.0"},
    )

    assert response.status_code == 404
    interest.refresh_from_db()
    assert interest.label == "PTSD"


@pytest.mark.parametrize("url_for", [edit_url, delete_url])
def test_an_outsider_is_sent_to_sign_in(client: Client, owner: User, url_for: object) -> None:
    interest = make_interest(owner, "PTSD")

    for response in (client.get(LIST_URL), client.post(url_for(interest))):  # type: ignore[operator]
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Interest.objects.filter(label="PTSD").exists()
