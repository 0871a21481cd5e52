"""A loopback HTTP server for literature tests: serves canned replies (real sample files,
conditional GETs, errors, slow and oversized bodies, redirects) and logs every request.
Nothing here touches the internet: it binds 127.0.0.1 on a free port."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).parent / "data"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between chunks of the body (sent in 1 KiB pieces)


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def param(self, name: str) -> str | None:
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else None


Route = list[Reply] | Callable[[Logged], Reply]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Logged] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                logged = Logged(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {key.lower(): value for key, value in self.headers.items()},
                    body,
                )
                server.requests.append(logged)
                reply = server.reply_for(logged)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    if not headers["Content-Length"]:  # no length: the body ends at close
                        del headers["Content-Length"]
                        headers["Connection"] = "close"
                        self.close_connection = True
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.drip:
                        for start in range(0, len(reply.body), 1024):
                            self.wfile.write(reply.body[start : start + 1024])
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _handle
            do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply_for(self, logged: Logged) -> Reply:
        route = self.routes.get(logged.path)
        if route is None:
            return Reply(404, b"not found")
        if callable(route):
            return route(logged)
        return route.pop(0) if len(route) > 1 else route[0]

    def add(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in turn at ``path`` (the last one repeats)."""
        self.routes[path] = list(replies)

    def url(self, path: str = "/") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def hits(self, path: str) -> list[Logged]:
        return [logged for logged in self.requests if logged.path == path]

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()
