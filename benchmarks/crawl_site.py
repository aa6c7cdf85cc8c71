"""A local news site of real article pages, for crawl benchmarks.

The 603 pages of the shared corpora (``../shared/corpora``: article-bodies, reader-pages,
publication-dates), each served as found, under as many URLs as asked for
(``/news/NNNNN.html``, page ``N`` being corpus page ``N mod 603``): 1,809 URLs is each
page three times. A site as crawlers meet it: ``robots.txt`` names a sitemap index
(``/sitemap_index.xml``), which lists gzip-compressed sitemaps of
:data:`PER_SITEMAP` URLs each, with a ``lastmod`` per page.

Run it in a process of its own, so that serving does not count as either crawler's work::

    python -m benchmarks.crawl_site --pages 1809 [--port 8000] [--corpora DIR]

prints the site's base URL, then serves until killed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import sys
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from benchmarks.corpora import DEFAULT_CORPORA

PER_SITEMAP = 1_000
#: what both crawlers (ours and the peer) of the benchmark run with on the local site
LOCAL_HOST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "INFO",
}
CORPORA = ("article-bodies", "reader-pages", "publication-dates")


def corpus_pages(corpora: Path) -> list[bytes]:
    """The pages of the three corpora, decompressed, in a fixed order."""
    pages = []
    for corpus in CORPORA:
        for path in sorted((corpora / corpus / "html").glob("*.html.gz")):
            pages.append(gzip.decompress(path.read_bytes()))
    if not pages:
        raise SystemExit(f"no pages under {corpora}: pass --corpora")
    return pages


def page_path(number: int) -> str:
    return f"/news/{number:05d}.html"


def _lastmod(number: int) -> str:
    return (date(2026, 1, 1) + timedelta(days=number % 330)).isoformat()


class NewsSite:
    """What the site serves, by path."""

    def __init__(self, pages: list[bytes], count: int) -> None:
        self.pages = pages
        self.count = count
        self.sitemaps = (count + PER_SITEMAP - 1) // PER_SITEMAP

    def sitemap(self, base: str, part: int) -> bytes:
        urls = "".join(
            f"<url><loc>{base}{page_path(n)}</loc><lastmod>{_lastmod(n)}</lastmod></url>"
            for n in range(part * PER_SITEMAP, min((part + 1) * PER_SITEMAP, self.count))
        )
        xml = ('<?xml version="1.0" encoding="UTF-8"?>'
               f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
        return gzip.compress(xml.encode("utf-8"))

    def index(self, base: str) -> bytes:
        parts = "".join(f"<sitemap><loc>{base}/sitemaps/part-{k}.xml.gz</loc></sitemap>"
                        for k in range(self.sitemaps))
        return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{parts}</sitemapindex>'
                ).encode()

    def answer(self, base: str, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body for ``path``."""
        if path == "/robots.txt":
            text = f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap_index.xml\n"
            return 200, "text/plain", text.encode()
        if path == "/sitemap_index.xml":
            return 200, "application/xml", self.index(base)
        if path.startswith("/sitemaps/part-") and path.endswith(".xml.gz"):
            part = path[len("/sitemaps/part-"):-len(".xml.gz")]
            if part.isdigit() and int(part) < self.sitemaps:
                return 200, "application/x-gzip", self.sitemap(base, int(part))
        if path.startswith("/news/") and path.endswith(".html"):
            number = path[len("/news/"):-len(".html")]
            if number.isdigit() and int(number) < self.count:
                return 200, "text/html", self.pages[int(number) % len(self.pages)]
        return 404, "text/plain", b"not found"


class _Handler(BaseHTTPRequestHandler):
    site: ClassVar[NewsSite]

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        base = f"http://{self.headers.get('Host')}"
        status, content_type, body = self.site.answer(base, self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1809)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    _Handler.site = NewsSite(corpus_pages(args.corpora), args.pages)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
