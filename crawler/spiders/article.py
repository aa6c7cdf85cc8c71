"""``article``: fetch pages from start URLs and follow links within their sites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from crawler.items import PageErrorItem, page_error, page_item
from crawler.scope import CrawlBudget, in_domains


def _split(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


class ArticleSpider(Spider):
    """Crawl from ``urls`` within their hosts (and ``allow_domains``) up to ``depth`` links.

    Arguments (``-a name=value`` on the ``scrapy crawl`` command line, comma-separated
    lists): ``urls``, ``allow_domains``, ``depth`` (default: the ``ARCHIVE_DEPTH`` setting).
    """

    name = "article"

    def __init__(
        self,
        urls: str | list[str] | None = None,
        allow_domains: str | list[str] | None = None,
        depth: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_urls = _split(urls)
        if not self.start_urls:
            raise ValueError("the article spider needs start URLs (-a urls=URL,URL...)")
        hosts = {urlsplit(u).hostname or "" for u in self.start_urls}
        self.allowed_domains = sorted({h for h in hosts if h} | set(_split(allow_domains)))
        self.max_depth = None if depth is None else int(depth)
        self.links = LinkExtractor(unique=True)

    async def start(self) -> Any:
        self.budget = CrawlBudget.from_settings(self.settings)
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.on_error)

    def _depth_limit(self) -> int:
        if self.max_depth is not None:
            return self.max_depth
        return self.settings.getint("ARCHIVE_DEPTH")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        item = page_item(response)
        yield item
        if isinstance(item, PageErrorItem) or response.meta.get("depth", 0) >= self._depth_limit():
            return
        links, note = self.budget.links(response, self.links)
        if note is not None:
            yield note
        for link in links:
            # by host name, ports aside (LinkExtractor's allow_domains compares host:port)
            if not in_domains(link.url, self.allowed_domains):
                continue
            taken, capped = self.budget.take(link.url)
            if capped is not None:
                yield capped
            if not taken:
                return
            yield Request(link.url, callback=self.parse, errback=self.on_error)

    def on_error(self, failure: Failure) -> Iterator[PageErrorItem]:
        yield page_error(failure)
