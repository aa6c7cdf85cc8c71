"""Running each source's crawl when it is due, in the foreground, one after another.

A source is due ``interval`` after its last crawl started (at once when it was never
crawled). A source another process is crawling (cron, a second scheduler) is skipped
until its next turn. Ctrl-C stops the scheduler cleanly; a running crawl finishes the
pages in flight first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.core.sources import SourceConfig, SourcesFile
from archive.exceptions import SourceLocked
from db import models, open_engine, session_factory

logger = logging.getLogger(__name__)

#: the longest the scheduler sleeps before looking again (sources may be crawled by cron)
POLL_SECONDS = 60.0

SourceCrawler = Callable[[SourceConfig], Any]


def last_started(session: Session, source_name: str) -> datetime | None:
    """When the last crawl of ``source_name`` started, or ``None``."""
    return session.scalar(
        select(func.max(models.Crawl.started_at)).where(models.Crawl.source_name == source_name)
    )


def next_due(session: Session, source: SourceConfig) -> datetime | None:
    """When ``source`` is due next; ``None`` when it was never crawled (due now)."""
    started = last_started(session, source.name)
    return None if started is None else started + source.interval


def run_schedule(
    sources: SourcesFile,
    crawl: SourceCrawler,
    *,
    db_url: str | None = None,
    once: bool = False,
    max_runs: int | None = None,
    poll_seconds: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Crawl each enabled source of ``sources`` whenever it is due; returns the runs made.

    ``crawl`` runs one source's crawl (e.g. :func:`crawler.runner.run_source_crawl`
    with the options of the command line). With ``once`` the scheduler stops after one
    pass over the sources that are due; ``max_runs`` stops it after that many crawls.

    Raises:
        DatabaseError: the archive cannot be opened.
    """
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    enabled = [s for s in sources.sources if s.enabled]
    #: sources found locked by another crawl, left alone until then
    locked_until: dict[str, datetime] = {}
    runs = 0
    try:
        while True:
            for source in enabled:
                with sessions() as session:
                    due = next_due(session, source)
                now = models.utcnow()
                if (due is not None and due > now) or locked_until.get(source.name, now) > now:
                    continue
                logger.info("Source %s is due; crawling", source.name)
                try:
                    crawl(source)
                except SourceLocked as exc:
                    logger.warning("%s", exc)
                    locked_until[source.name] = now + timedelta(seconds=poll_seconds)
                    continue
                runs += 1
                if max_runs is not None and runs >= max_runs:
                    return runs
            if once:
                return runs
            sleep(_seconds_to_next(sessions, enabled, poll_seconds))
    finally:
        engine.dispose()


def _seconds_to_next(sessions: Any, sources: list[SourceConfig], cap: float) -> float:
    now = models.utcnow()
    with sessions() as session:
        dues = [next_due(session, s) or now for s in sources]
    if not dues:
        return cap
    wait = (min(dues) - now) / timedelta(seconds=1)
    return min(max(wait, 1.0), cap)

