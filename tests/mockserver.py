"""A local multi-site web server for crawl tests: files plus the behaviour crawlers meet.

Serves ``tests/site/archivist``-style folders, one per host name (``127.0.0.1`` and
``localhost`` on the same port are two sites), on a free port in a daemon thread, and:

- logs every request (host, path with query, headers, time);
- fills ``{{ledger}}``/``{{quill}}`` (the sites' base URLs) and ``{{days_ago:N}}`` (an
  ISO date N days before the server started) into text files;
- answers with ``ETag`` and ``Last-Modified`` and honours ``If-None-Match`` /
  ``If-Modified-Since`` with 304;
- serves ``X.xml.gz`` gzip-compressed from ``X.xml``;
- redirects the paths in ``REDIRECTS``; answers a ``flaky`` path 429 once, then 200;
- with ``broken`` set, answers every request with an empty page; with ``status`` set,
  with that status.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HOSTS = {"127.0.0.1": "ledger", "localhost": "quill"}
REDIRECTS = {"/old/festival": "/news/festival.html"}
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
         ".json": "application/feed+json", ".txt": "text/plain", ".gz": "application/gzip"}
_DAYS_AGO = re.compile(r"\{\{days_ago:(\d+)\}\}")


@dataclass
class LoggedRequest:
    site: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class MockSites:
    """The running server's state; tests read ``requests`` and flip ``broken``."""

    root: Path
    port: int = 0
    started: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    requests: list[LoggedRequest] = field(default_factory=list)
    #: paths answered 429 (Retry-After: ``retry_after``) on their first request
    flaky: dict[str, str] = field(default_factory=lambda: {"/news/flaky.html": "1"})
    #: paths answered 503 this many more times before they succeed
    failing: dict[str, int] = field(default_factory=dict)
    broken: bool = False
    #: when set, every request is answered with this status
    status: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, site: str, path: str = "/") -> str:
        host = {v: k for k, v in HOSTS.items()}[site]
        return f"http://{host}:{self.port}{path}"

    def paths(self, site: str | None = None, since: int = 0) -> list[str]:
        """The paths requested (from request number ``since`` on), in order."""
        return [r.path for r in self.requests[since:] if site is None or r.site == site]

    def render(self, site: str, path: Path) -> bytes:
        data = path.read_bytes()
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            text = data.decode("utf-8")
            text = text.replace("{{ledger}}", self.url("ledger").rstrip("/"))
            text = text.replace("{{quill}}", self.url("quill").rstrip("/"))
            text = _DAYS_AGO.sub(
                lambda m: (self.started - timedelta(days=int(m.group(1)))).isoformat(), text)
            data = text.encode("utf-8")
        return data


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        sites: MockSites = self.server.sites
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        site = HOSTS.get(host, "?")
        path = self.path
        with sites.lock:
            sites.requests.append(LoggedRequest(site, path, dict(self.headers), time.monotonic()))
            flaky = sites.flaky.pop(path, None) if site == "ledger" else None
            failing = sites.failing.get(path, 0)
            if failing:
                sites.failing[path] = failing - 1
        if sites.status is not None:
            return self._send(sites.status, b"error", {"Content-Type": "text/plain"})
        if sites.broken:
            return self._send(200, b"<html><body></body></html>", {"Content-Type": TYPES[".html"]})
        if flaky is not None:
            return self._send(429, b"slow down", {"Retry-After": flaky})
        if failing:
            return self._send(503, b"busy")
        route = urlsplit(path).path
        if route in REDIRECTS:
            return self._send(301, headers={"Location": REDIRECTS[route]})
        self._serve_file(sites, site, route)

    def _serve_file(self, sites: MockSites, site: str, route: str) -> None:
        folder = (sites.root / site).resolve()
        target = (folder / route.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        compress = target.suffix == ".gz"
        source = target.with_suffix("") if compress else target
        if folder not in source.parents or not source.is_file():
            return self._send(404, b"not found", {"Content-Type": "text/plain"})
        body = sites.render(site, source)
        if compress:
            body = gzip.compress(body, mtime=0)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = datetime.fromtimestamp(int(source.stat().st_mtime), UTC)
        headers = {"Content-Type": TYPES.get(target.suffix, "application/octet-stream"),
                   "ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
        if self._not_modified(etag, modified):
            return self._send(304, headers={"ETag": etag})
        self._send(200, body, headers)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [t.strip() for t in if_none_match.split(",")]
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return modified <= parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
        return False


@contextmanager
def running(server: ThreadingHTTPServer, name: str) -> Iterator[None]:
    """``server`` serving in a daemon thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def serve_sites(root: Path) -> Iterator[MockSites]:
    """Serve the site folders under ``root`` (``ledger/``, ``quill/``) on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    sites = MockSites(root=root, port=server.server_address[1])
    server.sites = sites  # type: ignore[attr-defined]
    with running(server, "mock-sites"):
        yield sites
