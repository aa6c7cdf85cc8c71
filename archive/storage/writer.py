"""Writing articles into the archive: the one place that decides new, updated or unchanged.

Crawls and imports both hand :class:`Incoming` articles to an :class:`ArticleWriter`:

- a URL not yet archived becomes a new row (with its raw page, when it was fetched);
- a known URL whose title and text are unchanged (whitespace aside) only has its
  ``last_seen`` moved; so has the article of a new URL that differs from an archived
  one's only in its query parameters and holds the same title and text (an alias);
- a known URL whose title or text changed keeps its previous state as the next
  numbered ``ArticleVersion``, then takes the new one (and its raw page);
- when a crawled article was archived by an older extractor, its stored page is first
  re-read with the current one, so that a different reading alone is not taken for an
  edit (:attr:`Outcome.REEXTRACTED`).

Sources are created on first sight, safely when other processes create them at once.
Everything happens in the caller's transaction: one article (or one import batch) is
all-or-nothing.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection, Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from archive.core.article import STORED_FIELDS, Article
from archive.core.nearcopy import Signature, signature
from archive.core.text import without_control_characters
from archive.core.urls import article_url, site_of
from archive.exceptions import ExtractionError
from archive.extraction import EXTRACTOR_VERSION
from archive.extraction.reading import LISTED_DATE_SOURCE, FetchedPage
from archive.storage.rawpages import (
    latest_listed_date,
    latest_raw_page,
    raw_page_row,
    read_raw_page,
)
from archive.storage.sources import source_id
from archive.storage.stories import lock_for_placing, place_written
from db import indexed_at_once, models

#: the table itself: a Core insert skips the ORM's per-row bookkeeping
ARTICLES: Table = models.Article.__table__  # type: ignore[assignment]


class Outcome(enum.Enum):
    """What writing an article did to the archive."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: the page says the same as before, but a newer extractor reads it differently: the
    #: article was updated in place, without a version (it was not edited)
    REEXTRACTED = "reextracted"


def content_hash(title: str | None, text: str) -> str:
    """Hash of the whitespace-normalised title and text: whitespace-only edits hash equal."""
    normalised = " ".join((title or "").split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class _Unsigned(enum.Enum):
    """The value of a signature not computed yet (``None`` means: too short to have one)."""

    UNSIGNED = enum.auto()


_UNSIGNED = _Unsigned.UNSIGNED


@dataclass(slots=True)
class Incoming:
    """One article arriving at the archive, from a crawl or an import.

    Attributes:
        url: the URL it is filed under (normalised).
        domain: the host of its source.
        values: its :data:`~archive.core.article.STORED_FIELDS` (and, from an import,
            ``extra``), by column name.
        extractor_version: what produced ``values`` (an extractor version or ``import``).
        seen_at: when it was fetched or imported.
        site_name: the name of its source, if known.
        page: the page it was read from, kept as its raw page; ``None`` for imports.
    """

    url: str
    domain: str
    values: dict[str, Any]
    extractor_version: str
    seen_at: datetime
    site_name: str | None = None
    page: FetchedPage | None = None
    content_hash: str = field(init=False)
    _signature: Signature | None | _Unsigned = field(init=False, default=_UNSIGNED,
                                                    repr=False, compare=False)

    def __post_init__(self) -> None:
        self.values = without_control_characters(self.values)  # see archive.core.text
        self.content_hash = content_hash(self.values.get("title"), self.values["text"])

    @property
    def signature(self) -> Signature | None:
        """The text's near-copy signature (``None``: too short), for its story.

        Computed when first asked for, and only then: an archive without stories never
        pays for it. An import computes it in its parsing processes (:meth:`sign`), so
        that the writing process does not.
        """
        if isinstance(self._signature, _Unsigned):
            self._signature = signature(self.values["text"])
        return self._signature

    def sign(self) -> None:
        """Compute :attr:`signature` now (it then travels with the article)."""
        self.signature  # noqa: B018 - the property computes and keeps it

    @classmethod
    def crawled(cls, article: Article, page: FetchedPage) -> Incoming:
        """The article the current extractor read from ``page``, filed under its
        canonical URL when that is on the same site (:func:`~archive.core.urls.article_url`)."""
        url = article_url(page.url, article.canonical_url)
        return cls(url=url, domain=site_of(url), site_name=article.site_name,
                   values={name: getattr(article, name) for name in STORED_FIELDS},
                   extractor_version=EXTRACTOR_VERSION, seen_at=page.fetched_at, page=page)


@dataclass(frozen=True, slots=True)
class Written:
    """What writing one :class:`Incoming` did; ``article_id`` is ``None`` for new rows
    inserted in bulk (imports)."""

    outcome: Outcome
    article_id: int | None

    @property
    def placed(self) -> bool:
        """True when the article's story must be (re)considered: it is new, or its text or
        title changed (see :mod:`archive.storage.stories`)."""
        return self.outcome is not Outcome.UNCHANGED


class Known(NamedTuple):
    """An archived URL's article id and content hash."""

    article_id: int
    content_hash: str


def insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``articles``.

    On SQLite with one DB-API ``executemany``: the values go through the columns' own
    bind processors (UTC datetimes, JSON), as a Core insert would; what this skips is
    Core's per-row parameter bookkeeping, which cost about a third of a large import.
    The rows are added to the full-text index together, after the insert
    (:func:`db.fts.indexed_at_once`). Other databases get a Core insert.
    """
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(ARTICLES), rows)
        return
    compiled = insert(ARTICLES).compile(dialect=dialect, column_keys=list(rows[0]))
    binds = [compiled.binds[name] for name in compiled.positiontup or ()]
    # dialect_impl: the SQLite-specific processors (datetimes as SQLAlchemy stores them,
    # with microseconds, so that they compare as text with what the ORM binds)
    columns = [(bind.key, bind.type.dialect_impl(dialect).bind_processor(dialect))
               for bind in binds]
    params = [
        tuple(process(row[key]) if process else row[key] for key, process in columns)
        for row in rows
    ]
    # one row (a refused batch written again line by line) is left to the trigger: the
    # DROP and CREATE would cost more than they save
    with indexed_at_once(connection) if len(rows) > 1 else nullcontext():
        connection.exec_driver_sql(str(compiled), params)


class ArticleWriter:
    """Writes :class:`Incoming` articles in the caller's transaction (see the module doc).

    ``source_ids`` caches ``{domain: source id}`` across writers; clear it when a
    transaction that may have created sources is rolled back.
    """

    def __init__(self, session: Session, *, crawl_id: int | None = None,
                 source_ids: dict[str, int] | None = None, stories: bool = True) -> None:
        self.session = session
        self.crawl_id = crawl_id
        self.source_ids = source_ids if source_ids is not None else {}
        #: place new and changed articles in their stories (``ARCHIVE_STORIES``)
        self.stories = stories

    def write(self, items: Sequence[Incoming]) -> list[Written]:
        """Archive ``items`` (distinct URLs), in order; what each one did.

        New imported rows are inserted together at the end (one statement); a crawled
        page's new row is inserted at once, with its raw page.
        """
        if self.stories:  # first, so that every writer takes the locks in the same order
            lock_for_placing(self.session)
        known = self._known([item.url for item in items])
        written: list[Written] = []
        bulk: list[dict[str, Any]] = []
        seen: list[dict[str, Any]] = []
        for item in items:
            row = known.get(item.url)
            if row is None and item.page is not None:
                twin = self._same_page_elsewhere(item)
                if twin is not None:
                    seen.append({"b_id": twin, "b_seen": item.seen_at})
                    written.append(Written(Outcome.UNCHANGED, twin))
                    continue
            if row is None:
                new_row = self._new_row(item)
                if item.page is None:
                    bulk.append(new_row)
                    written.append(Written(Outcome.NEW, None))
                    continue
                article_id = self._insert(new_row)
                if article_id is not None:
                    self.session.add(raw_page_row(item.page, article_id=article_id,
                                                  crawl_id=self.crawl_id))
                    written.append(Written(Outcome.NEW, article_id))
                    continue
                # another process archived this URL since we looked: carry on from its row
                row = self._known([item.url])[item.url]
            self._keep_listed_date(row.article_id, item)
            if row.content_hash == item.content_hash:
                seen.append({"b_id": row.article_id, "b_seen": item.seen_at})
                written.append(Written(Outcome.UNCHANGED, row.article_id))
            else:
                written.append(Written(self._changed(row.article_id, item), row.article_id))
        if bulk:
            insert_rows(self.session.connection(), bulk)
        if seen:
            self._move_last_seen(seen)
        if self.stories:
            place_written(self.session, items, written)
        return written

    def _known(self, urls: list[str]) -> dict[str, Known]:
        rows = self.session.execute(
            select(models.Article.id, models.Article.url, models.Article.content_hash)
            .where(models.Article.url.in_(urls))
        )
        return {url: Known(article_id, digest) for article_id, url, digest in rows}

    def _same_page_elsewhere(self, item: Incoming) -> int | None:
        """The article already archived under the same host and path with only other query
        parameters (``?p=2``, ``?s=``, none) and the same title and text, if any: the page
        is one article under several URLs, and the new URL only an alias of it."""
        parts = urlsplit(item.url)
        base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        url = models.Article.url
        # "?" then everything up to "@" (the next character): the URLs with a query
        same_path = or_(url == base, and_(url >= base + "?", url < base + "@"))
        return self.session.scalar(
            select(models.Article.id)
            .where(same_path, url != item.url, models.Article.content_hash == item.content_hash)
            .order_by(models.Article.id).limit(1)
        )

    def _source_id(self, item: Incoming) -> int:
        found = self.source_ids.get(item.domain)
        if found is None:
            found = self.source_ids[item.domain] = source_id(self.session, item.domain,
                                                             item.site_name)
        return found

    def _new_row(self, item: Incoming) -> dict[str, Any]:
        return {
            **item.values, "url": item.url, "source_id": self._source_id(item),
            "content_hash": item.content_hash, "extractor_version": item.extractor_version,
            "first_seen": item.seen_at, "last_seen": item.seen_at, "changed_at": item.seen_at,
        }

    def _insert(self, row: dict[str, Any]) -> int | None:
        """Insert one row and return its id; ``None`` when another transaction inserted
        the same URL since we looked."""
        if self.session.get_bind().dialect.name != "postgresql":
            # SQLite lets one writer at a time in, so the row looked for cannot appear under us
            record = models.Article(**row)
            self.session.add(record)
            self.session.flush()
            return record.id
        # one round trip, and no savepoint: the database skips the row if the URL is taken
        stmt = (
            postgresql.insert(models.Article).values(row)
            .on_conflict_do_nothing(index_elements=["url"]).returning(models.Article.id)
        )
        return self.session.scalar(stmt)

    def _keep_listed_date(self, article_id: int, item: Incoming) -> None:
        """A page fetched again outside its listing (a re-check) keeps the publication date
        its sitemap or feed gave it when it was first listed: the date is a fact about the
        URL, and a page that gives none of its own would otherwise lose it."""
        if item.page is None or item.page.listed_published is not None:
            return
        listed = latest_listed_date(self.session, article_id)
        if listed is None:
            return
        item.page = replace(item.page, listed_published=listed)
        if item.values["published"] is None:
            item.values["published"], item.values["date_source"] = listed, LISTED_DATE_SOURCE

    def _move_last_seen(self, seen: list[dict[str, Any]]) -> None:
        stmt = (
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("b_id"), ARTICLES.c.last_seen < bindparam("b_seen"))
            .values(last_seen=bindparam("b_seen"))
        )
        self.session.connection().execute(stmt, seen)

    def _changed(self, article_id: int, item: Incoming) -> Outcome:
        record = self.session.get_one(models.Article, article_id)
        record.last_seen = max(record.last_seen, item.seen_at)
        if (item.page is not None and record.extractor_version != item.extractor_version
                and self._reread(record) and record.content_hash == item.content_hash):
            return Outcome.REEXTRACTED
        self._keep_version(record)
        apply_values(record, item.values, item.extractor_version)
        record.content_hash = item.content_hash
        record.changed_at = item.seen_at
        if item.page is not None:
            self.session.add(raw_page_row(item.page, article_id=record.id,
                                          crawl_id=self.crawl_id))
        return Outcome.UPDATED

    def _reread(self, record: models.Article) -> bool:
        """Bring ``record`` to the current extractor's reading of its latest stored page.

        An article archived by an older extractor would otherwise look edited the first
        time a newer one reads it; comparing like with like keeps versions for real
        edits only. False, leaving ``record`` as it was, when no stored page can be
        re-read as an article.
        """
        raw = latest_raw_page(self.session, record.id)
        if raw is None:
            return False
        try:
            earlier = read_raw_page(raw)
        except ExtractionError:
            return False
        if not earlier.is_article:
            return False
        apply_article(record, earlier)
        return True

    def _keep_version(self, record: models.Article) -> None:
        number = self.session.scalar(
            select(func.coalesce(func.max(models.ArticleVersion.number), 0))
            .where(models.ArticleVersion.article_id == record.id)
        )
        self.session.add(models.ArticleVersion(
            article_id=record.id, number=int(number or 0) + 1, title=record.title,
            text=record.text, content_hash=record.content_hash,
            extractor_version=record.extractor_version, fetched_at=record.changed_at,
        ))


def apply_values(record: models.Article, values: dict[str, Any], extractor_version: str
                 ) -> None:
    """Set ``values`` (column name to value) and ``extractor_version`` on ``record``."""
    for name, value in values.items():
        setattr(record, name, list(value) if isinstance(value, list) else value)
    record.extractor_version = extractor_version


def apply_article(record: models.Article, article: Article) -> None:
    """Give ``record`` the current extractor's reading ``article`` (title, text, metadata
    and ``content_hash``), in place: a better reading of the same page, not an edit."""
    apply_values(record, {name: getattr(article, name) for name in STORED_FIELDS},
                 EXTRACTOR_VERSION)
    record.content_hash = content_hash(article.title, article.text)


def store_article(session: Session, article: Article, page: FetchedPage, *,
                  crawl_id: int | None = None, stories: bool = True
                  ) -> tuple[Outcome, models.Article]:
    """Archive ``article``, read from ``page``, in the caller's transaction; returns what
    it did and the stored row. ``stories``: place it in its story."""
    writer = ArticleWriter(session, crawl_id=crawl_id, stories=stories)
    written = writer.write([Incoming.crawled(article, page)])
    outcome, article_id = written[0].outcome, written[0].article_id
    assert article_id is not None  # a crawled page is never inserted in bulk
    return outcome, session.get_one(models.Article, article_id)
