"""The account's data export includes the literature a user follows and saved, named by the
papers' identifiers (the shared library's ids mean nothing elsewhere)."""

from __future__ import annotations

import pytest

from lifelong.accounts.models import User
from lifelong.accounts.services import export_user_data
from lifelong.literature.ingest import ArticleFields, LibraryMerger
from lifelong.literature.models import Article, Interest, ReadingListEntry, Source

pytestmark = pytest.mark.django_db


def test_the_export_lists_sources_items_interests_and_the_reading_list(
    owner: User, peer: User
) -> None:
    source = Source.objects.create(owner=owner, kind="pubmed-search", name="EMDR", query="emdr")
    LibraryMerger(source).merge(
        [ArticleFields(title="EMDR for PTSD in adolescents: a trial", pmid="42", doi="10.1/e")]
    )
    ReadingListEntry.objects.create(
        owner=owner, article=Article.objects.get(), notes="Try with the Tuesday group"
    )
    Interest.objects.create(owner=owner, label="Trauma", terms="PTSD, EMDR")
    Source.objects.create(owner=peer, kind="feed", name="Peer feed", url="https://x.org/rss")

    data = export_user_data(owner)

    assert [s["name"] for s in data["literature_sources"]] == ["EMDR"]
    assert data["literature_source_items"] == [
        {
            "source_id": source.pk,
            "first_seen_at": data["literature_source_items"][0]["first_seen_at"],
            "article__pmid": "42",
            "article__doi": "10.1/e",
            "article__title": "EMDR for PTSD in adolescents: a trial",
        }
    ]
    [entry] = data["reading_list"]
    assert entry["notes"] == "Try with the Tuesday group"
    assert entry["article"] == {
        "pmid": "42",
        "doi": "10.1/e",
        "title": "EMDR for PTSD in adolescents: a trial",
    }
    assert [i["label"] for i in data["literature_interests"]] == ["Trauma"]
    assert data["literature_digests_sent"] == []
