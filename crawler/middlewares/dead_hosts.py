"""Giving up on a host that cannot be reached, at the first sign.

A host whose name does not resolve, or where nothing listens, will not answer the next
request either: its failure is not retried (Scrapy would try four times, for robots.txt
and again for every page, with back-off in between), and every later request to it fails
at once with the same reason (:class:`~crawler.failures.HostUnreachable`), so a dead host
costs one attempt and one line in the crawl record per page, not half a minute.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.failures import HOST_REASONS, HostUnreachable, PageFailure, classify, host_of

logger = logging.getLogger(__name__)


class DeadHostMiddleware:
    """Downloader middleware; see the module docstring."""

    def __init__(self) -> None:
        self.dead: dict[str, PageFailure] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DeadHostMiddleware:
        return cls()

    def process_request(self, request: Request) -> None:
        failure = self.dead.get(host_of(request.url))
        if failure is not None:
            raise HostUnreachable(failure)

    def process_exception(self, request: Request, exception: Exception) -> None:
        failure = classify(exception)
        if failure.reason in HOST_REASONS:
            host = host_of(request.url)
            if host not in self.dead:
                logger.info("%s is unreachable: %s", host, failure.detail)
            self.dead[host] = failure
            request.meta["dont_retry"] = True
