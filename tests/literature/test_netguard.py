"""Fetching user-supplied URLs safely: scheme and address checks on every hop, pinned
connections, size and time caps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lifelong.literature import netguard
from lifelong.literature.netguard import FetchRefused, GuardedTransport
from tests.literature.loopback import LoopbackServer, Reply


@pytest.fixture(autouse=True)
def _close_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every client a test makes is closed afterwards (no unclosed-socket warnings)."""
    made: list[httpx.Client] = []
    original = netguard.guarded_client

    def tracking(*args: Any, **kwargs: Any) -> httpx.Client:
        client = original(*args, **kwargs)
        made.append(client)
        return client

    monkeypatch.setattr(netguard, "guarded_client", tracking)
    yield
    for client in made:
        client.close()


def resolver_to(*addresses: str) -> netguard.Resolver:
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "not globally routable"),
        ("fc00::1", "private"),
    ],
)
def test_it_names_the_reason_an_address_is_not_public(address: str, kind: str) -> None:
    assert netguard.address_problem(address) == f"{address} is a {kind} address"


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address: str) -> None:
    assert netguard.address_problem(address) is None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://journals.example.org/feed",
        "gopher://example.org/",
        "javascript:alert(1)",
        "//example.org/feed",
        "https://user:secret@example.org/feed",
    ],
)
def test_it_refuses_urls_that_are_not_plain_http(url: str, settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False
    with pytest.raises(FetchRefused):
        netguard.check_url(url, resolver=resolver_to("93.184.215.14"))


def test_it_refuses_a_host_when_any_of_its_addresses_is_private(settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False
    with pytest.raises(FetchRefused, match=r"10\.0\.0\.5 is a private address"):
        netguard.check_url(
            "https://feeds.example.org/rss", resolver=resolver_to("93.184.215.14", "10.0.0.5")
        )


def test_it_refuses_literal_private_addresses_without_resolving(settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = False

    def must_not_resolve(host: str, port: int) -> list[str]:
        raise AssertionError("resolved a literal address")

    with pytest.raises(FetchRefused, match="loopback"):
        netguard.check_url("http://[::1]:8000/feed", resolver=must_not_resolve)


def test_the_setting_allows_loopback_for_tests(settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    assert netguard.check_url("http://127.0.0.1:8000/feed").host == "127.0.0.1"


def test_the_transport_refuses_loopback_in_production(loopback: LoopbackServer) -> None:
    loopback.add("/feed", Reply(200, b"<rss/>"))
    client = netguard.guarded_client(transport=GuardedTransport(allow_private=False))

    with pytest.raises(FetchRefused, match="loopback"):
        netguard.fetch(client, "GET", loopback.url("/feed"))
    assert loopback.requests == []


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(loopback: LoopbackServer) -> None:
    """A public-looking host redirects to the cloud metadata address: the first hop is
    allowed, the second is refused before any connection is made."""
    loopback.add(
        "/feed",
        Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    )
    port = loopback.httpd.server_address[1]

    def resolve(host: str, port_: int) -> list[str]:
        return {"feeds.example.org": ["127.0.0.1"]}[host]

    checked: list[str] = []

    def only_loopback_is_public(address: str) -> str | None:
        checked.append(address)
        return None if address == "127.0.0.1" else f"{address} is a link-local address"

    transport = GuardedTransport(resolver=resolve, allow_private=False)
    client = netguard.guarded_client(transport=transport)
    original = netguard.address_problem
    netguard.address_problem = only_loopback_is_public
    try:
        with pytest.raises(FetchRefused, match=r"169\.254\.169\.254 is a link-local address"):
            netguard.fetch(client, "GET", f"http://feeds.example.org:{port}/feed")
    finally:
        netguard.address_problem = original
    assert checked == ["127.0.0.1", "169.254.169.254"]
    assert len(loopback.requests) == 1
    assert loopback.requests[0].headers["host"] == f"feeds.example.org:{port}"


def test_the_connection_goes_to_the_checked_address_not_a_new_lookup(
    loopback: LoopbackServer,
) -> None:
    """DNS rebinding: the resolver is asked once per hop and the connection uses that
    answer; the Host header keeps the name."""
    loopback.add("/feed", Reply(200, b"ok"))
    port = loopback.httpd.server_address[1]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    lookups: list[str] = []

    def rebinding(host: str, port_: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    client = netguard.guarded_client(
        transport=GuardedTransport(resolver=rebinding, allow_private=True)
    )
    result = netguard.fetch(client, "GET", f"http://journal.example.org:{port}/feed")

    assert result.content == b"ok"
    assert lookups == ["journal.example.org"]
    assert loopback.requests[0].headers["host"] == f"journal.example.org:{port}"


def test_too_many_redirects_are_refused(loopback: LoopbackServer, settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    loopback.add("/loop", Reply(302, headers={"Location": "/loop"}))
    client = netguard.guarded_client(max_redirects=3)

    with pytest.raises(FetchRefused, match="Too many redirects"):
        netguard.fetch(client, "GET", loopback.url("/loop"))
    assert len(loopback.hits("/loop")) == 4


def test_an_oversized_response_is_cut_off_at_the_cap(
    loopback: LoopbackServer, settings: Any
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    loopback.add("/big", Reply(200, b"x" * 200_000))
    with (
        netguard.guarded_client() as client,
        pytest.raises(netguard.ResponseTooLarge, match="larger than 97 KiB"),
    ):
        netguard.fetch(client, "GET", loopback.url("/big"), max_bytes=100_000)


def test_a_body_without_length_is_counted_while_streaming(
    loopback: LoopbackServer, settings: Any
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True

    def chunked(logged: Any) -> Reply:
        return Reply(200, b"y" * 50_000, headers={"Content-Length": ""}, drip=0.0)

    loopback.routes["/stream"] = chunked
    with netguard.guarded_client() as client, pytest.raises(netguard.ResponseTooLarge):
        netguard.fetch(client, "GET", loopback.url("/stream"), max_bytes=10_000)


def test_a_slow_server_hits_the_read_timeout(loopback: LoopbackServer, settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    loopback.add("/slow", Reply(200, b"late", delay=1.5))
    client = netguard.guarded_client(timeout=0.3)

    with pytest.raises(netguard.FetchTimedOut):
        netguard.fetch(client, "GET", loopback.url("/slow"))


def test_a_dripping_server_hits_the_total_time_cap(loopback: LoopbackServer, settings: Any) -> None:
    """Each chunk arrives within the read timeout, but the whole takes too long."""
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    loopback.add("/drip", Reply(200, b"z" * 8192, drip=0.05))
    ticks = iter(range(100))
    with netguard.guarded_client() as client, pytest.raises(netguard.FetchTimedOut):
        netguard.fetch(
            client, "GET", loopback.url("/drip"), total_seconds=3, clock=lambda: next(ticks)
        )


def test_it_returns_status_headers_and_body(loopback: LoopbackServer, settings: Any) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    loopback.add("/ok", Reply(200, b"hello", headers={"ETag": '"v1"'}))

    result = netguard.fetch(netguard.guarded_client(), "GET", loopback.url("/ok"))

    assert (result.status_code, result.headers["etag"], result.content) == (200, '"v1"', b"hello")
    assert loopback.requests[0].headers["user-agent"].startswith("Lifelong/")


def test_environment_proxies_are_ignored(
    loopback: LoopbackServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LIFELONG_ALLOW_PRIVATE_FEED_URLS = True
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    loopback.add("/ok", Reply(200, b"direct"))

    assert netguard.fetch(netguard.guarded_client(), "GET", loopback.url("/ok")).content == (
        b"direct"
    )


def test_https_requests_keep_the_host_name_for_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[httpx.Request] = []

    class Recorder(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200, content=b"ok")

    transport = GuardedTransport(
        resolver=resolver_to("93.184.215.14"), allow_private=False, inner=Recorder()
    )
    with httpx.Client(transport=transport) as client:
        client.get("https://journals.example.org/rss")

    assert sent[0].url.host == "93.184.215.14"
    assert sent[0].extensions["sni_hostname"] == "journals.example.org"
    assert sent[0].headers["host"] == "journals.example.org"
