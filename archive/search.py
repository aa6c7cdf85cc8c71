"""Searching the archive: full text over title and text, with filters.

On SQLite the words go through the FTS5 index (``db/fts.py``); the user's query is never
passed to FTS5 or SQL as syntax: it is split into words, each quoted, all required.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from sqlalchemy import Float, Select, String, func, literal_column, or_, select
from sqlalchemy.orm import Session

from archive.exceptions import QueryError
from archive.urls import site_of
from db import models
from db.fts import FTS_TABLE, fts_table

Order = Literal["relevance", "newest"]
_Select = TypeVar("_Select", bound=Select)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class SearchHit:
    """One article matching a search, with a snippet around the matches."""

    id: int
    url: str
    title: str | None
    source: str
    published: datetime | None
    authors: list[str]
    language: str | None
    snippet: str


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for ``query``: every word required, each quoted.

    Raises:
        QueryError: the query holds no word to search for.
    """
    words = _WORD.findall(query)
    if not words:
        raise QueryError(f"The query {query!r} has no words to search for.")
    return " ".join(f'"{w}"' for w in words)


def _filtered(
    stmt: _Select, *, source: str | None, since: datetime | None, until: datetime | None
) -> _Select:
    if source:
        wanted = site_of(source if "//" in source else f"//{source}")
        stmt = stmt.where(
            or_(
                models.Source.domain == wanted,
                models.Source.domain.startswith(wanted + ":", autoescape=True),
                func.lower(models.Source.name) == source.lower(),
            )
        )
    if since is not None:
        stmt = stmt.where(models.Article.published >= since)
    if until is not None:
        stmt = stmt.where(models.Article.published <= until)
    return stmt


def search_articles(
    session: Session,
    query: str,
    *,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    order: Order = "relevance",
) -> list[SearchHit]:
    """Articles whose title or text hold every word of ``query``.

    ``source`` is a domain (``example.com``) or a source name; ``since``/``until`` bound the
    publication time (inclusive). ``order`` is ``"relevance"`` (bm25, title matches
    weighing more) or ``"newest"`` (publication time, newest first).

    Raises:
        QueryError: the query has no words, or a limit is out of range.
    """
    if not 1 <= limit <= 10_000:
        raise QueryError("The limit must be between 1 and 10000.")
    if offset < 0:
        raise QueryError("The offset cannot be negative.")
    match = fts_query(query)
    rank = literal_column(f"bm25({FTS_TABLE}, 5.0, 1.0)", Float)
    snippet = literal_column(f"snippet({FTS_TABLE}, 1, '[', ']', ' … ', 16)", String)
    stmt = (
        select(models.Article, models.Source.domain, snippet)
        .join(models.Source, models.Article.source_id == models.Source.id)
        .join(fts_table, fts_table.c.rowid == models.Article.id)
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
    )
    stmt = _filtered(stmt, source=source, since=since, until=until)
    if order == "newest":
        stmt = stmt.order_by(models.Article.published.desc().nulls_last(), models.Article.id.desc())
    else:
        stmt = stmt.order_by(rank)
    stmt = stmt.limit(limit).offset(offset)
    return [
        SearchHit(
            id=article.id,
            url=article.url,
            title=article.title,
            source=domain,
            published=article.published,
            authors=list(article.authors or []),
            language=article.language,
            snippet=snip,
        )
        for article, domain, snip in session.execute(stmt)
    ]
