"""Waiting before a retry: as long as ``Retry-After`` says, or backing off exponentially.

Scrapy's ``RetryMiddleware`` retries 429 and 5xx responses and network errors at once.
This middleware runs just before it (on responses and errors) and, when a retry will
follow, waits first: the server's ``Retry-After`` (seconds or an HTTP date) for 429 and
503, otherwise ``ARCHIVE_RETRY_BACKOFF`` seconds doubled per earlier attempt. A server
asking for longer than ``ARCHIVE_MAX_RETRY_AFTER`` is not retried in this crawl.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.misc import load_object
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class RetryDelayMiddleware:
    """Delays Scrapy's retries; see the module docstring."""

    def __init__(
        self,
        *,
        retry_codes: set[int],
        max_retry_times: int,
        backoff: float,
        max_delay: float,
        retry_exceptions: tuple[type[BaseException], ...],
    ) -> None:
        self.retry_codes = retry_codes
        self.max_retry_times = max_retry_times
        self.backoff = backoff
        self.max_delay = max_delay
        self.retry_exceptions = retry_exceptions

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryDelayMiddleware:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("retries are off (RETRY_ENABLED)")
        exceptions = tuple(
            load_object(e) if isinstance(e, str) else e
            for e in settings.getlist("RETRY_EXCEPTIONS")
        )
        return cls(
            retry_codes={int(c) for c in settings.getlist("RETRY_HTTP_CODES")},
            max_retry_times=settings.getint("RETRY_TIMES"),
            backoff=settings.getfloat("ARCHIVE_RETRY_BACKOFF"),
            max_delay=settings.getfloat("ARCHIVE_MAX_RETRY_AFTER"),
            retry_exceptions=exceptions,
        )

    def _retry_follows(self, request: Request) -> bool:
        if request.meta.get("dont_retry", False):
            return False
        limit = request.meta.get("max_retry_times", self.max_retry_times)
        return int(request.meta.get("retry_times", 0)) < limit

    def _backoff(self, request: Request) -> float:
        return min(self.backoff * 2 ** int(request.meta.get("retry_times", 0)), self.max_delay)

    async def _wait(self, seconds: float, request: Request, why: str) -> None:
        if seconds > 0:
            from twisted.internet import reactor  # the installed one, not one of our choosing

            logger.info("Waiting %.1fs before retrying %s (%s)", seconds, request.url, why)
            await deferLater(reactor, seconds)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.retry_codes or not self._retry_follows(request):
            return response
        delay = None
        if response.status in (429, 503):
            header = response.headers.get(b"Retry-After")
            delay = retry_after_seconds(header.decode("latin-1") if header else None)
        if delay is not None and delay > self.max_delay:
            logger.warning("%s asks to wait %.0fs (over ARCHIVE_MAX_RETRY_AFTER); not retried",
                           request.url, delay)
            request.meta["dont_retry"] = True
            return response
        reason = "Retry-After" if delay is not None else "backoff"
        await self._wait(self._backoff(request) if delay is None else delay, request, reason)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, self.retry_exceptions) and self._retry_follows(request):
            await self._wait(self._backoff(request), request, type(exception).__name__)
