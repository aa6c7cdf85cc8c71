"""What the article spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archive.article import Article


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
