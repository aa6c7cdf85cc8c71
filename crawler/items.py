"""What the article spider hands to the pipelines."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from archive.core.article import Article


@dataclass(slots=True)
class PageItem:
    """A fetched HTML page; ``ExtractPipeline`` fills ``article`` or ``problem``."""

    url: str
    status: int
    headers: dict[str, Any]
    body: bytes
    fetched_at: datetime
    article: Article | None = None
    #: (reason code, detail) when the page could not be cleaned
    problem: tuple[str, str] | None = field(default=None)
    #: URLs requested before redirects led to ``url``
    redirected_from: tuple[str, ...] = ()
    #: the publication date a news sitemap or feed gave for the page
    listed_published: datetime | None = None

    def __repr__(self) -> str:  # keeps the page body out of Scrapy's logs
        return f"PageItem(url={self.url!r}, status={self.status}, bytes={len(self.body)})"


@dataclass(slots=True)
class PageErrorItem:
    """A page that could not be fetched or is not HTML, with the reason."""

    url: str
    reason: str
    detail: str = ""


@dataclass(slots=True)
class NotModifiedItem:
    """A known article re-checked with a conditional request and answered 304."""

    url: str
    fetched_at: datetime


def page_error(failure: Failure, logger: logging.Logger | logging.LoggerAdapter[Any]
               ) -> PageErrorItem | None:
    """The :class:`PageErrorItem` a failed request becomes, shared by the spiders' errbacks.

    ``None`` for a request a middleware chose to skip (robots.txt forbade it...): that is
    politeness, not a failure, so it is only logged.
    """
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    if failure.check(IgnoreRequest) and not failure.check(HttpError):
        logger.debug("Skipped %s: %s", url, failure.getErrorMessage())
        return None
    if isinstance(failure.value, HttpError):
        status = failure.value.response.status
        return PageErrorItem(url, f"http_{status}", f"HTTP status {status}")
    return PageErrorItem(url, "download_error", failure.getErrorMessage())
