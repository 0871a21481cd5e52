"""Sources pages: list, add (validated), edit, delete, refresh now — each with the owner, a
peer (404) and an outsider (sign-in)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lifelong.accounts.models import User
from lifelong.literature.ingest import ArticleFields, LibraryMerger
from lifelong.literature.models import Article, ReadingListEntry, Source, SourceItem
from tests.literature.loopback import LoopbackServer, Reply, data

pytestmark = pytest.mark.django_db


def make_feed(owner: User, url: str = "https://journals.example.org/rss", **fields: Any) -> Source:
    return Source.objects.create(owner=owner, kind=Source.Kind.FEED, name="JCPR", url=url, **fields)


def page(response: Any) -> str:
    return str(response.content.decode())


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# -- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("literature:source_edit", "get"),
        ("literature:source_edit", "post"),
        ("literature:source_delete", "get"),
        ("literature:source_delete", "post"),
        ("literature:source_refresh", "post"),
    ],
)
def test_a_peer_gets_404_for_someone_elses_source(
    name: str, method: str, owner: User, peer_client: Client
) -> None:
    source = make_feed(owner)

    response = getattr(peer_client, method)(reverse(name, args=[source.pk]))

    assert response.status_code == 404
    assert Source.objects.filter(pk=source.pk, name="JCPR").exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("literature:source_list"),
        reverse("literature:source_add"),
        reverse("literature:source_edit", args=[1]),
        reverse("literature:source_delete", args=[1]),
        reverse("literature:source_refresh", args=[1]),
        reverse("literature:library"),
        reverse("literature:import"),
        reverse("literature:export"),
    ],
)
def test_an_outsider_is_sent_to_sign_in(url: str, client: Client, db: None) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_only_the_users_own_sources(
    owner: User, peer: User, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    make_feed(owner)
    Source.objects.create(owner=peer, kind="feed", name="Peer's secret feed", url="https://x.org/")
    for n in range(20):
        Source.objects.create(owner=owner, kind="pubmed-search", name=f"Search {n}", query="ptsd")

    with django_assert_max_num_queries(8):
        response = owner_client.get(reverse("literature:source_list"))

    assert response.status_code == 200
    assert "Search 19" in page(response)
    assert "Peer&#x27;s secret feed" not in page(response)
    assert "Peer's secret feed" not in page(response)


# -- add ------------------------------------------------------------------------------------


def test_adding_a_pubmed_search(owner: User, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("literature:source_add"),
        {
            "kind": "pubmed-search",
            "name": "EMDR trials",
            "query": " (PTSD OR posttraumatic) AND EMDR ",
            "url": "https://ignored.example.org/",
            "schedule": "weekly",
            "active": "on",
        },
        follow=True,
    )

    source = Source.objects.get(owner=owner)
    assert (source.kind, source.query, source.url, source.schedule) == (
        "pubmed-search",
        "(PTSD OR posttraumatic) AND EMDR",
        "",
        "weekly",
    )
    assert messages_of(response) == [
        "Added “EMDR trials”. Use “Refresh now” to fetch its papers at once."
    ]


def test_adding_a_feed_checks_its_address(
    owner: User, owner_client: Client, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    response = owner_client.post(
        reverse("literature:source_add"),
        {"kind": "feed", "name": "JCPR", "url": loopback.url("/rss"), "schedule": "daily"},
    )

    assert response.status_code == 302
    assert Source.objects.get(owner=owner).url == loopback.url("/rss")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "pubmed-search", "query": "  "}, "query", "Enter the PubMed query to follow."),
        ({"kind": "feed", "url": ""}, "url", "Enter the feed&#x27;s address."),
        ({"kind": "feed", "url": "ftp://example.org/rss"}, "url", "starting with https://"),
        ({"kind": "feed", "url": "http://127.0.0.1:8000/rss"}, "url", "loopback address"),
        ({"kind": "feed", "url": "http://169.254.169.254/latest/"}, "url", "link-local"),
        ({"kind": "other"}, "kind", "Select a valid choice"),
    ],
)
def test_a_bad_source_is_refused_with_a_clear_error(
    fields: dict[str, str],
    field: str,
    message: str,
    owner_client: Client,
    settings: Any,
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False
    data_ = {"name": "X", "schedule": "daily", **fields}

    response = owner_client.post(reverse("literature:source_add"), data_)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in page(response)
    assert not Source.objects.exists()


def test_the_form_is_accessible(owner_client: Client) -> None:
    html = page(owner_client.get(reverse("literature:source_add")))

    assert "<legend>Kind of source</legend>" in html
    assert '<label for="id_name">Name</label>' in html
    assert '<label for="id_query">PubMed query</label>' in html
    assert "style=" not in html
    assert "<script>" not in html


# -- edit and delete -------------------------------------------------------------------------


def test_editing_a_feeds_address_forgets_its_validators(
    owner: User, owner_client: Client, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    source = make_feed(owner, url=loopback.url("/old"), etag='"1"', last_modified="x")

    response = owner_client.post(
        reverse("literature:source_edit", args=[source.pk]),
        {"kind": "pubmed-search", "name": "New", "url": loopback.url("/new"), "schedule": "daily"},
    )

    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.kind, source.name, source.url, source.etag) == (
        "feed",
        "New",
        loopback.url("/new"),
        "",
    ), "the kind cannot change"


def test_deleting_a_source_keeps_the_reading_list(owner: User, owner_client: Client) -> None:
    source = make_feed(owner)
    merger = LibraryMerger(source)
    merger.merge([ArticleFields(title="A paper the reader saved for later", pmid="1")])
    ReadingListEntry.objects.create(owner=owner, article=Article.objects.get())

    confirm = owner_client.get(reverse("literature:source_delete", args=[source.pk]))
    response = owner_client.post(reverse("literature:source_delete", args=[source.pk]))

    assert "Papers it brought</dt><dd>1</dd>" in page(confirm)
    assert response.status_code == 302
    assert not Source.objects.exists()
    assert not SourceItem.objects.exists()
    assert ReadingListEntry.objects.get(owner=owner).article.pmid == "1"


# -- refresh now ----------------------------------------------------------------------------


def test_refresh_now_fetches_the_feed_and_says_what_came(
    owner: User, owner_client: Client, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, data("journal_rss.xml")))
    source = make_feed(owner, url=loopback.url("/rss"))

    response = owner_client.post(
        reverse("literature:source_refresh", args=[source.pk]), follow=True
    )

    assert messages_of(response) == ["Refreshed “JCPR”: 3 new papers."]
    assert "Papers</dt><dd>3</dd>" in page(response)


def test_refresh_now_shows_the_error_and_keeps_it(
    owner: User, owner_client: Client, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, b"<html>Moved to our new site</html>"))
    source = make_feed(owner, url=loopback.url("/rss"))

    response = owner_client.post(
        reverse("literature:source_refresh", args=[source.pk]), follow=True
    )

    assert messages_of(response) == [
        "“JCPR” could not be refreshed: The address did not return an RSS or Atom feed."
    ]
    assert "Last check failed:" in page(response)


def test_refresh_needs_a_post(owner: User, owner_client: Client) -> None:
    source = make_feed(owner)

    assert (
        owner_client.get(reverse("literature:source_refresh", args=[source.pk])).status_code == 405
    )
