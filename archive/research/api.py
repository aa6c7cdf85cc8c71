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
from archive.research.history import article_history
from archive.research.query.engine import (
    count_matches,
    latest_hits,
    search_matches,
    total_matches,
)
from archive.research.query.filters import Filters, as_utc
from archive.research.results import (
    ArchiveStats,
    ArticleView,
    CountRow,
    SearchHit,
    SearchResults,
    VersionView,
)
from archive.research.stats import archive_stats
from archive.research.warc import WarcExport, export_warc
from archive.storage.importer import ImportReport, import_jsonl
from archive.storage.reextract import ReextractReport, reextract
from archive.storage.sources import check_source_exists
from db import open_engine, resolve_db_url, session_factory

logger = logging.getLogger(__name__)

DateLike = date | datetime | str | None
Order = Literal["relevance", "newest", "oldest"]
Period = Literal["day", "week", "month"]
ProgressCallback = Callable[[int], None]


def _check_filters(session: Session, filters: Filters) -> None:
    if filters.source is not None:
        check_source_exists(session, filters.source)


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

        ``source`` is a host (subdomains included), a site name or a sources-file name
        (see the README's "Naming a source"); ``since``/``until`` bound the publication
        date (dates or ``YYYY-MM-DD``; ``until`` includes its whole day); ``lang`` is a
        language code. ``order`` is ``"relevance"`` (BM25, title words weigh more),
        ``"newest"`` or ``"oldest"``.

        Raises:
            QueryError: the query is malformed or a parameter is out of range.
            UnknownSource: ``source`` names no source of the archive.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            _check_filters(session, filters)
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
            UnknownSource: ``source`` names no source of the archive.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            _check_filters(session, filters)
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
            UnknownSource: ``source`` names no source of the archive.
        """
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            _check_filters(session, filters)
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
            _check_filters(session, filters)
            return export_matches(session, query, filters, fmt, destination,
                                  on_progress=on_progress)

    def latest(self, limit: int = 20) -> list[SearchHit]:
        """The ``limit`` most recently published articles (undated ones last), each with
        the start of its text as the snippet."""
        with self._sessions() as session:
            return latest_hits(session, limit=limit)

    def stats(self) -> ArchiveStats:
        """Articles per source and per language, and the span of publication dates."""
        with self._sessions() as session:
            return archive_stats(session)

    def history(self, ref: int | str) -> list[VersionView]:
        """Every state of one article (by id or URL), oldest first, the last the current.

        Raises:
            ArticleNotFound: no article has that id or URL.
        """
        with self._sessions() as session:
            return article_history(session, ref)

    def reextract(
        self,
        *,
        source: str | None = None,
        only_older: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> ReextractReport:
        """Read every article's latest stored page again with the current extractor
        (see :func:`archive.storage.reextract.reextract`).

        Raises:
            UnknownSource: ``source`` names no source of the archive.
            DatabaseError: the archive cannot be read or written.
        """
        return reextract(self._sessions, source=source, only_older=only_older,
                         on_progress=on_progress)

    def export_warc(
        self,
        path: str | Path,
        *,
        source: str | None = None,
        since: DateLike = None,
        gzip: bool = True,
        overwrite: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> WarcExport:
        """Write the stored raw pages to a WARC file (see
        :func:`archive.research.warc.export_warc`).

        Raises:
            ExportError: ``path`` exists (without ``overwrite``) or cannot be written.
            UnknownSource: ``source`` names no source of the archive.
            QueryError: ``since`` is not a date.
        """
        return export_warc(self._sessions, path, source=source,
                           since=as_utc(since, name="since"), gzip=gzip,
                           overwrite=overwrite, on_progress=on_progress)

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
