"""Fetching URLs that users typed without letting them reach inside our network (SSRF).

The approach: an httpx transport (:class:`GuardedTransport`) that, for every request it
sends — the first one and every redirect hop — resolves the host itself, refuses the request
when any resolved address is private, loopback, link-local, multicast, reserved, unspecified
or otherwise not globally routable, and then connects to the address it checked (the URL's
host is replaced by that IP; the ``Host`` header and the TLS server name stay the original
host, so virtual hosting and certificate checks still work). Because the connection goes to
the checked address, a DNS answer that changes between the check and the connection (DNS
rebinding) cannot redirect it.

Limits, documented in docs/security.md: proxies from the environment are ignored
(``trust_env=False``) because a proxy would make the peer address meaningless; only http and
https are fetched; a redirect limit, a response-size cap (the body is streamed and dropped at
the cap) and a total-time cap apply to every fetch. ``LIFELONG_ALLOW_PRIVATE_FEED_URLS``
lifts the address check (tests serve feeds from loopback); it must stay off in production.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")

Resolver = Callable[[str, int], list[str]]


class FetchRefused(Exception):
    """The URL may not be fetched (scheme, address, size, time); the message says why."""


class ResponseTooLarge(FetchRefused):
    pass


class FetchTimedOut(FetchRefused):
    pass


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchRefused(f"The host {host!r} could not be resolved.") from error
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def address_problem(address: str) -> str | None:
    """Why ``address`` may not be reached from the server, or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not globally routable"),
    )
    for failed, name in checks:
        if failed:
            return f"{address} is a {name} address"
    return None


def private_addresses_allowed() -> bool:
    return bool(getattr(settings, "LIFELONG_ALLOW_PRIVATE_FEED_URLS", False))


def check_url_syntax(url: str) -> httpx.URL:
    """The URL parsed, or :class:`FetchRefused` when it is not an absolute http(s) URL
    without credentials."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise FetchRefused(f"{url!r} is not a valid address.") from error
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise FetchRefused("Only http:// and https:// addresses can be fetched.")
    if not parsed.host:
        raise FetchRefused("The address has no host name.")
    if parsed.userinfo:
        raise FetchRefused("Addresses with a user name or password are not accepted.")
    return parsed


def resolve_checked(
    host: str, port: int, resolver: Resolver = system_resolver, allow_private: bool = False
) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public
    (unless ``allow_private``), and the first is returned."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = resolver(host, port)
    if not addresses:
        raise FetchRefused(f"The host {host!r} has no address.")
    if not allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise FetchRefused(f"Refused to fetch from {host}: {problem}.")
    return addresses[0]


def check_url(url: str, resolver: Resolver = system_resolver) -> httpx.URL:
    """Validate a URL a user typed (scheme and, unless allowed, its addresses)."""
    parsed = check_url_syntax(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    resolve_checked(parsed.host, port, resolver, private_addresses_allowed())
    return parsed


class GuardedTransport(httpx.BaseTransport):
    """Checks and pins the peer address of every request (see the module docstring)."""

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        allow_private: bool | None = None,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.resolver = resolver
        self.allow_private = private_addresses_allowed() if allow_private is None else allow_private
        self.inner = inner or httpx.HTTPTransport(trust_env=False, retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ALLOWED_SCHEMES:
            raise FetchRefused("Only http:// and https:// addresses can be fetched.")
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        address = resolve_checked(host, port, self.resolver, self.allow_private)
        extensions = dict(request.extensions)
        if url.scheme == "https":
            extensions["sni_hostname"] = host
        # A new request to the checked address; the original (with its host name) stays
        # untouched, so redirects are resolved against it and ``Host`` keeps the name.
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return self.inner.handle_request(pinned)

    def close(self) -> None:
        self.inner.close()


@dataclass(frozen=True, slots=True)
class FetchResult:
    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str


def guarded_client(
    timeout: float | None = None,
    max_redirects: int | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx client whose every request, redirects included, goes through the guard."""
    return httpx.Client(
        transport=transport or GuardedTransport(),
        timeout=timeout if timeout is not None else settings.LIFELONG_FETCH_TIMEOUT_SECONDS,
        follow_redirects=True,
        max_redirects=(
            max_redirects if max_redirects is not None else settings.LIFELONG_FETCH_MAX_REDIRECTS
        ),
        trust_env=False,
        headers={"User-Agent": settings.LIFELONG_FETCH_USER_AGENT},
    )


def fetch(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    max_bytes: int | None = None,
    total_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Send one request and read its body, streamed: more than ``max_bytes`` raises
    :class:`ResponseTooLarge`, more than ``total_seconds`` in all raises
    :class:`FetchTimedOut` (httpx's own timeout bounds each connect and read)."""
    check_url_syntax(url)
    limit = max_bytes if max_bytes is not None else settings.LIFELONG_FETCH_MAX_BYTES
    deadline = clock() + (
        total_seconds if total_seconds is not None else settings.LIFELONG_FETCH_TOTAL_SECONDS
    )
    try:
        with client.stream(method, url, headers=headers, data=data, params=params) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ResponseTooLarge(f"The response is larger than {limit // 1024} KiB.")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLarge(f"The response is larger than {limit // 1024} KiB.")
                if clock() > deadline:
                    raise FetchTimedOut("The server took too long to answer.")
                chunks.append(chunk)
            return FetchResult(
                status_code=response.status_code,
                headers=dict(response.headers),
                content=b"".join(chunks),
                url=str(response.url),
            )
    except httpx.TooManyRedirects as error:
        raise FetchRefused("Too many redirects.") from error
    except httpx.TimeoutException as error:
        raise FetchTimedOut("The server took too long to answer.") from error
