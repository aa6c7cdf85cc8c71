"""``stories rebuild``: every article's story computed again, resumably.

A rebuild first empties the story tables (one transaction), then places the articles
that have no story, in id order, :data:`BATCH` at a time, each batch in its own
transaction (:func:`archive.storage.stories.place_articles`, as at crawl and import).
Interrupted — Ctrl-C, a crash — it keeps the batches done; ``resume`` carries on with the
articles still without a story (it does not empty the tables), which also gives stories
to an archive that had none (one upgraded to schema 0007, or written with
``ARCHIVE_STORIES = False``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from archive.exceptions import ArchiveError
from archive.storage.stories import BANDS, MEMBERS, STORIES, place_articles
from db import models

logger = logging.getLogger(__name__)

#: articles placed per transaction
BATCH = 2_000


@dataclass(slots=True)
class RebuildReport:
    """What a rebuild did: articles placed, out of how many were waiting, and how long."""

    placed: int = 0
    waiting: int = 0
    seconds: float = 0.0


class RebuildInterrupted(ArchiveError):
    """Ctrl-C stopped a rebuild; the batches placed are kept (see :attr:`report`)."""

    def __init__(self, report: RebuildReport) -> None:
        super().__init__(f"Interrupted after placing {report.placed} of {report.waiting} "
                         "article(s); run `viral-archive stories rebuild --resume` to place "
                         "the rest.")
        self.report = report


def clear_stories(session: Session) -> None:
    """Delete every story, membership and band key (in the caller's transaction)."""
    for table in (BANDS, MEMBERS, STORIES):
        session.execute(delete(table))


def _unplaced() -> ColumnElement[bool]:
    article = models.Article.__table__
    return ~exists().where(MEMBERS.c.article_id == article.c.id)


def rebuild_stories(sessions: sessionmaker[Session], *, resume: bool = False,
                    batch: int = BATCH,
                    on_progress: Callable[[int, int], None] | None = None) -> RebuildReport:
    """Recompute every article's story (see the module docstring); with ``resume``, only
    place the articles without one. ``on_progress(placed, waiting)`` follows each batch.

    Raises:
        RebuildInterrupted: Ctrl-C (the batches placed are kept).
    """
    started = time.monotonic()
    article = models.Article.__table__
    report = RebuildReport()
    last_id = 0
    try:
        if not resume:
            with sessions.begin() as session:
                clear_stories(session)
        with sessions() as session:
            report.waiting = int(session.scalar(
                select(func.count()).select_from(article).where(_unplaced())) or 0)
        while True:
            with sessions.begin() as session:
                rows = session.execute(
                    select(article.c.id, article.c.text)
                    .where(article.c.id > last_id, _unplaced())
                    .order_by(article.c.id).limit(batch)).all()
                if not rows:
                    break
                place_articles(session, {article_id: text for article_id, text in rows})
            last_id = rows[-1][0]
            report.placed += len(rows)
            if on_progress is not None:
                on_progress(report.placed, report.waiting)
    except KeyboardInterrupt as exc:
        report.seconds = time.monotonic() - started
        raise RebuildInterrupted(report) from exc
    report.seconds = time.monotonic() - started
    logger.info("stories rebuilt: %d article(s) placed in %.1fs", report.placed, report.seconds)
    return report
