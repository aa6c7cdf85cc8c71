"""``worker``: crawl pages from a shared Redis frontier, alongside other workers.

It lives here rather than in ``crawler/spiders/`` because Scrapy imports every spider
module there for every crawl, and this one needs scrapy-redis (the optional
``distributed`` extra); :mod:`crawler.distributed` runs it by class.

Start pages come from the frontier's ``start_urls`` list (``viral-archive enqueue``);
each carries its depth limit and the hosts its links may stay in, and passes them on to
the requests for its links, so one frontier can hold crawls of different sites. Links
go through scrapy-redis's scheduler: queued in Redis, filtered against the frontier's
fingerprints, leased by whichever worker asks first (:mod:`crawler.frontier`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor
from scrapy_redis.spiders import RedisSpider
from twisted.python.failure import Failure

from crawler.frontier import Frontier, StartPage
from crawler.items import PageErrorItem, page_error, page_item
from crawler.scope import CrawlBudget, in_domains

logger = logging.getLogger(__name__)

HOSTS_META = "archive_hosts"
MAX_DEPTH_META = "archive_max_depth"


class WorkerSpider(RedisSpider):
    """Fetch pages leased from the frontier; queue their links; hand pages to the pipelines.

    The spider closes once the whole frontier — start pages, queue, and every worker's
    leases — has been empty for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds (0: never).
    """

    name = "worker"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.links = LinkExtractor(unique=True)
        self._idle_since = time.monotonic()
        self._frontier: Frontier | None = None
        self._budget: CrawlBudget | None = None

    @property
    def budget(self) -> CrawlBudget:
        """Links per page are capped; pages are not (the frontier is shared)."""
        if self._budget is None:
            self._budget = CrawlBudget.from_settings(self.settings)
        return self._budget

    @property
    def frontier(self) -> Frontier:
        if self._frontier is None:
            settings = self.crawler.settings
            self._frontier = Frontier(settings["REDIS_URL"], settings["ARCHIVE_FRONTIER_NAME"])
        return self._frontier

    def make_request_from_data(self, data: bytes) -> Request:
        page = StartPage.from_json(data)
        return Request(
            page.url, callback=self.parse, errback=self.on_error, dont_filter=True,
            meta={HOSTS_META: list(page.hosts), MAX_DEPTH_META: page.depth},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        item = page_item(response)
        if isinstance(item, PageErrorItem):
            yield item
            return
        # links first: once the page's item is through the pipelines its request is
        # acknowledged, and by then every link must already be in the frontier
        hosts = list(response.meta.get(HOSTS_META, []))
        max_depth = int(response.meta.get(MAX_DEPTH_META, 0))
        if response.meta.get("depth", 0) < max_depth:
            links, note = self.budget.links(response, self.links)
            if note is not None:
                yield note
            for link in links:
                if in_domains(link.url, hosts):
                    yield Request(link.url, callback=self.parse, errback=self.on_error,
                                  meta={HOSTS_META: hosts, MAX_DEPTH_META: max_depth})
        yield item

    def on_error(self, failure: Failure) -> Iterator[PageErrorItem]:
        yield page_error(failure)

    def spider_idle(self) -> None:
        """Take start pages when there are some; close after the frontier stayed empty."""
        frontier = self.frontier
        # idle means nothing of ours is in flight: leases left are of requests that
        # produced no page (a redirect to a known URL...), and would look like work forever
        frontier.client.delete(frontier.processing_key(self.crawler.settings["ARCHIVE_WORKER_ID"]))
        frontier.recover_dead_leases()
        if frontier.status().busy:
            self._idle_since = time.monotonic()
        self.schedule_next_requests()
        idle_for = time.monotonic() - self._idle_since
        if self.max_idle_time and idle_for >= self.max_idle_time:
            logger.info("The frontier has been empty for %.0fs: stopping", idle_for)
            return
        raise DontCloseSpider
