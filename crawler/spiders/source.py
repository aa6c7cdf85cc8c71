"""``source``: crawl one source of a sources file, incrementally.

Pages are discovered in sitemaps (also those named in robots.txt), feeds, the start
pages and links up to the source's depth; known articles are re-checked only when due,
with conditional requests; known pages that are not due are not requested at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from archive.core.sources import SourceConfig, load_sources
from archive.core.urls import normalize_url
from archive.storage.recrawl import CrawlPlan, Recheck, plan_crawl
from crawler.discovery import read_feed, read_sitemap, robots_sitemaps, sitemap_body
from crawler.items import NotModifiedItem, PageErrorItem, page_error, page_item
from crawler.record import DISCOVERED_STAT, close_abandoned_crawls
from crawler.scope import CrawlBudget, in_domains
from db import open_engine, session_factory

HOPS, PUBLISHED, RECHECK = "archive_hops", "archive_published", "archive_recheck"


class SourceSpider(Spider):
    """Crawl the source ``source`` (a :class:`SourceConfig`, or a name in the file ``config``).

    ``plan`` (what to re-check and skip) is read from the archive when not given. On the
    ``scrapy crawl`` command line: ``-a config=sources.toml -a source=NAME``.
    """

    name = "source"

    def __init__(
        self,
        source: SourceConfig | str | None = None,
        config: str | None = None,
        plan: CrawlPlan | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(source, SourceConfig):
            if not (config and source):
                raise ValueError("the source spider needs -a config=FILE -a source=NAME")
            source = load_sources(config).get(source)
        self.source = source
        self.source_name = source.name
        self.start_urls = list(source.start_urls)
        self.plan = plan
        # Scrapy's offsite filter (redirects included) works on host names
        self.allowed_domains = sorted({d.split(":")[0] for d in source.allowed_domains})
        self.allow = [re.compile(p) for p in source.allow]
        self.deny = [re.compile(p) for p in source.deny]
        self.links = LinkExtractor(unique=True)

    def _load_plan(self) -> CrawlPlan:
        engine = open_engine(self.settings.get("ARCHIVE_DB"))
        try:
            with session_factory(engine).begin() as session:
                close_abandoned_crawls(session, self.source.name)
                return plan_crawl(session, self.source.name, datetime.now(UTC))
        finally:
            engine.dispose()

    async def start(self) -> Any:
        if self.plan is None:
            self.plan = self._load_plan()
        self.budget = CrawlBudget.from_settings(self.settings, max_pages=self.source.max_pages,
                                                max_links=self.source.max_links_per_page)
        source = self.source
        if source.robots_sitemaps:
            roots = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}"
                     for u in source.start_urls + source.sitemaps + source.feeds}
            for root in sorted(roots):
                yield Request(f"{root}/robots.txt", callback=self.parse_robots,
                              errback=self.on_discovery_error)
        for url in source.sitemaps:
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for url in source.feeds:
            yield Request(url, callback=self.parse_feed, errback=self.on_error)
        for url in source.start_urls:
            yield Request(url, callback=self.parse, errback=self.on_error, meta={HOPS: 0})
        for recheck in self.plan.rechecks:
            yield self._recheck(recheck)

    def _recheck(self, recheck: Recheck) -> Request:
        headers = {}
        if recheck.etag:
            headers["If-None-Match"] = recheck.etag
        if recheck.last_modified:
            headers["If-Modified-Since"] = recheck.last_modified
        meta = {HOPS: self.source.depth, RECHECK: True, "handle_httpstatus_list": [304]}
        return Request(recheck.url, callback=self.parse, errback=self.on_error,
                       headers=headers, meta=meta)

    def _in_scope(self, url: str) -> bool:
        if not in_domains(url, self.source.allowed_domains):
            return False
        if self.allow and not any(p.search(url) for p in self.allow):
            return False
        return not any(p.search(url) for p in self.deny)

    def follow_url(self, url: str, hops: int, published: datetime | None = None
                   ) -> Iterator[Request | PageErrorItem]:
        """A request for a discovered page URL, unless it is out of scope, known, or over
        the crawl's cap of pages (then a note, once)."""
        url = normalize_url(url)
        if not self._in_scope(url):
            return
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(DISCOVERED_STAT)
        if self.plan is not None and url in self.plan.skip:
            return
        taken, capped = self.budget.take(url)
        if capped is not None:
            yield capped
        if taken:
            yield Request(url, callback=self.parse, errback=self.on_error,
                          meta={HOPS: hops, PUBLISHED: published})

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in robots_sitemaps(response.body, response.url):
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        body = sitemap_body(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if body is None:
            yield PageErrorItem(response.url, "not_a_sitemap", "the response is no sitemap XML")
            return
        content = read_sitemap(body, response.url)
        for url in content.sitemaps:
            yield Request(url, callback=self.parse_sitemap, errback=self.on_error)
        for listed in content.pages:
            yield from self.follow_url(listed.url, 0, listed.published)

    def parse_feed(self, response: Response) -> Iterator[Request | PageErrorItem]:
        for listed in read_feed(response.body, response.url):
            yield from self.follow_url(listed.url, 0, listed.published)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        fetched_at = datetime.now(UTC)
        if response.status == 304:
            requested = response.request.url if response.request is not None else response.url
            yield NotModifiedItem(normalize_url(requested), fetched_at)
            return
        redirected = tuple(normalize_url(u) for u in response.meta.get("redirect_urls", []))
        item = page_item(response, cleaning=self.source.cleaning, redirected_from=redirected,
                         listed_published=response.meta.get(PUBLISHED))
        yield item
        hops = response.meta.get(HOPS, 0)
        if isinstance(item, PageErrorItem) or hops >= self.source.depth:
            return
        links, note = self.budget.links(response, self.links)
        if note is not None:
            yield note
        for link in links:
            yield from self.follow_url(link.url, hops + 1)

    def on_discovery_error(self, failure: Failure) -> None:
        """A missing robots.txt is normal: nothing to record."""
        self.logger.debug("No robots.txt sitemaps: %s", failure.getErrorMessage())

    def on_error(self, failure: Failure) -> Iterator[PageErrorItem]:
        yield page_error(failure)
