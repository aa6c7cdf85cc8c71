"""Re-running the current extractor over stored raw pages, without the network.

Each article's latest raw page (the one its current text came from) is decompressed,
decoded with its stored ``Content-Type`` and cleaned again. When the result differs, the
article's title, text and metadata are replaced in place and its ``extractor_version``
moves on: this is a new reading of the same page, not an edit, so no
``ArticleVersion`` is kept. The full-text index follows through its triggers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.core.article import STORED_FIELDS
from archive.exceptions import ExtractionError
from archive.extraction import EXTRACTOR_VERSION
from archive.storage.rawpages import read_raw_page
from archive.storage.sources import check_source_exists, source_condition
from archive.storage.stories import replace_placed
from archive.storage.writer import apply_article
from db import DatabaseError, models, reason_of

logger = logging.getLogger(__name__)

#: articles read per query; each is then updated in its own transaction
BATCH_SIZE = 200

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article re-extraction left as it was, and why."""

    article_id: int
    url: str
    reason: str


@dataclass(slots=True)
class ReextractReport:
    """What a re-extraction run did.

    Attributes:
        checked: articles looked at (the sum of the four outcomes below).
        changed: articles updated because the current extractor reads their page
            differently (text, title or metadata).
        unchanged: articles the current extractor reads the same way (their
            ``extractor_version`` is moved on all the same).
        not_articles: articles the current extractor no longer judges to be articles;
            they are kept as they were, for a person to look at.
        failures: articles that could not be re-extracted, with the reason; kept as
            they were.
    """

    checked: int = 0
    changed: int = 0
    unchanged: int = 0
    not_articles: list[Skipped] = field(default_factory=list)
    failures: list[Skipped] = field(default_factory=list)


def _latest_raw_pages(*, source: str | None, only_older: bool) -> Select:
    """(article id, id of its latest raw page) for the articles to re-extract, by article id."""
    latest = (
        select(models.RawPage.article_id, func.max(models.RawPage.id).label("raw_id"))
        .where(models.RawPage.article_id.is_not(None))
        .group_by(models.RawPage.article_id)
        .subquery()
    )
    stmt = select(models.Article.id, latest.c.raw_id).join(
        latest, latest.c.article_id == models.Article.id
    )
    if source:
        stmt = stmt.where(source_condition(source))
    if only_older:
        stmt = stmt.where(models.Article.extractor_version != EXTRACTOR_VERSION)
    return stmt.order_by(models.Article.id)


def _pairs(
    sessions: sessionmaker[Session], stmt: Select
) -> Iterator[tuple[int, int]]:
    # Batches by article id rather than one open cursor: each article is then written
    # in its own transaction, with no read held open across those commits.
    last_id = 0
    while True:
        with sessions() as session:
            batch = session.execute(
                stmt.where(models.Article.id > last_id).limit(BATCH_SIZE)
            ).all()
        if not batch:
            return
        pairs = [(int(article_id), int(raw_id)) for article_id, raw_id in batch]
        yield from pairs
        last_id = pairs[-1][0]


def count_reextractable(
    session: Session, *, source: str | None = None, only_older: bool = False
) -> int:
    """How many articles :func:`reextract` would check with these filters."""
    stmt = _latest_raw_pages(source=source, only_older=only_older).order_by(None)
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _snapshot(record: models.Article) -> dict[str, Any]:
    return {name: getattr(record, name) for name in STORED_FIELDS}


def _reextract_one(session: Session, article_id: int, raw_id: int) -> tuple[str, str, str]:
    """Re-extract one article in ``session``: (outcome, url, reason), the outcome being
    ``changed``, ``unchanged``, ``not_article``, ``failed`` or ``gone``."""
    record = session.get(models.Article, article_id)
    raw = session.get(models.RawPage, raw_id)
    if record is None or raw is None:  # deleted while we ran
        return "gone", "", ""
    try:
        article = read_raw_page(raw)
    except ExtractionError as exc:
        return "failed", record.url, str(exc)
    if not article.is_article:
        reason = f"the current extractor finds no article ({article.page_type} page)"
        return "not_article", record.url, reason
    before = _snapshot(record)
    apply_article(record, article)
    if _snapshot(record) == before:
        return "unchanged", record.url, ""
    session.flush()
    replace_placed(session, {record.id: record.text})  # its text may tell another story
    return "changed", record.url, ""


def reextract(
    sessions: sessionmaker[Session],
    *,
    source: str | None = None,
    only_older: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ReextractReport:
    """Clean every article's latest raw page again with the current extractor.

    ``source`` (a host, site name or sources-file name, see
    :mod:`archive.storage.sources`) limits the run to that source; ``only_older``
    to articles cleaned by another extractor version than the current one. Each article
    is updated in its own transaction; an article whose page cannot be cleaned, or is no
    longer judged an article, is left as it was and listed in the report.
    ``on_progress(done, total)`` is called after each article.

    Raises:
        UnknownSource: ``source`` names no source of the archive.
        DatabaseError: the archive cannot be read or written (the run stops there;
            articles already done keep their update, the one in hand is rolled back).
    """
    report = ReextractReport()
    done = 0
    try:
        with sessions() as session:
            if source:
                check_source_exists(session, source)
            total = count_reextractable(session, source=source, only_older=only_older)
        stmt = _latest_raw_pages(source=source, only_older=only_older)
        for article_id, raw_id in _pairs(sessions, stmt):
            with sessions.begin() as session:
                outcome, url, reason = _reextract_one(session, article_id, raw_id)
            _count(report, Skipped(article_id, url, reason), outcome)
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    except SQLAlchemyError as exc:
        reason = reason_of(exc)
        raise DatabaseError(
            f"Re-extraction stopped after {done} article(s): the archive cannot be used "
            f"({reason})."
        ) from exc
    return report


def _count(report: ReextractReport, skipped: Skipped, outcome: str) -> None:
    if outcome == "gone":
        return
    report.checked += 1
    if outcome == "failed":
        logger.warning("Not re-extracted: article %s %s (%s)", skipped.article_id, skipped.url,
                       skipped.reason)
        report.failures.append(skipped)
    elif outcome == "changed":
        logger.info("Re-extracted article %s: changed", skipped.article_id)
        report.changed += 1
    elif outcome == "unchanged":
        report.unchanged += 1
    else:
        report.not_articles.append(skipped)
