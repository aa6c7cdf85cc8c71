"""Running queries on any backend: search (one page + total), counts over time, streams.

The engine parses the query (:mod:`archive.research.query.parser`), asks the session's backend
(chosen by the database dialect's name in :data:`BACKENDS`) to compile it, and turns the
rows into :mod:`archive.research.results` types. It assembles no SQL text of its own.
"""

from __future__ import annotations

import html
import importlib
import logging
from collections.abc import Iterator
from dataclasses import fields
from typing import Any, Literal

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from archive.exceptions import QueryError
from archive.research.query.backend import MATCH_END, MATCH_START, Period, Plan, SearchBackend
from archive.research.query.columns import article_columns
from archive.research.query.filters import Filters
from archive.research.query.parser import parse_query
from archive.research.query.periods import count_by_ranges
from archive.research.results import RECORD_FIELDS, CountRow, SearchHit, SearchResults
from db import models

logger = logging.getLogger(__name__)

Order = Literal["relevance", "newest", "oldest"]
ORDERS = ("relevance", "newest", "oldest")
PERIODS = ("day", "week", "month")
MAX_LIMIT = 1_000
MAX_OFFSET = 100_000
#: characters of text shown as the snippet when no words were searched for
LEAD_CHARS = 200

#: the backend for each database dialect name, as "module:class", imported when first used
BACKENDS: dict[str, str] = {
    "sqlite": "archive.research.query.sqlite:SqliteBackend",
    "postgresql": "archive.research.query.postgres:PostgresBackend",
}
_loaded: dict[str, SearchBackend] = {}


def backend_for(session: Session) -> SearchBackend:
    """The search backend for the session's database.

    Raises:
        QueryError: no backend exists for this kind of database yet.
    """
    name = session.get_bind().dialect.name
    backend = _loaded.get(name)
    if backend is None:
        if name not in BACKENDS:
            raise QueryError(f"Searching is not supported on {name} databases yet.")
        module, _, attribute = BACKENDS[name].partition(":")
        backend = _loaded[name] = getattr(importlib.import_module(module), attribute)()
    return backend


def plan_query(session: Session, query: str | None, filters: Filters) -> tuple[SearchBackend,
                                                                              Plan]:
    """Parse ``query`` (``None`` or blank: every article) and compile it with ``filters``.

    Raises:
        QueryError: the query is malformed.
    """
    backend = backend_for(session)
    node = parse_query(query) if query is not None and query.strip() else None
    return backend, backend.plan(node, filters)


def _marked(snippet: str) -> tuple[str, str]:
    plain = snippet.replace(MATCH_START, "[").replace(MATCH_END, "]")
    safe = html.escape(snippet).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return plain, safe


def _lead(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= LEAD_CHARS:
        return text
    return text[:LEAD_CHARS].rsplit(" ", 1)[0] + " …"


#: the fields of a hit that come from the database (the snippet is made here)
HIT_FIELDS = tuple(f.name for f in fields(SearchHit) if f.name not in ("snippet",
                                                                         "snippet_html"))
_HIT_COLUMNS = (
    *article_columns(HIT_FIELDS),
    func.substr(models.Article.text, 1, LEAD_CHARS * 2).label("lead"),
)


def _hit(row: Row[Any], snippet: str | None) -> SearchHit:
    plain, safe = _marked(snippet if snippet is not None else _lead(row.lead or ""))
    values = {name: row._mapping[name] for name in HIT_FIELDS}
    return SearchHit(**values, snippet=plain, snippet_html=safe)


def _hits(session: Session, ids: list[int], snippets: dict[int, str]) -> list[SearchHit]:
    """The hits for ``ids``, in that order."""
    rows = session.execute(
        select(*_HIT_COLUMNS)
        .join(models.Source, models.Article.source_id == models.Source.id)
        .where(models.Article.id.in_(ids))
    )
    by_id = {row.id: row for row in rows}
    return [_hit(by_id[i], snippets.get(i)) for i in ids if i in by_id]


def _ordered(backend: SearchBackend, plan: Plan, order: Order) -> Select[Any]:
    stmt = backend.matches(plan, models.Article.id)
    published = models.Article.published
    if order == "relevance" and plan.text_match is not None:
        return stmt.order_by(backend.relevance(plan))
    if order == "oldest":
        return stmt.order_by(published.asc().nulls_last(), models.Article.id)
    # undated articles last on every backend (PostgreSQL sorts NULLs first when descending)
    return stmt.order_by(published.desc().nulls_last(), models.Article.id.desc())


def _check_search(query: str, order: str) -> None:
    if order not in ORDERS:
        raise QueryError(f"Unknown order {order!r}; use one of {', '.join(ORDERS)}.")
    if not query or not query.strip():
        raise QueryError("The query is empty; give words to search for.")


def search_matches(
    session: Session,
    query: str,
    filters: Filters | None = None,
    *,
    order: Order = "relevance",
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """One page of the articles matching ``query`` and ``filters``, with the total.

    ``relevance`` order falls back to newest first when the query holds no words to rank
    by (only field filters or exclusions).

    Raises:
        QueryError: the query is malformed or a parameter is out of range.
    """
    _check_search(query, order)
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"The limit must be between 1 and {MAX_LIMIT}.")
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"The offset must be between 0 and {MAX_OFFSET}.")
    backend, plan = plan_query(session, query, filters or Filters())
    # a backend may know a faster plan for some pages (see SqliteBackend.page_ids)
    page_ids = getattr(backend, "page_ids", None)
    ids = page_ids(session, plan, order, limit, offset) if page_ids is not None else None
    if ids is None:
        ids = list(session.scalars(_ordered(backend, plan, order).limit(limit).offset(offset)))
    total = backend.total(session, plan)
    hits = _hits(session, ids, backend.snippets(session, plan, ids))
    return SearchResults(hits=hits, total=int(total), query=query, limit=limit, offset=offset)


def iter_hits(session: Session, query: str, filters: Filters | None = None, *,
              order: Order = "relevance", offset: int = 0, limit: int | None = None,
              batch: int = 500) -> Iterator[SearchHit]:
    """Every article matching ``query`` and ``filters`` (or the ``limit`` after the first
    ``offset``) as hits with snippets, in ``order``, as :func:`search_matches` ranks them.

    Streamed: the ids come from the database ``batch`` at a time, and each batch's hits
    are read and yielded before the next, so memory stays flat however many match. The
    query is checked when the first hit is asked for.

    Raises:
        QueryError: the query is malformed or a parameter is out of range.
    """
    _check_search(query, order)
    if offset < 0 or (limit is not None and limit < 1):
        raise QueryError("The offset must be 0 or more and the limit 1 or more.")
    backend, plan = plan_query(session, query, filters or Filters())
    stmt = _ordered(backend, plan, order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    ids = session.scalars(stmt.execution_options(yield_per=batch))
    for chunk in ids.partitions(batch):
        page = list(chunk)
        yield from _hits(session, page, backend.snippets(session, plan, page))


def latest_hits(session: Session, *, limit: int = 20) -> list[SearchHit]:
    """The ``limit`` most recently published articles, undated ones last, each with the
    start of its text as the snippet."""
    backend, plan = plan_query(session, None, Filters())
    ids = list(session.scalars(_ordered(backend, plan, "newest").limit(limit)))
    return _hits(session, ids, {})


def total_matches(session: Session, query: str | None, filters: Filters | None = None) -> int:
    """How many articles match ``query`` (all, without one) and ``filters``.

    Raises:
        QueryError: the query is malformed.
    """
    backend, plan = plan_query(session, query, filters or Filters())
    return backend.total(session, plan)


def count_matches(
    session: Session,
    query: str | None,
    filters: Filters | None = None,
    *,
    by: Period = "day",
    per_source: bool = False,
) -> list[CountRow]:
    """Matching articles per publication period (and per source), oldest period first.

    Periods without articles are left out; undated articles are not counted; per source,
    rows of one period come in domain order.

    Raises:
        QueryError: the query is malformed or ``by`` is not day, week or month.
    """
    if by not in PERIODS:
        raise QueryError(f"Unknown period {by!r}; use day, week or month.")
    filters = filters or Filters()
    only_dates = not (query and query.strip()) and not (filters.source or filters.lang)
    if only_dates and not per_source:
        rows_by_range = count_by_ranges(session, filters, by)
        if rows_by_range is not None:
            return rows_by_range
    backend, plan = plan_query(session, query, filters)
    period = backend.period(by).label("period")
    n = func.count().label("n")
    if per_source:
        stmt = backend.matches(plan, period, models.Article.source_id, n).group_by(
            period, models.Article.source_id
        )
    else:
        stmt = backend.matches(plan, period, n).group_by(period)
    stmt = stmt.where(models.Article.published.is_not(None)).order_by(period)
    rows = session.execute(stmt).all()
    domains: dict[int, str] = {}
    if per_source:
        domains = {i: d for i, d in session.execute(select(models.Source.id, models.Source.domain))}
    counts = [
        CountRow(period=row.period, source=domains.get(row.source_id) if per_source else None,
                 count=int(row.n))
        for row in rows
    ]
    return sorted(counts, key=lambda c: (c.period, c.source or "")) if per_source else counts


def iter_matches(
    session: Session, query: str | None, filters: Filters | None = None, *, batch: int = 1_000
) -> Iterator[Row[Any]]:
    """Every matching article with the fields of :data:`RECORD_FIELDS`, in id order,
    streamed ``batch`` rows at a time (memory stays flat however many match).

    Raises:
        QueryError: the query is malformed.
    """
    backend, plan = plan_query(session, query, filters or Filters())
    stmt = (
        backend.matches(plan, *article_columns(RECORD_FIELDS))
        .join(models.Source, models.Article.source_id == models.Source.id)
        .order_by(models.Article.id)
        .execution_options(yield_per=batch)
    )
    yield from session.execute(stmt)
