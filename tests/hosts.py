"""Named hosts on this machine: a local HTTP proxy that serves pages by their full URL.

Crawl tests about host names (``news.bbc.example`` and its parent ``bbc.example``) need
URLs with real names and no port, as users have them, without touching ``/etc/hosts``.
For plain-HTTP URLs Scrapy sends the whole URL to a proxy (``GET http://host/path``);
this one answers from :attr:`Web.pages` (404 for anything else). Crawls use it through
the standard ``http_proxy`` environment variable, which Scrapy's HttpProxyMiddleware
reads when a crawl starts: see :meth:`Web.environment`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.mockserver import running


@dataclass(frozen=True)
class Page:
    """What the proxy answers for one URL."""

    body: bytes
    content_type: str


@dataclass
class Web:
    """The running proxy: pages by URL, and the URLs requested, in order."""

    port: int
    pages: dict[str, Page] = field(default_factory=dict, repr=False)
    requested: list[str] = field(default_factory=list, repr=False)

    def add(self, url: str, text: str, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve ``text`` at ``url``, encoded in the charset ``content_type`` names."""
        charset = content_type.partition("charset=")[2] or "utf-8"
        self.pages[url] = Page(text.encode(charset), content_type)

    def environment(self) -> dict[str, str]:
        """Environment variables sending a crawl's plain-HTTP requests through the proxy."""
        return {"http_proxy": f"http://127.0.0.1:{self.port}", "no_proxy": "", "NO_PROXY": ""}


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        web: Web = self.server.web
        web.requested.append(self.path)  # the full URL: we are the proxy
        page = web.pages.get(self.path)
        status, body, content_type = (200, page.body, page.content_type) if page else (
            404, b"not found", "text/plain")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_web() -> Iterator[Web]:
    """Run the proxy on a free port of 127.0.0.1 in a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    web = Web(port=server.server_address[1])
    server.web = web  # type: ignore[attr-defined]
    with running(server, "named-hosts"):
        yield web
