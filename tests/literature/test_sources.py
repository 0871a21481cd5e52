"""Sources end to end: file imports (atomic per file), feeds and PubMed searches refreshed
from a loopback server, one article per paper across all of them."""

from __future__ import annotations

import gzip
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from lifelong.accounts.models import User
from lifelong.literature import services
from lifelong.literature.models import Article, ReadingListEntry, Source, SourceItem
from tests.literature.loopback import DATA, LoopbackServer, Reply, data

pytestmark = pytest.mark.django_db

GUT_DOI = "10.1136/gutjnl-2016-312510"


def feed(owner: User, url: str, **fields: Any) -> Source:
    return Source.objects.create(owner=owner, kind=Source.Kind.FEED, name="JCPR", url=url, **fields)


def pubmed_search(owner: User, **fields: Any) -> Source:
    return Source.objects.create(
        owner=owner, kind=Source.Kind.PUBMED_SEARCH, name="Telomeres", query="telomere", **fields
    )


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


UPDATE_FILE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<DeleteCitation>
<PMID Version="1">27797938</PMID>
<PMID Version="1">12091962</PMID>
</DeleteCitation>
</PubmedArticleSet>
"""


# -- file imports ---------------------------------------------------------------------------


def test_importing_pubmed_xml_stores_the_papers_for_the_user(owner: User) -> None:
    result = services.import_path(owner, DATA / "pubmed4.xml")

    assert not result.rejected
    article = Article.objects.get(pmid="27797938")
    assert article.doi == GUT_DOI
    assert "<i>TERT</i>" in article.title_html
    assert article.title.startswith("Leucocyte telomere length, genetic variants at the TERT gene")
    assert [section["label"] for section in article.abstract][:2] == ["OBJECTIVE", "DESIGN"]
    assert (article.published_year, article.published_month) == (2017, 6)
    assert article.evidence_level
    assert list(Article.objects.for_user(owner)) == [article]
    source = Source.objects.get(owner=owner)
    assert (source.kind, source.name, source.active) == ("file-import", "pubmed4.xml", False)


def test_the_same_paper_from_pubmed_ris_and_a_feed_is_one_article(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, data("journal_rss.xml")))

    services.import_path(owner, DATA / "pubmed4.xml")
    ris = services.import_path(owner, DATA / "same_paper.ris")
    services.refresh_source(feed(owner, loopback.url("/rss")))

    gut = Article.objects.filter(doi=GUT_DOI)
    assert gut.count() == 1
    article = gut.get()
    assert article.pmid == "27797938"
    assert article.sources_seen == ["feed", "pubmed", "ris"]
    assert ris.summary.updated == 1, "the RIS copy matched by title and year"
    assert SourceItem.objects.filter(article=article).count() == 3
    assert Article.objects.filter(title__icontains="Leucocyte telomere").count() == 1


def test_an_update_file_deletes_citations_and_keeps_saved_ones_flagged(
    owner: User, tmp_path: Path
) -> None:
    services.import_path(owner, DATA / "pubmed4.xml")
    services.import_path(owner, DATA / "pubmed1.xml")
    ReadingListEntry.objects.create(
        owner=owner, article=Article.objects.get(pmid="12091962"), notes="for ethics CE"
    )

    result = services.import_path(owner, write(tmp_path, "pubmed25n1300.xml", UPDATE_FILE))

    assert (result.summary.deleted, result.summary.removed_kept) == (1, 1)
    assert not Article.objects.filter(pmid="27797938").exists()
    kept = Article.objects.get(pmid="12091962")
    assert kept.removed_at is not None
    assert ReadingListEntry.objects.get().notes == "for ethics CE"
    assert set(Article.objects.for_user(owner).values_list("pmid", flat=True)) == {"9997"}


def test_a_gzipped_baseline_file_is_read_by_content(owner: User, tmp_path: Path) -> None:
    path = write(tmp_path, "pubmed25n0001.xml.gz", gzip.compress(data("pubmed1.xml")))
    seen: list[int] = []

    result = services.import_path(owner, path, on_read=seen.append)

    assert result.summary.added == 2
    assert sum(seen) == path.stat().st_size, "progress counts the file's own bytes"


def test_a_malformed_file_imports_nothing_and_names_the_line(owner: User, tmp_path: Path) -> None:
    broken = data("pubmed4.xml").replace(b"</ArticleTitle>", b"</ArticleTitl>", 1)

    result = services.import_path(owner, write(tmp_path, "broken.xml", broken))

    assert result.rejected
    assert result.problems
    assert result.problems[0].startswith("broken.xml:")
    assert "malformed XML" in result.problems[0]
    assert not Article.objects.exists()
    assert not Source.objects.exists(), "not even the import's source is kept"


def test_a_file_broken_after_many_records_rolls_back_the_earlier_batches(
    owner: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are merged as they stream; the file's transaction undoes them all."""
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    two = data("pubmed1.xml")
    broken = two.replace(b"</PubmedArticleSet>", b"<PubmedArticle><oops></PubmedArticleSet>")

    result = services.import_path(owner, write(tmp_path, "cut.xml", broken))

    assert result.rejected
    assert not Article.objects.exists()


def test_a_file_parsed_in_a_separate_process_imports_the_same(owner: User, tmp_path: Path) -> None:
    """Big files are parsed in a child process while this one merges: same result, same
    atomicity, progress still reported."""
    path = write(tmp_path, "pubmed25n0002.xml.gz", gzip.compress(data("pubmed1.xml")))
    seen: list[int] = []

    result = services.import_path(owner, path, parallel=True, on_read=seen.append)

    assert not result.rejected, result.problems
    assert result.summary.added == 2
    assert sum(seen) == path.stat().st_size
    assert set(Article.objects.values_list("pmid", flat=True)) == {"9997", "12091962"}


def test_a_malformed_file_parsed_in_a_separate_process_imports_nothing(
    owner: User, tmp_path: Path
) -> None:
    broken = data("pubmed1.xml").replace(b"</PubmedArticleSet>", b"<PubmedArticle><x>")

    result = services.import_path(owner, write(tmp_path, "cut.xml", broken), parallel=True)

    assert result.rejected
    assert "cut.xml" in result.problems[0]
    assert not Article.objects.exists()


def test_a_file_that_is_no_reference_format_is_rejected(owner: User, tmp_path: Path) -> None:
    result = services.import_path(owner, write(tmp_path, "notes.txt", b"Just some notes.\n"))

    assert result.rejected
    assert "not a supported format" in result.problems[0]


def test_a_missing_file_is_reported(owner: User, tmp_path: Path) -> None:
    result = services.import_path(owner, tmp_path / "nope.xml")

    assert result.rejected
    assert "nope.xml" in result.problems[0]


def test_an_upload_stream_imports_like_a_file(owner: User) -> None:
    result = services.import_upload(owner, io.BytesIO(data("pubmed_result2.txt")), "refs.nbib")

    assert result.summary.added == 4
    assert [article.sources_seen for article in Article.objects.all()] == [["medline"]] * 4


# -- feeds ----------------------------------------------------------------------------------


def test_refreshing_a_feed_merges_its_entries_and_keeps_its_validators(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add(
        "/rss",
        Reply(
            200,
            data("journal_rss.xml"),
            {"ETag": '"v7"', "Last-Modified": "Mon, 09 Nov 2026 06:00:00 GMT"},
        ),
        Reply(304),
    )
    source = feed(owner, loopback.url("/rss"))

    first = services.refresh_source(source)
    second = services.refresh_source(source)

    assert first.ok
    assert first.new_items == 3
    assert first.summary is not None
    assert first.summary.duplicates == 1
    assert second.ok
    assert second.not_modified
    assert second.new_items == 0
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == ('"v7"', "Mon, 09 Nov 2026 06:00:00 GMT")
    assert source.last_fetched_at is not None
    assert source.last_error == ""
    meta = Article.objects.get(title__startswith="Therapist burnout")
    assert meta.evidence_level == "systematic-review"
    assert "meta-analysis" in meta.evidence_reason


def test_a_failing_feed_keeps_its_error_on_the_source(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(500, b"oops"))
    source = feed(owner, loopback.url("/rss"))

    result = services.refresh_source(source)

    assert not result.ok
    source.refresh_from_db()
    assert source.last_error == "The feed's server answered 500."
    assert source.last_error_at is not None


def test_a_feed_that_redirects_inside_the_network_is_refused(
    owner: User, settings: Any, loopback: LoopbackServer
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False
    source = feed(owner, "http://127.0.0.1:9/rss")

    result = services.refresh_source(source)

    assert not result.ok
    assert "loopback" in result.error
    assert not Article.objects.exists()


def test_an_oversized_feed_is_refused(
    owner: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    fetch_settings.LIFELONG_FETCH_MAX_BYTES = 4096
    loopback.add("/rss", Reply(200, data("journal_rss.xml") * 3))

    result = services.refresh_source(feed(owner, loopback.url("/rss")))

    assert not result.ok
    assert "larger than 4 KiB" in result.error


# -- PubMed searches ------------------------------------------------------------------------


def test_refreshing_a_pubmed_search_fetches_new_ids_in_batches(
    owner: User, fetch_settings: Any, loopback: LoopbackServer, no_waiting: list[float]
) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch.json")))
    both = data("pubmed4.xml").replace(
        b"</PubmedArticleSet>", data("pubmed5.xml").split(b"<PubmedArticleSet>")[1]
    )
    loopback.add("/eutils/efetch.fcgi", Reply(200, both))
    source = pubmed_search(owner)

    result = services.refresh_source(source)

    assert result.ok, result.error
    assert result.new_items == 2
    assert set(Article.objects.for_user(owner).values_list("pmid", flat=True)) == {
        "27797938",
        "28775130",
    }
    esearch = loopback.hits("/eutils/esearch.fcgi")[0]
    today = timezone.localdate()
    assert esearch.param("mindate") == (today - timedelta(days=30)).strftime("%Y/%m/%d")
    assert esearch.param("maxdate") == today.strftime("%Y/%m/%d")
    efetch = loopback.hits("/eutils/efetch.fcgi")[0]
    assert efetch.form["id"] == ["27797938,28775130"]
    source.refresh_from_db()
    assert source.fetched_through == today
    assert len(no_waiting) >= 1, "the calls went through the rate limiter"


def test_the_next_refresh_starts_where_the_last_ended_and_skips_known_papers(
    owner: User, fetch_settings: Any, loopback: LoopbackServer, no_waiting: list[float]
) -> None:
    services.import_path(owner, DATA / "pubmed4.xml")
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch.json")))
    loopback.add("/eutils/efetch.fcgi", Reply(200, data("pubmed5.xml")))
    source = pubmed_search(owner, fetched_through=date(2026, 11, 1))

    result = services.refresh_source(source)

    assert result.ok
    assert result.new_items == 2
    assert loopback.hits("/eutils/esearch.fcgi")[0].param("mindate") == "2026/10/31"
    assert loopback.hits("/eutils/efetch.fcgi")[0].form["id"] == ["28775130"]


def test_a_pubmed_error_is_kept_on_the_source(
    owner: User, fetch_settings: Any, loopback: LoopbackServer, no_waiting: list[float]
) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch_error.json")))
    source = pubmed_search(owner)

    result = services.refresh_source(source)

    assert not result.ok
    source.refresh_from_db()
    assert "unbalanced parentheses" in source.last_error
    assert source.fetched_through is None


# -- which sources are due --------------------------------------------------------------------


def test_due_sources_follow_their_schedule(owner: User) -> None:
    now = timezone.now()
    never = feed(owner, "https://a.example.org/rss")
    daily_old = feed(owner, "https://b.example.org/rss", last_fetched_at=now - timedelta(hours=21))
    feed(owner, "https://c.example.org/rss", last_fetched_at=now - timedelta(hours=2))
    weekly_old = feed(
        owner,
        "https://d.example.org/rss",
        schedule="weekly",
        last_fetched_at=now - timedelta(days=7),
    )
    feed(
        owner,
        "https://e.example.org/rss",
        schedule="weekly",
        last_fetched_at=now - timedelta(days=2),
    )
    feed(owner, "https://f.example.org/rss", schedule="manual")
    feed(owner, "https://g.example.org/rss", active=False)
    Source.objects.create(owner=owner, kind=Source.Kind.FILE_IMPORT, name="refs.ris")

    due = set(Source.objects.due(now))

    assert due == {never, daily_old, weekly_old}


def test_refresh_sources_runs_only_the_users_due_sources(
    owner: User, peer: User, fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add("/rss", Reply(200, data("journal_atom.xml")))
    mine = feed(owner, loopback.url("/rss"))
    feed(peer, loopback.url("/rss"))

    results = services.refresh_sources(user=owner)

    assert [result.source_id for result in results] == [mine.pk]
    assert Article.objects.for_user(owner).count() == 2
    assert not Article.objects.for_user(peer).exists()
