"""Journal RSS/Atom feeds: a conditional, guarded GET and feedparser on the bytes.

The fetch sends ``If-None-Match`` / ``If-Modified-Since`` from the last answer, so a feed that
did not change costs one small 304. feedparser only ever sees the bytes we fetched (wrapped in
a stream: given bytes or a string it may treat them as a file name or URL and open it). Each
entry becomes :class:`~lifelong.literature.ingest.ArticleFields`: the title and summary
sanitised with nh3, the DOI from ``prism:doi``, ``dc:identifier`` or a doi.org link, the
publication date, and the journal from ``prism:publicationName`` or the feed's title.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

import feedparser  # type: ignore[import-untyped]
import httpx

from lifelong.literature import netguard
from lifelong.literature.ingest import ArticleFields
from lifelong.literature.models import normalise_doi
from lifelong.literature.sanitize import clean_block_html, clean_inline_html, html_to_text

_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>?#]+)", re.IGNORECASE)
_FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


class FeedError(Exception):
    """The address did not give a usable feed; the message says why."""


@dataclass
class FeedFetch:
    not_modified: bool
    title: str = ""
    records: list[ArticleFields] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""


def fetch_feed(
    url: str, etag: str = "", last_modified: str = "", client: httpx.Client | None = None
) -> FeedFetch:
    """Fetch and parse a feed; ``not_modified`` when the server answered 304."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    http = client or netguard.guarded_client()
    try:
        result = netguard.fetch(http, "GET", url, headers=headers)
    except httpx.HTTPError as error:
        raise FeedError(f"The feed could not be fetched ({error}).") from error
    finally:
        if own_client:
            http.close()
    if result.status_code == 304:
        return FeedFetch(not_modified=True, etag=etag, last_modified=last_modified)
    if result.status_code >= 400:
        raise FeedError(f"The feed's server answered {result.status_code}.")
    title, records = parse_feed(result.content, result.url)
    return FeedFetch(
        not_modified=False,
        title=title,
        records=records,
        etag=result.headers.get("etag", ""),
        last_modified=result.headers.get("last-modified", ""),
    )


def parse_feed(content: bytes, url: str = "") -> tuple[str, list[ArticleFields]]:
    """The feed's title and its entries as records; :class:`FeedError` when it is not a
    feed at all."""
    head = content[:2048].lower()
    if not any(marker in head for marker in _FEED_MARKERS):
        raise FeedError("The address did not return an RSS or Atom feed.")
    parsed = feedparser.parse(
        io.BytesIO(content),
        response_headers={"content-location": url} if url else None,
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if parsed.get("bozo") and not parsed.get("entries"):
        raise FeedError(f"The feed could not be read ({parsed.get('bozo_exception')}).")
    feed_title = html_to_text(str(parsed.feed.get("title", "")))
    records = [
        record
        for index, entry in enumerate(parsed.entries, start=1)
        if (record := entry_to_record(entry, feed_title, f"{url or 'feed'}#{index}"))
    ]
    return feed_title, records


def _find_doi(entry: Any) -> str | None:
    for key in ("prism_doi", "dc_identifier", "id", "link"):
        value = entry.get(key)
        if not value:
            continue
        doi = normalise_doi(str(value))
        if doi:
            return doi
        match = _DOI_IN_TEXT.search(str(value))
        if match:
            return normalise_doi(match.group(1).rstrip(".,;"))
    for link in entry.get("links", []):
        match = _DOI_IN_TEXT.search(str(link.get("href", "")))
        if match:
            return normalise_doi(match.group(1).rstrip(".,;"))
    return None


def _author(name: str) -> dict[str, str]:
    name = html_to_text(name)
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return {"family": family, "given": given}
    parts = name.rsplit(" ", 1)
    if len(parts) == 2:
        return {"family": parts[1], "given": parts[0]}
    return {"family": name, "given": ""}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_text(year: int | None, month: int | None, day: int | None) -> str:
    """PubMed's way of writing a date: ``2026 Nov 5``, ``2026 Nov``, ``2026``."""
    if year is None:
        return ""
    parts = [str(year)]
    if month and 1 <= month <= 12:
        parts.append(_MONTHS[month - 1])
        if day:
            parts.append(str(day))
    return " ".join(parts)


def _published(entry: Any) -> tuple[int | None, int | None, int | None, str]:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            year, month, day = value.tm_year, value.tm_mon, value.tm_mday
            return year, month, day, _date_text(year, month, day)
    text = str(entry.get("prism_publicationdate") or entry.get("dc_date") or "")
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if match:
        found = [int(part) if part else None for part in match.groups()]
        return found[0], found[1], found[2], _date_text(found[0], found[1], found[2])
    return None, None, None, ""


def entry_to_record(entry: Any, feed_title: str, location: str) -> ArticleFields | None:
    raw_title = str(entry.get("title", ""))
    title = html_to_text(raw_title)
    if not title:
        return None
    summary_html = ""
    contents = entry.get("content") or []
    if entry.get("summary"):
        summary_html = str(entry["summary"])
    elif contents:
        summary_html = str(contents[0].get("value", ""))
    summary_text = html_to_text(summary_html)
    abstract = (
        [{"label": "", "text": summary_text, "html": clean_block_html(summary_html)}]
        if summary_text
        else []
    )
    authors = [_author(a["name"]) for a in entry.get("authors", []) if a.get("name")]
    year, month, day, published_text = _published(entry)
    link = str(entry.get("link", ""))
    return ArticleFields(
        title=title,
        title_html=clean_inline_html(raw_title),
        doi=_find_doi(entry),
        abstract=abstract,
        authors=authors,
        journal=html_to_text(str(entry.get("prism_publicationname") or feed_title))[:500],
        volume=str(entry.get("prism_volume", ""))[:50],
        issue=str(entry.get("prism_number", ""))[:50],
        pages=str(entry.get("prism_startingpage", ""))[:100],
        published_year=year,
        published_month=month,
        published_day=day,
        published_text=published_text,
        url=link if link.startswith(("http://", "https://")) else "",
        keywords=[
            html_to_text(str(tag.get("term", "")))
            for tag in entry.get("tags", [])
            if tag.get("term")
        ],
        source_kind="feed",
        location=location,
    )
