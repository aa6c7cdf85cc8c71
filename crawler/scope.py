"""Which links a crawl follows: a page's links, within hosts and their subdomains, up to
the crawl's caps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.link import Link
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import BaseSettings

from crawler.items import PageErrorItem


def in_domains(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url`` is an http(s) URL on one of ``domains`` or a subdomain of one.

    A domain given with a port (``127.0.0.1:8080``) matches that host and port only;
    one without matches its host on any port.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower().rsplit("@", 1)[-1]
    for domain in domains:
        domain = domain.lower()
        if netloc == domain or host == domain or host.endswith("." + domain):
            return True
    return False


def page_links(response: Response, extractor: LinkExtractor) -> list[Link]:
    """The links of an HTML page (none for any other response)."""
    if not isinstance(response, TextResponse):
        return []
    return list(extractor.extract_links(response))


@dataclass(slots=True)
class CrawlBudget:
    """How much one crawl takes: at most ``max_links`` links followed from one page (a
    page of 50,000 links must not swamp the crawl), at most ``max_pages`` pages
    requested in all. What a cap leaves out is noted in the crawl record, once."""

    max_links: int
    max_pages: int
    pages: int = 0
    noted_cap: bool = False

    @classmethod
    def from_settings(cls, settings: BaseSettings, *, max_links: int | None = None,
                      max_pages: int | None = None) -> CrawlBudget:
        """The budget of ``ARCHIVE_MAX_LINKS_PER_PAGE`` and ``ARCHIVE_MAX_PAGES``, unless a
        source sets its own."""
        return cls(max_links if max_links is not None
                   else settings.getint("ARCHIVE_MAX_LINKS_PER_PAGE"),
                   max_pages if max_pages is not None else settings.getint("ARCHIVE_MAX_PAGES"))

    def links(self, response: Response, extractor: LinkExtractor
              ) -> tuple[list[Link], PageErrorItem | None]:
        """The page's links to follow, and a note when there were more than the cap."""
        links = page_links(response, extractor)
        if len(links) <= self.max_links:
            return links, None
        note = PageErrorItem(response.url, "links_capped",
                             f"{len(links):,} links; the first {self.max_links:,} were followed "
                             "(ARCHIVE_MAX_LINKS_PER_PAGE, or the source's max_links_per_page)")
        return links[:self.max_links], note

    def take(self, url: str) -> tuple[bool, PageErrorItem | None]:
        """Whether one more page may be requested, and a note the first time it may not."""
        if self.pages < self.max_pages:
            self.pages += 1
            return True, None
        if self.noted_cap:
            return False, None
        self.noted_cap = True
        return False, PageErrorItem(url, "pages_capped",
                                    f"the crawl reached its cap of {self.max_pages:,} pages; "
                                    "later links were not followed (ARCHIVE_MAX_PAGES, or the "
                                    "source's max_pages)")
