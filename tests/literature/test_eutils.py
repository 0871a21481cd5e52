"""The E-utilities client against a loopback server: parameters NCBI requires, date windows
under the 10,000-id cap, efetch batches by POST, the rate limiter and retries."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest

from lifelong.literature import eutils, netguard
from lifelong.literature.eutils import EutilsClient, EutilsError, RateLimiter, RetryPolicy
from tests.literature.loopback import Logged, LoopbackServer, Reply, data


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def client(fetch_settings: Any, loopback: LoopbackServer) -> Any:
    clock = FakeClock()
    http = netguard.guarded_client()
    pubmed = EutilsClient(
        http,
        base_url=loopback.url("/eutils/"),
        tool="lifelong-tests",
        email="maintainer@example.org",
        limiter=RateLimiter(3, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(jitter=lambda: 0.0),
        sleep=clock.sleep,
    )
    pubmed.clock = clock  # type: ignore[attr-defined]
    yield pubmed
    http.close()


def esearch_reply(ids: list[str], count: int | None = None) -> Reply:
    payload = {
        "header": {"type": "esearch", "version": "0.3"},
        "esearchresult": {
            "count": str(len(ids) if count is None else count),
            "retmax": str(len(ids)),
            "retstart": "0",
            "idlist": ids,
        },
    }
    return Reply(200, json.dumps(payload).encode(), {"Content-Type": "application/json"})


# -- the rate limiter -----------------------------------------------------------------------


def test_the_limiter_spaces_calls_by_a_third_of_a_second_without_a_key() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)

    for _ in range(4):
        limiter.wait()

    assert clock.slept == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_the_limiter_does_not_wait_after_a_pause() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5

    assert limiter.wait() == 0
    assert clock.slept == []


def test_an_api_key_raises_the_rate_to_ten_per_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eutils, "_shared_limiters", {})
    with_key = EutilsClient(None, base_url="x", tool="t", email="e", api_key="k")  # type: ignore[arg-type]
    without = EutilsClient(None, base_url="x", tool="t", email="e")  # type: ignore[arg-type]

    assert with_key.limiter.interval == pytest.approx(0.1)
    assert without.limiter.interval == pytest.approx(1 / 3)
    assert EutilsClient(None, base_url="x", tool="t", email="e").limiter is without.limiter  # type: ignore[arg-type]


def test_the_limiter_is_shared_by_threads() -> None:
    """Eight threads reserve slots at one fake instant: the waits are 0, 1/3, 2/3, ...
    each handed out exactly once."""
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = RateLimiter(3, clock=lambda: 50.0, sleep=record)
    threads = [threading.Thread(target=limiter.wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([n / 3 for n in range(1, 8)])


# -- retries ------------------------------------------------------------------------------


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=10, jitter=lambda: 1.0)

    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.75, 1.5, 3.0, 6.0, 10]
    assert RetryPolicy(jitter=lambda: 0.0).delay(1, retry_after=7) == 7


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 9, 12, 0, 0, tzinfo=UTC)
    assert eutils.retry_after_seconds("12") == 12
    assert eutils.retry_after_seconds("Mon, 09 Nov 2026 12:00:30 GMT", now) == 30
    assert eutils.retry_after_seconds("soon") is None


def test_a_429_is_retried_after_the_servers_retry_after(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    loopback.add(
        "/eutils/esearch.fcgi",
        Reply(429, b'{"error":"API rate limit exceeded"}', {"Retry-After": "2"}),
        Reply(200, data("esearch.json")),
    )

    page = client.esearch("telomere", date(2026, 1, 1), date(2026, 1, 31))

    assert page.ids == ["27797938", "28775130"]
    assert 2.0 in client.clock.slept  # type: ignore[attr-defined]
    assert len(loopback.hits("/eutils/esearch.fcgi")) == 2


def test_server_errors_are_retried_then_reported(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(502, b"Bad Gateway"))

    with pytest.raises(EutilsError, match="502 after 4 tries"):
        client.esearch("telomere", date(2026, 1, 1), date(2026, 1, 31))

    assert len(loopback.hits("/eutils/esearch.fcgi")) == 4
    backoffs = [s for s in client.clock.slept if s >= 0.5]  # type: ignore[attr-defined]
    assert backoffs == [0.5, 1.0, 2.0]


def test_a_timeout_is_retried(client: EutilsClient, loopback: LoopbackServer) -> None:
    client.http.timeout = __import__("httpx").Timeout(0.3)
    loopback.add(
        "/eutils/esearch.fcgi", Reply(200, b"{}", delay=1.0), Reply(200, data("esearch.json"))
    )

    assert client.esearch("x", date(2026, 1, 1), date(2026, 1, 2)).count == 2


def test_a_client_error_is_not_retried(client: EutilsClient, loopback: LoopbackServer) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(400, b"bad request"))

    with pytest.raises(EutilsError, match="400"):
        client.esearch("x", date(2026, 1, 1), date(2026, 1, 2))
    assert len(loopback.hits("/eutils/esearch.fcgi")) == 1


# -- esearch ------------------------------------------------------------------------------


def test_esearch_sends_what_ncbi_asks_for(client: EutilsClient, loopback: LoopbackServer) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch.json")))

    client.esearch("ptsd AND emdr", date(2026, 1, 1), date(2026, 2, 15))

    request = loopback.hits("/eutils/esearch.fcgi")[0]
    assert {name: request.param(name) for name in request.query} == {
        "db": "pubmed",
        "tool": "lifelong-tests",
        "email": "maintainer@example.org",
        "term": "ptsd AND emdr",
        "retmode": "json",
        "retmax": "9999",
        "datetype": "edat",
        "mindate": "2026/01/01",
        "maxdate": "2026/02/15",
        "sort": "pub_date",
    }


def test_esearch_reads_the_xml_answer_too(client: EutilsClient, loopback: LoopbackServer) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch.xml")))

    page = client.esearch("telomere", date(2026, 1, 1), date(2026, 1, 31))

    assert (page.count, page.ids) == (2, ["27797938", "28775130"])


def test_esearch_reports_pubmeds_error_message(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch_error.json")))

    with pytest.raises(EutilsError, match="unbalanced parentheses"):
        client.esearch("(ptsd", date(2026, 1, 1), date(2026, 1, 31))


def test_a_window_over_the_cap_is_split_until_each_part_fits(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    """January holds 15,000 ids: too many for one answer. Each half holds 7,500 (fits)."""

    def by_window(logged: Logged) -> Reply:
        window = (logged.param("mindate"), logged.param("maxdate"))
        if window == ("2026/01/01", "2026/01/31"):
            return esearch_reply([str(n) for n in range(9999)], count=15000)
        start = 1 if window[0] == "2026/01/01" else 100_000
        return esearch_reply([str(start + n) for n in range(3)], count=3)

    loopback.routes["/eutils/esearch.fcgi"] = by_window

    outcome = client.search_ids("depression", date(2026, 1, 1), date(2026, 1, 31))

    windows = [
        (r.param("mindate"), r.param("maxdate")) for r in loopback.hits("/eutils/esearch.fcgi")
    ]
    assert windows == [
        ("2026/01/01", "2026/01/31"),
        ("2026/01/17", "2026/01/31"),
        ("2026/01/01", "2026/01/16"),
    ]
    assert outcome.ids == ["100000", "100001", "100002", "1", "2", "3"]
    assert outcome.truncated_windows == []


def test_a_single_day_over_the_cap_keeps_its_first_page_and_says_so(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    loopback.add(
        "/eutils/esearch.fcgi", esearch_reply([str(n) for n in range(1, 10000)], count=12000)
    )

    outcome = client.search_ids("cancer", date(2026, 3, 2), date(2026, 3, 2))

    assert len(outcome.ids) == 9999
    assert outcome.truncated_windows == [(date(2026, 3, 2), date(2026, 3, 2))]


def test_the_search_stops_at_the_id_limit(client: EutilsClient, loopback: LoopbackServer) -> None:
    loopback.add("/eutils/esearch.fcgi", esearch_reply([str(n) for n in range(1, 50)]))

    outcome = client.search_ids("x", date(2026, 1, 1), date(2026, 1, 9), max_ids=10)

    assert outcome.ids == [str(n) for n in range(1, 11)]
    assert outcome.capped


# -- efetch -------------------------------------------------------------------------------


def test_efetch_posts_at_most_200_ids_per_request(
    client: EutilsClient, loopback: LoopbackServer
) -> None:
    loopback.add("/eutils/efetch.fcgi", Reply(200, data("pubmed4.xml")))
    ids = [str(n) for n in range(1, 451)]

    documents = list(client.efetch(ids))

    requests = loopback.hits("/eutils/efetch.fcgi")
    assert [r.method for r in requests] == ["POST"] * 3
    assert [len(r.form["id"][0].split(",")) for r in requests] == [200, 200, 50]
    assert requests[0].form["retmode"] == ["xml"]
    assert requests[0].form["tool"] == ["lifelong-tests"]
    assert requests[0].query == {}, "ids travel in the body, not the URL"
    assert documents[0] == data("pubmed4.xml")


def test_the_api_key_is_sent_when_configured(
    fetch_settings: Any, loopback: LoopbackServer, no_waiting: list[float]
) -> None:
    fetch_settings.LIFELONG_PUBMED_API_KEY = "abc123"
    loopback.add("/eutils/esearch.fcgi", Reply(200, data("esearch.json")))

    with netguard.guarded_client() as http:
        EutilsClient.from_settings(http).esearch("x", date(2026, 1, 1), date(2026, 1, 2))

    assert loopback.requests[0].param("api_key") == "abc123"
    assert loopback.requests[0].param("email") == "maintainer@example.org"
