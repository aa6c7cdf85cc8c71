"""The archive's tables, as SQLAlchemy 2 typed models.

``Source`` 1—n ``Article`` 1—n ``ArticleVersion`` (earlier states of an edited article)
and ``RawPage`` (the pages as fetched); ``Crawl`` 1—n ``CrawlError``. ``UrlState`` keeps
what the crawler knows of each URL of a source (for incremental re-crawls) and
``CrawlLock`` the sources being crawled right now. ``Story`` 1—n ``StoryArticle`` groups
near-copies of one article across sources, found through ``StoryBand`` (see
``archive.core.nearcopy`` and ``archive.storage.stories``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Source(Base):
    """A site articles come from, identified by its host (``www.`` removed)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One article, identified by its canonical URL, in its latest known state."""

    __tablename__ = "articles"
    # a search within one source and a date range finds its candidates in this index
    # alone, without reading the (large) article rows
    __table_args__ = (Index("ix_articles_source_id_published", "source_id", "published"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published: Mapped[datetime | None] = mapped_column(index=True)
    modified: Mapped[datetime | None]
    date_source: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    site_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2048))
    tags: Mapped[list[str]] = mapped_column(default=list)
    #: metadata with no column of its own (e.g. fields of an imported collection)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str] = mapped_column(Text)
    #: sha256 of the whitespace-normalised title and text: equal hashes, same content
    content_hash: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    #: when the current title/text were first fetched
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship(back_populates="articles")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.number"
    )


class ArticleVersion(Base):
    """An earlier state of an article, kept when its title or text changed."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(16))
    #: when this state was first fetched
    fetched_at: Mapped[datetime]

    article: Mapped[Article] = relationship(back_populates="versions")

    __table_args__ = (Index("ix_article_versions_article_number", "article_id", "number"),)


class RawPage(Base):
    """A page as the server sent it, zlib-compressed, so it can be re-extracted later."""

    __tablename__ = "raw_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    #: indexed: a crawl's pages are listed by it, and deleting a crawl nulls them
    crawl_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawls.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int]
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: what reading the page needed besides body, URL and headers (the source's cleaning
    #: rules, a sitemap's publication date), so that a re-read is the same reading;
    #: ``None`` for pages stored before schema revision 0006
    reading: Mapped[dict[str, Any] | None]


class Crawl(Base):
    """One run of the crawler, with what it found."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str | None] = mapped_column(String(255))
    start_urls: Mapped[list[str]] = mapped_column(default=list)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: "running", "finished" or "failed"
    status: Mapped[str] = mapped_column(String(64), default="running")
    pages_fetched: Mapped[int] = mapped_column(default=0)
    articles_new: Mapped[int] = mapped_column(default=0)
    articles_updated: Mapped[int] = mapped_column(default=0)
    articles_unchanged: Mapped[int] = mapped_column(default=0)
    non_articles: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    #: HTTP requests sent (retries and robots.txt included)
    requests: Mapped[int] = mapped_column(default=0)
    #: candidate URLs found in sitemaps, feeds and links (known ones included)
    discovered: Mapped[int] = mapped_column(default=0)
    #: the errors counted by reason, e.g. {"http_404": 2}
    error_reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)

    error_records: Mapped[list[CrawlError]] = relationship(back_populates="crawl")


class CrawlError(Base):
    """A page that could not be archived during a crawl, and why."""

    __tablename__ = "crawl_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    #: a short code: "http_404", "download_error", "not_html", "extraction_failed", ...
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    crawl: Mapped[Crawl] = relationship(back_populates="error_records")


class UrlState(Base):
    """What the crawler knows of one URL of a source: what it is and when to look again.

    ``kind`` is ``"article"``, ``"listing"`` (a page that is no article: only used to
    discover links), ``"alias"`` (a URL that led to an article archived under another
    URL: a redirect or an AMP edition) or ``"error"``.
    ``next_check`` is when a re-crawl may fetch it again; ``None`` means never.
    """

    __tablename__ = "url_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_name: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    first_fetched: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched: Mapped[datetime] = mapped_column(default=utcnow)
    #: when the article's content last changed (or the URL was first archived)
    last_changed: Mapped[datetime | None]
    next_check: Mapped[datetime | None] = mapped_column(index=True)
    fail_count: Mapped[int] = mapped_column(default=0)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )


class CrawlLock(Base):
    """A running crawl of a source: one row per source, so two crawls cannot overlap."""

    __tablename__ = "crawl_locks"

    source_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    #: "host/pid" of the process holding the lock
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: a lock past this time is stale (its holder died) and may be taken over
    expires_at: Mapped[datetime]


class Story(Base):
    """A story: an article and its near-copies (republications) across sources.

    Every article with a story link belongs to exactly one story, alone until a near-copy
    arrives. The columns are aggregates of the members, kept up to date by
    ``archive.storage.stories`` whenever a member joins or leaves.
    """

    __tablename__ = "stories"
    # the ranked list (most sources, then fastest spread) reads this index in order
    __table_args__ = (Index("ix_stories_n_sources_spread", "n_sources", "spread_seconds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the representative headline: the first member's title
    title: Mapped[str | None] = mapped_column(Text)
    #: the member that ran the story first
    first_article_id: Mapped[int | None]
    #: when the story first appeared: the earliest ``published`` of its members, or,
    #: when none has a date, their earliest ``first_seen``
    first_seen: Mapped[datetime] = mapped_column(index=True)
    #: ``"published"`` or ``"first_seen"``: which of the two ``first_seen`` is
    first_seen_kind: Mapped[str] = mapped_column(String(16))
    #: the latest member's time (``published``, else ``first_seen``)
    last_seen: Mapped[datetime]
    n_sources: Mapped[int]
    n_articles: Mapped[int]
    #: seconds from ``first_seen`` until the last of its sources first ran it: the
    #: smaller, the faster the story spread
    spread_seconds: Mapped[int]


class StoryArticle(Base):
    """An article's story, and the near-copy signature it was placed by (``None`` for a
    text too short to have one)."""

    __tablename__ = "story_articles"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)


class StoryBand(Base):
    """One LSH band key of an article's signature: articles sharing a key are candidate
    near-copies. The primary key is the lookup index (a table without rowid on SQLite)."""

    __tablename__ = "story_bands"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
