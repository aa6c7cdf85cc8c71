"""The article, declared once: :class:`ArticleMetadata` and :class:`Article`.

Every other shape of an article derives its fields from these classes: the extractor
returns an :class:`Article`; the archive stores :data:`STORED_FIELDS` in the columns of
``db.models.Article`` that carry the same names (a test checks they agree); the research
results (``SearchHit``, ``ArticleView``), the exports, ``show`` and the web API inherit or
read the fields from here. A new field of an article is declared in
:class:`ArticleMetadata`, then given its column (``db/models.py`` and a migration).
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any


@dataclass(kw_only=True)
class ArticleMetadata:
    """What a page says about its article besides the text; every field may be empty.

    Attributes:
        title: the headline, without a " | Site name" suffix or a "…see more" tail.
        authors: the bylines, one name per item, in page order.
        published: when the article was first published, timezone-aware (UTC when the
            page gives no offset), or ``None``.
        modified: when it was last modified, timezone-aware, or ``None``.
        date_source: where ``published`` came from, e.g. ``"json-ld"``, ``"meta"``,
            ``"time"``, ``"url"``, ``"text"``, ``"sitemap"``, ``"import"``; ``None``
            without a date.
        language: ISO 639-1 code such as ``"en"``, or ``None``.
        site_name: the publication's name (``og:site_name``, JSON-LD publisher), or ``None``.
        description: the summary the page gives of itself, or ``None``.
        image: the lead image URL, or ``None``.
        tags: keywords and section tags the page declares.
    """

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    date_source: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Article(ArticleMetadata):
    """What :func:`archive.extract_article` finds in one HTML page.

    An empty page gives an ``Article`` with empty ``text``.

    Attributes:
        text: the article's own text, boilerplate removed; blocks (paragraphs, list
            items, headings inside the article) separated by one blank line; the
            headline is never repeated here.
        canonical_url: the page's canonical URL (``rel=canonical`` / ``og:url``),
            made absolute against the page's URL, or ``None``. The archive files the
            article under it when it is on the same site.
        page_type: ``"article"`` when the page holds one article, ``"listing"`` when it is
            a home, category or tag page of links, ``"empty"`` when nothing was found.
    """

    text: str = ""
    canonical_url: str | None = None
    page_type: str = "empty"

    @property
    def is_article(self) -> bool:
        """True when the page was judged to hold one article with text."""
        return self.page_type == "article" and bool(self.text)


#: the metadata fields, in declaration order
METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ArticleMetadata))
#: what the archive keeps of an :class:`Article`: its metadata and its text
STORED_FIELDS: tuple[str, ...] = (*METADATA_FIELDS, "text")


def metadata_of(source: Any) -> dict[str, Any]:
    """The :data:`METADATA_FIELDS` of ``source`` (an Article, a stored row...) by name;
    lists are copied."""
    values = {name: getattr(source, name) for name in METADATA_FIELDS}
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = list(value)
    return values


@functools.cache
def field_kind(cls: type, name: str) -> type:
    """The plain type of field ``name`` of dataclass ``cls``: ``str``, ``int``, ``list``,
    ``dict`` or ``datetime`` (``None`` in a union aside)."""
    hint = typing.get_type_hints(cls)[name]
    if isinstance(hint, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    origin = typing.get_origin(hint)
    return origin if isinstance(origin, type) else hint
