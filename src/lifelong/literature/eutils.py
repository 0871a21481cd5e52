"""A small, careful NCBI E-utilities client: esearch in date windows, efetch in batches.

NCBI's rules (E-utilities usage policy): every request names the tool and a contact email; at
most 3 requests per second without an API key and 10 with one; ESearch returns at most 10,000
ids per query, so a saved search is run over date windows that are split in two, recursively,
while a window still holds more ids than one page returns. EFetch is sent as POST with at most
200 ids. Errors that are worth retrying (429, 5xx, timeouts, dropped connections) are retried
with exponential backoff and jitter, honouring ``Retry-After``.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.conf import settings
from lxml import etree

from lifelong.literature import netguard

ESEARCH_PAGE = 9999  # ESearch never returns ids past the 10,000th
EFETCH_BATCH = 200
MAX_RETRY_DELAY = 60.0


class EutilsError(Exception):
    """E-utilities could not answer (after retries) or answered with an error."""


# --------------------------------------------------------------------------------------------
# Rate limiting and retries
# --------------------------------------------------------------------------------------------


class RateLimiter:
    """At most ``rate`` calls per second, shared by every thread that uses this instance.

    Each caller reserves the next free slot under a lock and sleeps outside it, so waiting
    threads do not serialise on the lock. ``clock`` and ``sleep`` are injectable for tests.
    One process shares one limiter per rate (:func:`shared_limiter`); several worker
    processes each keep their own, so run one refresh worker per API key.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next_slot = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this call may go; returns how long it waited."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            self.sleep(delay)
        return delay


_shared_limiters: dict[float, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(rate: float) -> RateLimiter:
    """The process-wide limiter for ``rate`` requests per second."""
    with _shared_lock:
        if rate not in _shared_limiters:
            _shared_limiters[rate] = RateLimiter(rate)
        return _shared_limiters[rate]


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = MAX_RETRY_DELAY
    jitter: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based): exponential with up to
        50% jitter, never less than the server's ``Retry-After``, never above ``max_delay``."""
        backoff = self.base_delay * (2.0 ** (attempt - 1)) * (1.0 + 0.5 * float(self.jitter()))
        if retry_after is not None:
            backoff = max(backoff, retry_after)
        return min(backoff, self.max_delay)


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchPage:
    count: int
    ids: list[str]


@dataclass
class SearchOutcome:
    ids: list[str] = field(default_factory=list)
    requests: int = 0
    truncated_windows: list[tuple[date, date]] = field(default_factory=list)
    capped: bool = False


def _parse_esearch(content: bytes) -> SearchPage:
    """ESearch's JSON or XML answer -> count and ids (an ``ERROR`` answer raises)."""
    text = content.lstrip()
    if text.startswith(b"{"):
        try:
            payload = json.loads(content)
            result = payload["esearchresult"]
        except (ValueError, KeyError, TypeError) as error:
            raise EutilsError("ESearch sent an answer that is not valid JSON.") from error
        if "ERROR" in result:
            raise EutilsError(f"PubMed refused the search: {result['ERROR']}")
        return SearchPage(int(result.get("count", 0)), [str(i) for i in result.get("idlist", [])])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise EutilsError("ESearch sent an answer that is neither JSON nor XML.") from error
    error_text = root.findtext("ERROR")
    if error_text:
        raise EutilsError(f"PubMed refused the search: {error_text}")
    return SearchPage(
        int(root.findtext("Count") or 0), [id_.text or "" for id_ in root.iterfind("IdList/Id")]
    )


class EutilsClient:
    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str,
        tool: str,
        email: str,
        api_key: str = "",
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/") + "/"
        self.tool = tool
        self.email = email
        self.api_key = api_key
        self.limiter = limiter or shared_limiter(10.0 if api_key else 3.0)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.requests_sent = 0

    @classmethod
    def from_settings(cls, http: httpx.Client | None = None) -> EutilsClient:
        return cls(
            http or netguard.guarded_client(),
            base_url=settings.LIFELONG_EUTILS_BASE_URL,
            tool=settings.LIFELONG_PUBMED_TOOL,
            email=settings.LIFELONG_PUBMED_EMAIL,
            api_key=settings.LIFELONG_PUBMED_API_KEY,
        )

    def _common(self) -> dict[str, str]:
        params = {"db": "pubmed", "tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def request(self, endpoint: str, params: dict[str, Any], method: str = "GET") -> bytes:
        """One E-utilities call, rate-limited and retried; the body on success."""
        url = self.base_url + endpoint
        payload = {**self._common(), **params}
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            self.limiter.wait()
            self.requests_sent += 1
            last = attempt == attempts
            try:
                result = netguard.fetch(
                    self.http,
                    method,
                    url,
                    params=payload if method == "GET" else None,
                    data=payload if method == "POST" else None,
                )
            except (netguard.FetchTimedOut, httpx.TransportError) as error:
                if last:
                    raise EutilsError(f"PubMed did not answer ({error}).") from error
                self.sleep(self.retry.delay(attempt))
                continue
            except netguard.FetchRefused as error:
                raise EutilsError(str(error)) from error
            status = result.status_code
            if status == 429 or status >= 500:
                if last:
                    raise EutilsError(f"PubMed answered {status} after {attempts} tries.")
                wait = retry_after_seconds(result.headers.get("retry-after"))
                self.sleep(self.retry.delay(attempt, wait))
                continue
            if status >= 400:
                raise EutilsError(f"PubMed answered {status}.")
            return result.content
        raise EutilsError("unreachable")  # pragma: no cover

    def esearch(
        self, term: str, mindate: date, maxdate: date, datetype: str = "edat"
    ) -> SearchPage:
        content = self.request(
            "esearch.fcgi",
            {
                "term": term,
                "retmode": "json",
                "retmax": str(ESEARCH_PAGE),
                "datetype": datetype,
                "mindate": mindate.strftime("%Y/%m/%d"),
                "maxdate": maxdate.strftime("%Y/%m/%d"),
                "sort": "pub_date",
            },
        )
        return _parse_esearch(content)

    def search_ids(
        self,
        term: str,
        start: date,
        end: date,
        *,
        datetype: str = "edat",
        max_ids: int | None = None,
    ) -> SearchOutcome:
        """Every id matching ``term`` with a ``datetype`` date in [start, end], newest window
        first. A window whose count exceeds one page is split in two and each half searched;
        a single day that still exceeds it keeps its first page (listed in
        ``truncated_windows``). ``max_ids`` stops early (``capped``)."""
        outcome = SearchOutcome()
        seen: set[str] = set()
        pending: list[tuple[date, date]] = [(start, end)]
        while pending:
            low, high = pending.pop()
            page = self.esearch(term, low, high, datetype)
            outcome.requests += 1
            if page.count > len(page.ids) and page.count >= ESEARCH_PAGE:
                if high > low:
                    middle = low + (high - low) // 2
                    # popped last-in first-out: the newer half is searched first
                    pending.append((low, middle))
                    pending.append((middle + timedelta(days=1), high))
                    continue
                outcome.truncated_windows.append((low, high))
            for pmid in page.ids:
                if pmid not in seen:
                    seen.add(pmid)
                    outcome.ids.append(pmid)
                    if max_ids is not None and len(outcome.ids) >= max_ids:
                        outcome.capped = True
                        return outcome
        return outcome

    def efetch(self, ids: list[str]) -> Iterator[bytes]:
        """PubMed XML for ``ids``, one ``PubmedArticleSet`` document per batch of 200."""
        for offset in range(0, len(ids), EFETCH_BATCH):
            batch = ids[offset : offset + EFETCH_BATCH]
            yield self.request(
                "efetch.fcgi", {"id": ",".join(batch), "retmode": "xml"}, method="POST"
            )
