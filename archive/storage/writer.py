"""Writing cleaned articles into the archive: new, updated (old state kept) or unchanged."""

from __future__ import annotations

import enum
import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from archive.core.article import Article
from archive.core.urls import article_url, site_of
from archive.exceptions import ExtractionError
from archive.extraction import EXTRACTOR_VERSION
from archive.storage.rawpages import extract_raw_page, latest_raw_page
from db import models


class Outcome(enum.Enum):
    """What storing a page did to the archive."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: the page says the same as before, but a newer extractor reads it differently: the
    #: article was updated in place, without a version (it was not edited)
    REEXTRACTED = "reextracted"


@dataclass(slots=True)
class FetchedPage:
    """A page as fetched: enough to archive it and to re-extract it later."""

    url: str
    status: int
    headers: dict[str, Any]
    body: bytes
    fetched_at: datetime


def content_hash(title: str | None, text: str) -> str:
    """Hash of the whitespace-normalised title and text: whitespace-only edits hash equal."""
    normalised = " ".join((title or "").split()) + "\n" + " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _insert_source_if_missing(session: Session, domain: str, name: str | None) -> None:
    # several crawler processes may meet a new site at once: the database decides who
    # inserts it, the others' inserts do nothing (ON CONFLICT DO NOTHING on both backends)
    dialect = session.get_bind().dialect.name
    values = {"domain": domain, "name": name, "created_at": models.utcnow()}
    stmt: Insert
    if dialect == "postgresql":
        stmt = postgresql.insert(models.Source).values(values).on_conflict_do_nothing(
            index_elements=["domain"]
        )
    elif dialect == "sqlite":
        stmt = sqlite.insert(models.Source).values(values).on_conflict_do_nothing(
            index_elements=["domain"]
        )
    else:
        session.add(models.Source(**values))
        session.flush()
        return
    session.execute(stmt)


def get_or_create_source(session: Session, domain: str, name: str | None) -> models.Source:
    """The ``Source`` row for ``domain``, created when missing; its name filled in once known.

    Safe when other processes create the same source at the same time.
    """
    source = session.scalar(select(models.Source).where(models.Source.domain == domain))
    if source is None:
        _insert_source_if_missing(session, domain, name)
        source = session.scalars(
            select(models.Source).where(models.Source.domain == domain)
        ).one()
    if source.name is None and name:
        source.name = name
    return source


def apply_article(record: models.Article, article: Article) -> None:
    """Copy ``article``'s title, text and metadata onto ``record``, as this extractor's reading.

    Sets ``extractor_version`` to the current one; leaves identity, dates seen and
    ``content_hash`` to the caller.
    """
    record.title = article.title
    record.authors = list(article.authors)
    record.published = article.published
    record.modified = article.modified
    record.date_source = article.date_source
    record.language = article.language
    record.site_name = article.site_name
    record.description = article.description
    record.image = article.image
    record.tags = list(article.tags)
    record.text = article.text
    record.extractor_version = EXTRACTOR_VERSION


def _insert_article(session: Session, record: models.Article) -> models.Article | None:
    """Insert ``record`` and return the stored row; ``None`` when another transaction
    inserted the same URL since we looked."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite lets one writer at a time in, so the row looked for cannot appear under us
        session.add(record)
        session.flush()
        return record
    # one round trip, and no savepoint: the database skips the row if the URL is taken
    values = {
        attribute.key: getattr(record, attribute.key)
        for attribute in inspect(models.Article).column_attrs
        if attribute.key in record.__dict__
    }
    stmt = (
        postgresql.insert(models.Article)
        .values(values)
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(models.Article)
    )
    return session.scalars(stmt).first()


def _raw_page(page: FetchedPage, crawl_id: int | None) -> models.RawPage:
    return models.RawPage(
        url=page.url,
        status=page.status,
        headers=page.headers,
        body=zlib.compress(page.body, 6),
        fetched_at=page.fetched_at,
        crawl_id=crawl_id,
    )


def _reread_with_current_extractor(session: Session, record: models.Article) -> bool:
    """Bring ``record`` to the current extractor's reading of its latest stored raw page.

    An article archived by an older extractor would otherwise look edited the first time a
    newer one reads it; comparing like with like keeps versions for real edits only.
    Returns False, leaving ``record`` as it was, when no stored page can be re-read as an
    article.
    """
    raw = latest_raw_page(session, record.id)
    if raw is None:
        return False
    try:
        earlier = extract_raw_page(raw)
    except ExtractionError:
        return False
    if not earlier.is_article:
        return False
    apply_article(record, earlier)
    record.content_hash = content_hash(earlier.title, earlier.text)
    return True


def store_article(
    session: Session, page: FetchedPage, article: Article, *, crawl_id: int | None = None
) -> tuple[Outcome, models.Article]:
    """Archive ``article`` cleaned from ``page`` within the caller's transaction.

    A new URL makes a new row with the raw page. A known URL whose title and text are
    unchanged (whitespace aside) only gets ``last_seen`` moved. A changed one keeps its
    previous state as an :class:`~db.models.ArticleVersion` and stores the new raw page.
    When the stored article came from an older extractor, its stored page is first
    re-read with the current one, so that a different reading alone is not taken for an
    edit (:attr:`Outcome.REEXTRACTED`).
    """
    url = article_url(page.url, article.canonical_url)
    digest = content_hash(article.title, article.text)
    record = session.scalar(select(models.Article).where(models.Article.url == url))
    if record is None:
        source = get_or_create_source(session, site_of(url), article.site_name)
        record = models.Article(
            url=url,
            source_id=source.id,
            content_hash=digest,
            first_seen=page.fetched_at,
            last_seen=page.fetched_at,
            changed_at=page.fetched_at,
        )
        apply_article(record, article)
        stored = _insert_article(session, record)
        if stored is not None:
            raw = _raw_page(page, crawl_id)
            raw.article_id = stored.id
            session.add(raw)
            return Outcome.NEW, stored
        # another process archived this URL since we looked: carry on from its row
        record = session.scalars(select(models.Article).where(models.Article.url == url)).one()
    record.last_seen = max(record.last_seen, page.fetched_at)
    if record.content_hash == digest:
        return Outcome.UNCHANGED, record
    reread = record.extractor_version != EXTRACTOR_VERSION and _reread_with_current_extractor(
        session, record
    )
    if reread and record.content_hash == digest:
        return Outcome.REEXTRACTED, record
    number = session.scalar(
        select(func.count()).select_from(models.ArticleVersion).where(
            models.ArticleVersion.article_id == record.id
        )
    )
    session.add(
        models.ArticleVersion(
            article_id=record.id,
            number=(number or 0) + 1,
            title=record.title,
            text=record.text,
            content_hash=record.content_hash,
            extractor_version=record.extractor_version,
            fetched_at=record.changed_at,
        )
    )
    apply_article(record, article)
    record.content_hash = digest
    record.changed_at = page.fetched_at
    raw = _raw_page(page, crawl_id)
    raw.article_id = record.id
    session.add(raw)
    return Outcome.UPDATED, record
