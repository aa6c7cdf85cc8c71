"""A local site of the pages that go wrong for crawlers, for the tests of what a crawl
reports (``tests/test_crawl_truth.py``) and the caps benchmark (``benchmarks/caps.py``).

Served on a free port of 127.0.0.1 in a daemon thread (:func:`serve_hostile`):

- ``/robots.txt`` disallows ``/private/``;
- ``/`` links to every page below; ``/story.html`` and ``/private/secret.html`` are
  articles; ``/dup`` is one article whatever its query (``?p=2``, ``?s=x``);
- ``/bomb.html`` is a gzip bomb (a few kB that inflate to 30 MB);
- ``/loop/a`` and ``/loop/b`` redirect to each other; ``/far/N`` redirects to ``/far/N+1``
  for ever;
- ``/links.html`` links to ``link_count`` pages ``/l/N.html`` (small listings);
- ``/chain/C/N.html``: chains of articles, each linking only to the next one, from
  ``/chains.html``; a chain is ``chain_length`` long;
- every response waits ``delay`` seconds first (for tests that interrupt a crawl).
"""

from __future__ import annotations

import gzip
import html
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.mockserver import running

CHAINS = 3
_PARAGRAPH = ("The harbour board met on {day} to discuss the repairs to the old sea wall, "
              "which storms have damaged twice this winter, and heard from residents of the "
              "lower town who want the work finished before the spring tides arrive. ")


def article_page(title: str, links: list[str] = (), *, day: int = 1) -> str:  # type: ignore[assignment]
    """An article page: a headline, four paragraphs, and ``links`` after the text."""
    body = "".join(f"<p>{_PARAGRAPH.format(day=day)} ({html.escape(title)}, part {n})</p>"
                   for n in range(4))
    anchors = "".join(f'<li><a href="{href}">more</a></li>' for href in links)
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><meta property='og:type' content='article'>"
            f"</head><body><article><h1>{html.escape(title)}</h1>{body}</article>"
            f"<ul>{anchors}</ul></body></html>")


def listing_page(links: list[str]) -> str:
    """A page of links and nothing else."""
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (f"<!doctype html><html><head><title>Index</title></head>"
            f"<body><ul>{items}</ul></body></html>")


@dataclass
class HostileSite:
    """What the server serves and what it saw; ``base`` is its URL (no trailing slash)."""

    port: int
    link_count: int = 50_000
    chain_length: int = 15
    delay: float = 0.0
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def chain_urls(self) -> set[str]:
        """Every page of the chains, as full URLs."""
        return {f"{self.base}/chain/{c}/{n}.html"
                for c in range(CHAINS) for n in range(self.chain_length)}

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.requests]


INDEX_LINKS = ["/story.html", "/private/secret.html", "/bomb.html", "/loop/a", "/far/0",
               "/dup?p=1", "/dup?p=2", "/dup?s=x", "/links.html"]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
              ) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})
                            }.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        site: HostileSite = self.server.site
        with site.lock:
            site.requests.append((self.path, self.headers.get("User-Agent", "")))
        if site.delay:
            time.sleep(site.delay)
        path, _, _query = self.path.partition("?")
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
        elif path == "/":
            self._send(200, listing_page(INDEX_LINKS).encode())
        elif path in ("/story.html", "/private/secret.html", "/dup"):
            self._send(200, article_page(f"Story at {path}").encode())
        elif path == "/bomb.html":
            self._send(200, gzip.compress(b" " * 30_000_000, 9), {"Content-Encoding": "gzip"})
        elif path in ("/loop/a", "/loop/b"):
            self._send(302, headers={"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
        elif path.startswith("/far/"):
            self._send(302, headers={"Location": f"/far/{int(path[5:]) + 1}"})
        elif path == "/links.html":
            self._send(200, listing_page([f"/l/{n}.html" for n in range(site.link_count)])
                       .encode())
        elif path.startswith("/l/"):
            self._send(200, listing_page(["/"]).encode())
        elif path == "/chains.html":
            self._send(200, listing_page([f"/chain/{c}/0.html" for c in range(CHAINS)]).encode())
        elif path.startswith("/chain/"):
            chain, number = path[7:].removesuffix(".html").split("/")
            following = ([f"/chain/{chain}/{int(number) + 1}.html"]
                         if int(number) + 1 < site.chain_length else [])
            self._send(200, article_page(f"Chain {chain}, page {number}", following,
                                         day=1 + int(number) % 28).encode())
        else:
            self._send(404, b"not here")


@contextmanager
def serve_hostile(**options: Any) -> Iterator[HostileSite]:
    """Serve the hostile site on a free port of 127.0.0.1; ``options`` set its fields."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    site = HostileSite(port=server.server_address[1], **options)
    server.site = site  # type: ignore[attr-defined]
    with running(server, "hostile-site"):
        yield site
