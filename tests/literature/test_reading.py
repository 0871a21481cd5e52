"""The reading list: saving, statuses, private notes, "applied in my practice", filters and
privacy (owner, peer, outsider on every page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.literature.models import ReadingListEntry
from tests.literature.feed_helpers import make_article, save_to_reading_list

LIST_URL = reverse("literature:reading_list")
SAVE_URL = reverse("literature:reading_save")
pytestmark = pytest.mark.django_db


def entry_url(entry: ReadingListEntry) -> str:
    return reverse("literature:reading_entry", args=[entry.pk])


def status_url(entry: ReadingListEntry) -> str:
    return reverse("literature:reading_status", args=[entry.pk])


def remove_url(entry: ReadingListEntry) -> str:
    return reverse("literature:reading_remove", args=[entry.pk])


# -- saving --------------------------------------------------------------------------------


def test_saving_an_article_puts_it_on_the_list_to_read_and_goes_back(
    owner_client: Client, owner: User
) -> None:
    article = make_article("EMDR for PTSD")

    response = owner_client.post(SAVE_URL, {"article": article.pk, "next": "/literature/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/literature/?page=2"
    entry = ReadingListEntry.objects.get(owner=owner)
    assert (entry.article, entry.status) == (article, "to-read")


def test_saving_twice_keeps_one_entry_and_its_notes(owner_client: Client, owner: User) -> None:
    article = make_article()
    save_to_reading_list(owner, article, notes="Keep this", status="read")

    response = owner_client.post(SAVE_URL, {"article": article.pk}, follow=True)

    entry = ReadingListEntry.objects.get(owner=owner)
    assert (entry.notes, entry.status) == ("Keep this", "read")
    assert "already on your reading list" in response.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_saving_never_redirects_off_site(owner_client: Client, next_url: str) -> None:
    article = make_article()

    response = owner_client.post(SAVE_URL, {"article": article.pk, "next": next_url})

    assert response["Location"] == LIST_URL


@pytest.mark.parametrize("article_id", ["", "abc", "0", "999999"])
def test_saving_an_unknown_article_is_a_404(owner_client: Client, article_id: str) -> None:
    response = owner_client.post(SAVE_URL, {"article": article_id})

    assert response.status_code == 404
    assert not ReadingListEntry.objects.exists()


def test_an_article_removed_from_pubmed_cannot_be_saved(owner_client: Client) -> None:
    article = make_article(removed_at=timezone.now())

    assert owner_client.post(SAVE_URL, {"article": article.pk}).status_code == 404


def test_saving_needs_post(owner_client: Client) -> None:
    article = make_article()

    assert owner_client.get(SAVE_URL, {"article": article.pk}).status_code == 405


# -- the list ------------------------------------------------------------------------------


def test_the_list_shows_the_owners_entries_with_status_notes_and_practice(
    owner_client: Client, owner: User, peer: User
) -> None:
    save_to_reading_list(
        owner,
        make_article("Sleep hygiene trial"),
        status="read",
        notes="Useful for intake.",
        applied_in_practice=True,
        applied_how="Added a sleep diary to intake.",
    )
    save_to_reading_list(peer, make_article("Peer's private pick"), notes="Peer's secret note")

    response = owner_client.get(LIST_URL)

    html = response.content.decode()
    assert "Sleep hygiene trial" in html
    assert "Useful for intake." in html
    assert "Applied in practice: Added a sleep diary to intake." in html
    assert "Peer's private pick" not in html
    assert "Peer's secret note" not in html
    assert response.context["counts"] == {"to-read": 0, "reading": 0, "read": 1}


def test_the_list_filters_by_status_and_practice(owner_client: Client, owner: User) -> None:
    save_to_reading_list(owner, make_article("To read"))
    save_to_reading_list(
        owner,
        make_article("Read, applied"),
        status="read",
        applied_in_practice=True,
        applied_how="x",
    )
    save_to_reading_list(owner, make_article("Read"), status="read")

    def titles(**params: str) -> list[str]:
        page = owner_client.get(LIST_URL, params).context["page"]
        return sorted(entry.article.title for entry in page.object_list)

    assert titles(status="read") == ["Read", "Read, applied"]
    assert titles(applied="yes") == ["Read, applied"]
    assert titles(status="read", applied="no") == ["Read"]
    assert titles(status="bogus") == ["Read", "Read, applied", "To read"]


def test_the_list_offers_exports_of_the_saved_articles(owner_client: Client, owner: User) -> None:
    save_to_reading_list(owner, make_article())

    html = owner_client.get(LIST_URL).content.decode()

    for export_format in ("ris", "bibtex", "csl-json"):
        assert f"{reverse('literature:export')}?format={export_format}&amp;saved=1" in html


def test_the_list_runs_a_bounded_number_of_queries(
    owner_client: Client, owner: User, django_assert_max_num_queries: object
) -> None:
    for number in range(30):
        save_to_reading_list(owner, make_article(f"Article {number}"), status="reading")

    with django_assert_max_num_queries(7):  # type: ignore[operator]
        response = owner_client.get(LIST_URL)

    assert len(response.context["page"].object_list) == 30


# -- notes, status, practice ---------------------------------------------------------------


def test_the_owner_writes_private_notes_and_how_they_applied_it(
    owner_client: Client, owner: User
) -> None:
    entry = save_to_reading_list(owner, make_article())

    response = owner_client.post(
        entry_url(entry),
        {
            "status": "read",
            "notes": "Strong effect at 12 weeks.",
            "applied_in_practice": "on",
            "applied_how": "  Now   screening for nightmares. ",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "read"
    assert entry.notes == "Strong effect at 12 weeks."
    assert (entry.applied_in_practice, entry.applied_how) == (True, "Now screening for nightmares.")


def test_applied_in_practice_needs_a_line_on_how(owner_client: Client, owner: User) -> None:
    entry = save_to_reading_list(owner, make_article())

    response = owner_client.post(
        entry_url(entry), {"status": "read", "notes": "", "applied_in_practice": "on"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"applied_how": ["Say in a line how you applied it."]}
    entry.refresh_from_db()
    assert entry.applied_in_practice is False


def test_a_bad_status_loses_nothing(owner_client: Client, owner: User) -> None:
    entry = save_to_reading_list(owner, make_article(), notes="Keep")

    response = owner_client.post(entry_url(entry), {"status": "burnt", "notes": "Changed"})

    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == ("to-read", "Keep")


def test_the_quick_status_change(owner_client: Client, owner: User) -> None:
    entry = save_to_reading_list(owner, make_article())

    response = owner_client.post(status_url(entry), {"status": "reading", "next": LIST_URL})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "reading"
    owner_client.post(status_url(entry), {"status": "nope"})
    entry.refresh_from_db()
    assert entry.status == "reading"


def test_removing_an_entry_asks_first(owner_client: Client, owner: User) -> None:
    entry = save_to_reading_list(owner, make_article(), notes="Gone with it")

    assert "Gone with it" not in owner_client.get(remove_url(entry)).content.decode()
    assert owner_client.post(remove_url(entry)).status_code == 302
    assert not ReadingListEntry.objects.exists()


def test_an_entry_for_an_article_removed_from_pubmed_is_kept_and_flagged(
    owner_client: Client, owner: User
) -> None:
    save_to_reading_list(owner, make_article("Withdrawn", removed_at=timezone.now()), notes="n")

    html = owner_client.get(LIST_URL).content.decode()

    assert "Withdrawn" in html
    assert "removed from PubMed" in html


# -- privacy -------------------------------------------------------------------------------

ENTRY_PAGES: list[tuple[str, Callable[[ReadingListEntry], str]]] = [
    ("get", entry_url),
    ("post", entry_url),
    ("post", status_url),
    ("get", remove_url),
    ("post", remove_url),
]


@pytest.mark.parametrize(("method", "url_for"), ENTRY_PAGES)
def test_a_peer_gets_404_and_changes_nothing(
    peer_client: Client,
    owner: User,
    method: str,
    url_for: Callable[[ReadingListEntry], str],
) -> None:
    entry = save_to_reading_list(owner, make_article(), notes="Private note")

    response = getattr(peer_client, method)(
        url_for(entry), {"status": "read", "notes": "Overwritten"}
    )

    assert response.status_code == 404
    assert "Private note" not in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == ("to-read", "Private note")


@pytest.mark.parametrize(("method", "url_for"), ENTRY_PAGES)
def test_an_outsider_is_sent_to_sign_in(
    client: Client, owner: User, method: str, url_for: Callable[[ReadingListEntry], str]
) -> None:
    entry = save_to_reading_list(owner, make_article(), notes="Private note")

    response = getattr(client, method)(url_for(entry), {"status": "read"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    entry.refresh_from_db()
    assert entry.status == "to-read"


@pytest.mark.parametrize(("method", "url"), [("get", LIST_URL), ("post", SAVE_URL)])
def test_an_outsider_cannot_list_or_save(client: Client, db: None, method: str, url: str) -> None:
    article = make_article()

    response = getattr(client, method)(url, {"article": article.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not ReadingListEntry.objects.exists()
