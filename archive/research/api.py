"""The research API: one :class:`Archive` object for notebooks, the CLI and the web API.

    from archive import Archive
    arc = Archive("sqlite:///archive.db")
    results = arc.search('"climate change" -opinion', since="2026-01-01", source="bbc.co.uk")
    results.total, results[0].title, results.to_pandas()
    arc.count("heatwave", by="month")

Every method opens its own short transaction, so one ``Archive`` may be shared by threads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.research.articles import article_view
from archive.research.export import ExportFormat, export_matches
from archive.research.query.engine import count_matches, search_matches, total_matches
from archive.research.query.filters import Filters
from archive.research.results import (
    ArchiveStats,
    ArticleView,
    CountRow,
    ImportReport,
    SearchResults,
)
from archive.research.stats import archive_stats
from archive.storage.importer import import_jsonl
from db import open_engine, resolve_db_url, session_factory

logger = logging.getLogger(__name__)

DateLike = date | datetime | str | None
Order = Literal["relevance", "newest", "oldest"]
Period = Literal["day", "week", "month"]
ProgressCallback = Callable[[int], None]


class Archive:
    """An archive database, opened for research.

    ``url`` is a database URL (``sqlite:///archive.db``); by default ``$VIRAL_ARCHIVE_DB``,
    else ``archive.db`` in the current folder. Without ``create`` the archive must exist.

    Raises:
        db.DatabaseError: the database cannot be opened or holds no archive.
    """

    def __init__(self, url: str | None = None, *, create: bool = False) -> None:
        self.url = resolve_db_url(url)
        self.engine: Engine = open_engine(self.url, create=create)
        self._sessions: sessionmaker[Session] = session_factory(self.engine)

    def __repr__(self) -> str:
        return f"Archive({self.engine.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        lang: str | None = None,
        order: Order = "relevance",
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResults:
        """One page of the articles matching ``query`` (see the README's query language).

        ``source`` is a domain or source name; ``since``/``until`` bound the publication
        date (dates or ``YYYY-MM-DD``; ``until`` includes its whole day); ``lang`` is a
        language code. ``order`` is ``"relevance"`` (BM25, title words weigh more),
        ``"newest"`` or ``"oldest"``.

        Raises:
            QueryError: the query is malformed or a parameter is out of range.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            return search_matches(session, query, filters, order=order, limit=limit,
                                  offset=offset)

    def count(
        self,
        query: str | None = None,
        *,
        by: Period = "day",
        per_source: bool = False,
        since: DateLike = None,
        until: DateLike = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> list[CountRow]:
        """How many articles matching ``query`` (all without one) were published per period.

        Periods without articles are left out; undated articles are not counted.

        Raises:
            QueryError: the query is malformed or a parameter is out of range.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            return count_matches(session, query, filters, by=by, per_source=per_source)

    def total(
        self,
        query: str | None = None,
        *,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        lang: str | None = None,
    ) -> int:
        """How many articles match ``query`` (all, without one) and the filters.

        Raises:
            QueryError: the query is malformed or a parameter is out of range.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            return total_matches(session, query, filters)

    def article(self, ref: int | str) -> ArticleView:
        """One article by id or URL, with its metadata, text and earlier versions.

        Raises:
            ArticleNotFound: no article has that id or URL.
        """
        with self._sessions() as session:
            return article_view(session, ref)

    def export(
        self,
        query: str | None,
        fmt: ExportFormat,
        destination: str | Path | IO[bytes],
        *,
        source: str | None = None,
        since: DateLike = None,
        until: DateLike = None,
        lang: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        """Write every article matching ``query`` (with its text) as ``csv``, ``jsonl`` or
        ``parquet`` to a file path or binary stream; returns how many were written.

        Streams in batches, so memory stays flat however many articles match.
        ``on_progress`` is called with the running count after each batch.

        Raises:
            QueryError: the query or a filter is malformed.
            ArchiveError: the format needs an optional library that is not installed.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            return export_matches(session, query, filters, fmt, destination,
                                  on_progress=on_progress)

    def stats(self) -> ArchiveStats:
        """Articles per source and per language, and the span of publication dates."""
        with self._sessions() as session:
            return archive_stats(session)

    def import_jsonl(
        self, path: str | Path, *, on_progress: ProgressCallback | None = None
    ) -> ImportReport:
        """Add the articles of a JSON Lines file (one object per line: url, title, text,
        published, authors, source, language; other keys kept as extra metadata).

        Bad lines are reported in the result with their line number and reason; good
        lines are kept. Importing a URL again updates it like a crawl would.

        Raises:
            ArchiveError: the file cannot be read.
        """
        return import_jsonl(self._sessions, Path(path), on_progress=on_progress)
