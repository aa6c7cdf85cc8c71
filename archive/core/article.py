"""The result of cleaning one page: :class:`Article`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Article:
    """What :func:`archive.extract_article` finds in one HTML page.

    Every field may be empty: an empty page gives an ``Article`` with empty ``text``.

    Attributes:
        text: the article's own text, boilerplate removed; blocks (paragraphs, list
            items, headings inside the article) separated by one blank line; the
            headline is never repeated here.
        title: the headline, without a " | Site name" suffix.
        authors: the bylines, one name per item, in page order.
        published: when the article was first published, timezone-aware (UTC when the
            page gives no offset), or ``None``.
        modified: when it was last modified, timezone-aware, or ``None``.
        date_source: where ``published`` came from, e.g. ``"json-ld"``, ``"meta"``,
            ``"time"``, ``"url"``, ``"text"``; ``None`` without a date.
        language: ISO 639-1 code such as ``"en"``, or ``None``.
        canonical_url: the page's canonical URL (``rel=canonical`` / ``og:url``),
            made absolute against ``url``, or ``None``.
        site_name: the publication's name (``og:site_name``, JSON-LD publisher), or ``None``.
        description: the summary the page gives of itself, or ``None``.
        image: the lead image URL, or ``None``.
        tags: keywords and section tags the page declares.
        page_type: ``"article"`` when the page holds one article, ``"listing"`` when it is
            a home, category or tag page of links, ``"empty"`` when nothing was found.
    """

    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    date_source: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    page_type: str = "empty"

    @property
    def is_article(self) -> bool:
        """True when the page was judged to hold one article with text."""
        return self.page_type == "article" and bool(self.text)
