"""The one reading of a fetched page: :func:`read_page` turns a :class:`FetchedPage` into
an :class:`~archive.core.article.Article`.

Every path from a page to an article goes through it: the crawl as pages arrive,
``reextract`` over the stored pages, and the archive when it re-reads an article stored
by an older extractor. What a reading depends on besides the bytes — the HTTP
``Content-Type`` (the charset a server may declare only there), the source's cleaning
rules, the publication date a sitemap or feed listed — is part of the page, and is
stored with the raw page (:meth:`FetchedPage.reading_hints`), so that a re-read later is
the same reading with a newer extractor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archive.core.article import Article
from archive.core.sources import CleaningRules
from archive.exceptions import ExtractionError

#: ``date_source`` of a publication date taken from a sitemap or feed entry
LISTED_DATE_SOURCE = "sitemap"


def header_value(headers: dict[str, Any], name: str) -> str | None:
    """The first value of header ``name`` (any case) in ``{name: [values]}``, or ``None``."""
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted:
            if isinstance(values, list):
                return str(values[0]) if values else None
            return str(values)
    return None


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as fetched, with what the crawl knew of it besides its bytes.

    Attributes:
        url: the URL the page was fetched from (after redirects).
        body: the bytes as received (transfer and content encodings undone).
        headers: the response headers, ``{name: [values]}``.
        status: the HTTP status.
        fetched_at: when it was fetched, timezone-aware.
        cleaning: the source's cleaning rules (empty for plain URL crawls).
        listed_published: the publication date a sitemap or feed gave for the page.
    """

    url: str
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    listed_published: datetime | None = None

    def __repr__(self) -> str:  # keeps the body out of logs
        return f"FetchedPage(url={self.url!r}, status={self.status}, bytes={len(self.body)})"

    def header(self, name: str) -> str | None:
        """The first value of response header ``name`` (any case), or ``None``."""
        return header_value(self.headers, name)

    def reading_hints(self) -> dict[str, Any]:
        """What a later re-read needs besides body, URL and headers, as JSON values."""
        hints: dict[str, Any] = {}
        if self.cleaning:
            hints["cleaning"] = {"drop": list(self.cleaning.drop), "body": self.cleaning.body}
        if self.listed_published is not None:
            hints["listed_published"] = self.listed_published.isoformat()
        return hints

    @staticmethod
    def hints_from_json(hints: dict[str, Any] | None) -> dict[str, Any]:
        """Keyword arguments for a ``FetchedPage`` from :meth:`reading_hints`' values."""
        hints = hints or {}
        cleaning = hints.get("cleaning") or {}
        listed = hints.get("listed_published")
        return {
            "cleaning": CleaningRules(drop=tuple(cleaning.get("drop") or ()),
                                      body=cleaning.get("body")),
            "listed_published": datetime.fromisoformat(listed) if listed else None,
        }


def read_page(page: FetchedPage) -> Article:
    """The article ``page`` holds, as the current extractor reads it.

    The bytes are decoded by the order of evidence of :mod:`.decode` (the
    ``Content-Type`` header included), the source's cleaning rules are applied, the page
    is cleaned (:func:`~archive.extraction.extract.extract_article`), and a publication
    date the page does not give itself is taken from its sitemap or feed entry.

    Raises:
        ExtractionError: the body is binary data, or nested too deeply to parse.
    """
    # imported here: the crawling process needs FetchedPage, and reads no page itself
    # when worker processes do (BeautifulSoup and the extraction modules stay out of it)
    from archive.extraction.cleaning import apply_cleaning_rules
    from archive.extraction.decode import decode_html, looks_binary
    from archive.extraction.extract import extract_article

    if looks_binary(page.body):
        raise ExtractionError("the page is binary data, not an HTML page")
    html = decode_html(page.body, page.header("Content-Type"))
    try:
        if page.cleaning:
            html = apply_cleaning_rules(html, page.cleaning)
        article = extract_article(html, page.url)
    except RecursionError as exc:
        raise ExtractionError("the page is nested too deeply to parse") from exc
    if article.published is None and page.listed_published is not None:
        article.published, article.date_source = page.listed_published, LISTED_DATE_SOURCE
    return article
