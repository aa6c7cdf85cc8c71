"""Stored raw pages: a fetched page kept as it came, and read again with the current extractor.

A :class:`~archive.extraction.reading.FetchedPage` is stored as a ``RawPage`` row: the
body zlib-compressed, the status and headers, and the reading hints (cleaning rules, a
listed publication date) that :func:`~archive.extraction.reading.read_page` needs, so a
re-read is the same reading as the crawl's.
"""

from __future__ import annotations

import zlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.core.article import Article
from archive.exceptions import ExtractionError
from archive.extraction.reading import FetchedPage, read_page
from db import models

#: zlib level of stored bodies: level 6 is zlib's default trade of size against time
COMPRESSION_LEVEL = 6


def raw_page_row(page: FetchedPage, *, article_id: int | None, crawl_id: int | None
                 ) -> models.RawPage:
    """The ``RawPage`` row that keeps ``page``."""
    return models.RawPage(
        url=page.url,
        status=page.status,
        headers=page.headers,
        body=zlib.compress(page.body, COMPRESSION_LEVEL),
        fetched_at=page.fetched_at,
        reading=page.reading_hints(),
        article_id=article_id,
        crawl_id=crawl_id,
    )


def fetched_page(raw: models.RawPage) -> FetchedPage:
    """The page a ``RawPage`` row keeps, as it was fetched.

    Raises:
        ExtractionError: the stored body is corrupt.
    """
    try:
        body = zlib.decompress(raw.body)
    except zlib.error as exc:
        raise ExtractionError(f"the stored page cannot be decompressed ({exc})") from exc
    return FetchedPage(
        url=raw.url, body=body, headers=dict(raw.headers or {}), status=raw.status,
        fetched_at=raw.fetched_at, **FetchedPage.hints_from_json(raw.reading),
    )


def read_raw_page(raw: models.RawPage) -> Article:
    """The current extractor's reading of a stored page (see
    :func:`~archive.extraction.reading.read_page`).

    Raises:
        ExtractionError: the stored body is corrupt or is not an HTML page.
    """
    return read_page(fetched_page(raw))


def latest_listed_date(session: Session, article_id: int) -> datetime | None:
    """The publication date a sitemap or feed gave the article's latest stored page."""
    hints = session.scalars(
        select(models.RawPage.reading)
        .where(models.RawPage.article_id == article_id)
        .order_by(models.RawPage.fetched_at.desc(), models.RawPage.id.desc())
        .limit(1)
    ).first()
    listed: datetime | None = FetchedPage.hints_from_json(hints)["listed_published"]
    return listed


def latest_raw_page(session: Session, article_id: int) -> models.RawPage | None:
    """The most recently stored raw page of an article, or ``None``."""
    return session.scalars(
        select(models.RawPage)
        .where(models.RawPage.article_id == article_id)
        .order_by(models.RawPage.fetched_at.desc(), models.RawPage.id.desc())
        .limit(1)
    ).first()
