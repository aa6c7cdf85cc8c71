"""What the article spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from archive.core.article import Article
from archive.core.sources import CleaningRules
from archive.extraction.reading import FetchedPage
from crawler.failures import classify

#: the Content-Types of the pages that are read as articles
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(slots=True)
class PageItem:
    """A fetched HTML page; ``ExtractPipeline`` fills ``article`` or ``problem``."""

    page: FetchedPage
    article: Article | None = None
    #: (reason code, detail) when the page could not be cleaned
    problem: tuple[str, str] | None = field(default=None)
    #: URLs requested before redirects led to the page's URL
    redirected_from: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return self.page.url


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


def page_item(
    response: Response,
    *,
    cleaning: CleaningRules | None = None,
    listed_published: datetime | None = None,
    redirected_from: tuple[str, ...] = (),
) -> PageItem | PageErrorItem:
    """The item a response becomes, shared by the spiders: a :class:`PageItem` for an
    HTML page (with the source's cleaning rules and the date a sitemap or feed listed,
    which its reading needs), a ``not_html`` :class:`PageErrorItem` for anything else."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if not isinstance(response, TextResponse) or not content_type.startswith(HTML_TYPES):
        return PageErrorItem(response.url, "not_html", content_type or "no content type")
    page = FetchedPage(
        url=response.url,
        body=response.body,
        headers={k.decode("latin-1"): [v.decode("latin-1") for v in vs]
                 for k, vs in response.headers.items()},
        status=response.status,
        fetched_at=datetime.now(UTC),
        cleaning=cleaning or CleaningRules(),
        listed_published=listed_published,
    )
    return PageItem(page, redirected_from=redirected_from)


def page_error(failure: Failure) -> PageErrorItem:
    """The :class:`PageErrorItem` a failed request becomes, shared by the spiders'
    errbacks, with its reason (:mod:`crawler.failures`)."""
    request = getattr(failure, "request", None)
    url = request.url if request is not None else "?"
    if request is not None and request.meta.get("redirect_urls"):
        url = request.meta["redirect_urls"][0]  # the page asked for, not where it led
    why = classify(failure.value or Exception(failure.getErrorMessage()))
    return PageErrorItem(url, why.reason, why.detail)
