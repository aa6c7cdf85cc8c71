"""Stored raw pages: reading them back and cleaning them again with the current extractor."""

from __future__ import annotations

import zlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.core.article import Article
from archive.exceptions import ExtractionError
from archive.extraction import extract_article
from archive.extraction.decode import decode_html, looks_binary
from db import models


def content_type_of(headers: dict[str, Any]) -> str | None:
    """The ``Content-Type`` value of stored headers (``{name: [values]}``), or ``None``."""
    for name, values in headers.items():
        if name.lower() == "content-type":
            if isinstance(values, list):
                return str(values[0]) if values else None
            return str(values)
    return None


def extract_raw_page(raw: models.RawPage) -> Article:
    """Clean a stored raw page with the current extractor.

    Raises:
        ExtractionError: the stored body is corrupt or is not an HTML page.
    """
    try:
        body = zlib.decompress(raw.body)
    except zlib.error as exc:
        raise ExtractionError(f"the stored page cannot be decompressed ({exc})") from exc
    if looks_binary(body):
        raise ExtractionError("the stored page is binary data, not an HTML page")
    html = decode_html(body, content_type_of(raw.headers or {}))
    try:
        return extract_article(html, raw.url)
    except RecursionError as exc:
        raise ExtractionError("the page is nested too deeply to parse") from exc


def latest_raw_page(session: Session, article_id: int) -> models.RawPage | None:
    """The most recently stored raw page of an article, or ``None``."""
    return session.scalars(
        select(models.RawPage)
        .where(models.RawPage.article_id == article_id)
        .order_by(models.RawPage.fetched_at.desc(), models.RawPage.id.desc())
        .limit(1)
    ).first()
