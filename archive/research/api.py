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
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal, TypedDict, TypeVar, Unpack

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from archive.research.articles import article_view
from archive.research.export import ExportFormat, export_matches
from archive.research.history import article_history
from archive.research.query.engine import (
    count_matches,
    iter_hits,
    latest_hits,
    search_matches,
    total_matches,
)
from archive.research.query.filters import Filters
from archive.research.results import (
    ArchiveStats,
    ArticleView,
    CountRow,
    SearchHit,
    SearchResults,
    StoryList,
    StoryView,
    VersionView,
)
from archive.research.stats import archive_stats
from archive.research.stories import DEFAULT_LIMIT as DEFAULT_STORY_LIMIT
from archive.research.stories import list_stories, story_view
from archive.storage.importer import ImportReport, import_jsonl
from archive.storage.sources import check_source_exists
from archive.storage.story_rebuild import RebuildReport, rebuild_stories
from db import open_engine, resolve_db_url, session_factory

logger = logging.getLogger(__name__)

DateLike = date | datetime | str | None
Order = Literal["relevance", "newest", "oldest"]
Period = Literal["day", "week", "month"]
ProgressCallback = Callable[[int], None]
T = TypeVar("T")


class FilterOptions(TypedDict, total=False):
    """The filters every search, count and export takes (see :meth:`Archive.search`)."""

    source: str | None
    since: DateLike
    until: DateLike
    lang: str | None


class Archive:
    """An archive database, opened for research.

    ``url`` is a database URL (``sqlite:///archive.db``) or the path of a SQLite file; by
    default ``$VIRAL_ARCHIVE_DB``, else ``archive.db`` in the current folder. Without
    ``create`` the archive must exist. ``write`` (implied by ``create``) says the
    archive will be written to (imports, re-extraction): a database that cannot be
    written (read-only, in memory) is then refused at once.

    Raises:
        db.DatabaseError: the database cannot be opened (or written, with ``write``),
            holds no archive, or holds other tables.
    """

    def __init__(self, url: str | Path | None = None, *, create: bool = False,
                 write: bool = False) -> None:
        self.url = resolve_db_url(url)
        self.engine: Engine = open_engine(self.url, create=create, write=create or write)
        self._sessions: sessionmaker[Session] = session_factory(self.engine)

    def __repr__(self) -> str:
        return f"Archive({self.engine.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The archive's session factory, for the library's functions that take one
        (``archive.storage.reextract.reextract``, ``archive.research.warc.export_warc``)."""
        return self._sessions

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def _read(self, run: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``run(session, *args, **kwargs)`` in a session of its own."""
        with self._sessions() as session:
            return run(session, *args, **kwargs)

    def _matching(self, run: Callable[..., T], query: str | None, *, source: str | None,
                  since: DateLike, until: DateLike, lang: str | None, **options: Any) -> T:
        """``run(session, query, filters, **options)`` with the filters checked."""
        filters = Filters.build(source=source, since=since, until=until, lang=lang)
        with self._sessions() as session:
            if filters.source is not None:
                check_source_exists(session, filters.source)
            return run(session, query, filters, **options)

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
        return self._matching(search_matches, query, source=source, since=since, until=until,
                              lang=lang, order=order, limit=limit, offset=offset)

    def iter_search(self, query: str, *, order: Order = "relevance", offset: int = 0,
                    limit: int | None = None, **filters: Unpack[FilterOptions]
                    ) -> Iterator[SearchHit]:
        """Every article matching ``query`` (or the ``limit`` after the first ``offset``)
        as :meth:`search` hits in ``order``, streamed: memory stays flat however many
        match. ``source``, ``since``, ``until`` and ``lang`` filter as for :meth:`search`;
        everything is checked when the first hit is asked for.

        Raises:
            QueryError: the query is malformed or a parameter is out of range.
            UnknownSource: ``source`` names no source of the archive.
        """
        checked = Filters.build(**filters)
        with self._sessions() as session:
            if checked.source is not None:
                check_source_exists(session, checked.source)
            yield from iter_hits(session, query, checked, order=order, offset=offset,
                                 limit=limit)

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
        return self._matching(count_matches, query, source=source, since=since, until=until,
                              lang=lang, by=by, per_source=per_source)

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
        return self._matching(total_matches, query, source=source, since=since, until=until,
                              lang=lang)

    def article(self, ref: int | str) -> ArticleView:
        """One article by id or URL, with its metadata, text and earlier versions.

        Raises:
            ArticleNotFound: no article has that id or URL.
        """
        return self._read(article_view, ref)

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
            UnknownSource: ``source`` names no source of the archive.
            ExportError: the file cannot be written.
            MissingDependency: the format needs pyarrow, which is not installed.
        """
        return self._matching(export_matches, query, source=source, since=since, until=until,
                              lang=lang, fmt=fmt, destination=destination,
                              on_progress=on_progress)

    def latest(self, limit: int = 20) -> list[SearchHit]:
        """The ``limit`` most recently published articles (undated ones last), each with
        the start of its text as the snippet."""
        return self._read(latest_hits, limit=limit)

    def stats(self) -> ArchiveStats:
        """Articles per source and per language, and the span of publication dates."""
        return self._read(archive_stats)

    def history(self, ref: int | str) -> list[VersionView]:
        """Every state of one article (by id or URL), oldest first, the last the current.

        Raises:
            ArticleNotFound: no article has that id or URL.
        """
        return self._read(article_history, ref)

    def stories(self, query: str | None = None, *, since: DateLike = None,
                until: DateLike = None, min_sources: int = 1,
                limit: int = DEFAULT_STORY_LIMIT) -> StoryList:
        """Stories — an article and its near-copies across sources — ranked by number of
        sources, then by how fast they spread; each with its members.

        ``query`` keeps the stories holding a matching article; ``since`` / ``until``
        bound when a story first appeared; ``limit`` 0 lists them all.

            arc.stories("heatwave", min_sources=3).to_pandas()

        Raises:
            QueryError: the query or a value is malformed.
        """
        filters = Filters.build(since=since, until=until)
        return self._read(list_stories, query, filters, min_sources=min_sources, limit=limit)

    def story(self, story_id: int) -> StoryView:
        """One story: who ran it first, who followed and when, under which headlines.

        Raises:
            StoryNotFound: no story has that id.
        """
        return self._read(story_view, story_id)

    def rebuild_stories(self, *, resume: bool = False,
                        on_progress: Callable[[int, int], None] | None = None
                        ) -> RebuildReport:
        """Compute every article's story again (e.g. after the parameters in
        ``archive.core.nearcopy`` changed); ``resume`` only places articles without one.

        Raises:
            RebuildInterrupted: Ctrl-C; the articles placed until then keep their story.
        """
        return rebuild_stories(self._sessions, resume=resume, on_progress=on_progress)

    def import_jsonl(
        self, path: str | Path, *, on_progress: ProgressCallback | None = None,
        stories: bool = True,
    ) -> ImportReport:
        """Add the articles of a JSON Lines file (one object per line: url, title, text,
        published, authors, source, language; other keys kept as extra metadata).

        Bad lines are reported in the result with their line number and reason; good
        lines are kept. Importing a URL again updates it like a crawl would. ``stories``
        places each new or changed article in its story.

        Raises:
            ArchiveError: the file cannot be read.
        """
        return import_jsonl(self._sessions, Path(path), on_progress=on_progress,
                            stories=stories)
