"""Journal feeds: RSS 2.0 and Atom entries as records, sanitised HTML, DOIs from every place
a journal puts them, conditional GET."""

from __future__ import annotations

from typing import Any

import pytest

from lifelong.literature import feeds, netguard
from lifelong.literature.feeds import FeedError
from tests.literature.loopback import LoopbackServer, Reply, data


def test_rss_entries_become_records_with_sanitised_html() -> None:
    title, records = feeds.parse_feed(data("journal_rss.xml"), "https://journals.example.org/rss")

    assert title == "Journal of Clinical Psychotherapy Research: Latest Articles"
    emdr = records[0]
    assert emdr.title == (
        "Eye movement desensitization and reprocessing versus prolonged exposure for PTSD in "
        "veterans: a randomized controlled trial"
    )
    assert "<i>PTSD</i>" in emdr.title_html
    assert emdr.doi == "10.1037/ccp0000901"
    assert emdr.authors == [
        {"family": "Rivera", "given": "Ana"},
        {"family": "Okafor", "given": "Chidi"},
    ]
    assert (emdr.published_year, emdr.published_month, emdr.published_day) == (2026, 11, 5)
    assert emdr.published_text == "2026 Nov 5"
    assert emdr.journal == "Journal of Clinical Psychotherapy Research"
    assert (emdr.volume, emdr.issue, emdr.pages) == ("94", "11", "801")
    assert emdr.keywords == ["PTSD", "EMDR"]
    assert emdr.url == "https://journals.example.org/doi/10.1037/ccp0000901"
    assert emdr.source_kind == "feed"
    summary = emdr.abstract[0]
    assert summary["text"].startswith("Objective: To compare EMDR")
    for hostile in ("script", "javascript", "onerror", "img", "href", "tracker"):
        assert hostile not in summary["html"]
    assert "<b>Objective:</b>" in summary["html"]


def test_dois_are_found_in_dc_identifier_and_doi_links() -> None:
    _, records = feeds.parse_feed(data("journal_rss.xml"))

    assert records[1].doi == "10.1136/gutjnl-2016-312510"
    assert records[2].doi is None
    assert records[2].journal == "Journal of Clinical Psychotherapy Research: Latest Articles"


def test_atom_entries_become_records() -> None:
    title, records = feeds.parse_feed(data("journal_atom.xml"), "https://letters.example.org/")

    assert title == "Psychotherapy Practice Letters"
    review, survey = records
    assert review.doi == "10.1016/j.ppl.2026.104512"
    assert review.authors == [
        {"family": "Lopez", "given": "Maria"},
        {"family": "Patel", "given": "Sam"},
    ]
    assert (review.published_year, review.published_month, review.published_day) == (2026, 11, 2)
    assert (
        review.abstract[0]["html"]
        == "<p>Twelve trials of brief <i>behavioural activation</i> were pooled.</p>"
    )
    assert (
        review.abstract[0]["text"] == "Twelve trials of brief behavioural activation were pooled."
    )
    assert survey.doi is None
    assert survey.abstract[0]["text"] == "A survey of 300 supervisors."
    assert (survey.published_year, survey.published_month) == (2026, 10)


@pytest.mark.parametrize(
    "content",
    [
        b"<!doctype html><html><body>Not a feed</body></html>",
        b'{"items": []}',
        b"",
    ],
)
def test_something_that_is_not_a_feed_is_refused(content: bytes) -> None:
    with pytest.raises(FeedError, match="did not return an RSS or Atom feed"):
        feeds.parse_feed(content)


def test_external_entities_are_not_resolved(tmp_path: Any) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>Leak &x; here in title</title>'
        "</item></channel></rss>"
    ).encode()

    try:
        _, records = feeds.parse_feed(hostile)
    except FeedError:
        return
    assert all("TOP-SECRET" not in record.title for record in records)


def test_the_bytes_are_never_taken_for_a_file_name(tmp_path: Any) -> None:
    target = tmp_path / "rss"
    target.write_bytes(data("journal_rss.xml"))

    with pytest.raises(FeedError):
        feeds.parse_feed(str(target).encode())


def test_a_conditional_get_uses_the_stored_validators_and_handles_304(
    fetch_settings: Any, loopback: LoopbackServer
) -> None:
    loopback.add(
        "/rss",
        Reply(
            200,
            data("journal_rss.xml"),
            {"ETag": '"abc"', "Last-Modified": "Mon, 09 Nov 2026 06:00:00 GMT"},
        ),
        Reply(304),
    )

    with netguard.guarded_client() as client:
        first = feeds.fetch_feed(loopback.url("/rss"), client=client)
        second = feeds.fetch_feed(
            loopback.url("/rss"), first.etag, first.last_modified, client=client
        )

    assert (first.not_modified, len(first.records), first.etag) == (False, 4, '"abc"')
    assert second.not_modified
    conditional = loopback.requests[1].headers
    assert conditional["if-none-match"] == '"abc"'
    assert conditional["if-modified-since"] == "Mon, 09 Nov 2026 06:00:00 GMT"
    assert "if-none-match" not in loopback.requests[0].headers


def test_an_error_status_is_reported(fetch_settings: Any, loopback: LoopbackServer) -> None:
    loopback.add("/gone", Reply(410, b"Gone"))

    with pytest.raises(FeedError, match="answered 410"):
        feeds.fetch_feed(loopback.url("/gone"))


def test_a_feed_on_a_private_address_is_refused_in_production(
    settings: Any, loopback: LoopbackServer
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False
    loopback.add("/rss", Reply(200, data("journal_rss.xml")))

    with pytest.raises(netguard.FetchRefused, match="loopback"):
        feeds.fetch_feed(loopback.url("/rss"))
    assert loopback.requests == []
