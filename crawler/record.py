"""The crawl record: a run's ``Crawl`` row, kept from the crawler's stats.

The pipelines count into Scrapy's stats (:data:`STAT_KEYS`, one counter per failure reason
under :data:`REASON_STAT`); the row is written from those counters when the crawl closes
— normally by the pipeline, or by the runner when a second Ctrl-C cuts the closing short
(:func:`close_crawl`). A row left ``running`` by a killed process is closed as ``killed``
by the next crawl of its source (:func:`close_abandoned_crawls`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from crawler.failures import SKIPPED_REASONS
from db import models

#: stats keys the pipelines keep; the CLI reads them for its progress display
STAT_KEYS = {
    "pages_fetched": "archive/pages_fetched",
    "articles_new": "archive/articles_new",
    "articles_updated": "archive/articles_updated",
    "articles_unchanged": "archive/articles_unchanged",
    "non_articles": "archive/non_articles",
    "errors": "archive/errors",
}
CRAWL_ID_STAT = "archive/crawl_id"
#: candidate URLs a source crawl found (sitemaps, feeds, links), known ones included
DISCOVERED_STAT = "archive/discovered"
#: pages not fetched out of politeness (robots.txt), not counted as errors
SKIPPED_STAT = "archive/skipped"
#: ``REASON_STAT + reason``: pages not archived for that reason (errors and skipped; the
#: crawl row's ``error_reasons`` keeps the errors, its ``crawl_errors`` rows both)
REASON_STAT = "archive/reason/"
#: ``EXAMPLE_STAT + reason``: the first such page, "URL: detail"
EXAMPLE_STAT = "archive/example/"
#: what a crawl row's status says of a run that did not finish
KILLED = "killed"


def open_crawl(sessions: sessionmaker[Session], *, start_urls: list[str],
               source_name: str | None) -> int:
    """A new ``running`` crawl row; returns its id."""
    with sessions.begin() as session:
        crawl = models.Crawl(start_urls=start_urls, source_name=source_name)
        session.add(crawl)
        session.flush()
        return crawl.id


def note_failure(stats: Any, url: str, reason: str, detail: str) -> None:
    """Count a page not archived for ``reason`` (a skip, or an error)."""
    stats.inc_value(SKIPPED_STAT if reason in SKIPPED_REASONS else STAT_KEYS["errors"])
    stats.inc_value(REASON_STAT + reason)
    if stats.get_value(EXAMPLE_STAT + reason) is None:
        stats.set_value(EXAMPLE_STAT + reason, f"{url}: {detail}")


def reasons_of(stats: Mapping[str, Any]) -> dict[str, int]:
    """``{reason: pages}`` of a crawl's stats."""
    return {key[len(REASON_STAT):]: int(value) for key, value in stats.items()
            if key.startswith(REASON_STAT)}


def examples_of(stats: Mapping[str, Any]) -> dict[str, str]:
    """``{reason: "URL: detail"}``: the first page of each reason."""
    return {key[len(EXAMPLE_STAT):]: str(value) for key, value in stats.items()
            if key.startswith(EXAMPLE_STAT)}


def close_crawl(sessions: sessionmaker[Session], crawl_id: int, stats: Mapping[str, Any],
                status: str) -> None:
    """Write the counts of ``stats`` into crawl ``crawl_id`` and close it with ``status``."""
    with sessions.begin() as session:
        crawl = session.get(models.Crawl, crawl_id)
        if crawl is None:
            return
        for column, key in STAT_KEYS.items():
            setattr(crawl, column, int(stats.get(key, 0) or 0))
        crawl.requests = int(stats.get("downloader/request_count", 0) or 0)
        crawl.discovered = int(stats.get(DISCOVERED_STAT, 0) or 0)
        crawl.error_reasons = {reason: pages for reason, pages in reasons_of(stats).items()
                               if reason not in SKIPPED_REASONS}
        crawl.finished_at = datetime.now(UTC)
        crawl.status = status


def close_abandoned_crawls(session: Session, source_name: str) -> int:
    """Close the rows of ``source_name`` left ``running`` by a process that was killed, as
    ``killed``, with what they archived (new or updated pages, by their raw pages) and
    the errors they recorded. Call it holding the source's lock. Returns how many."""
    abandoned = list(session.scalars(select(models.Crawl).where(
        models.Crawl.source_name == source_name, models.Crawl.status == "running")))
    page, earlier = aliased(models.RawPage), aliased(models.RawPage)
    for crawl in abandoned:
        stored = session.scalar(select(func.count()).select_from(page).where(
            page.crawl_id == crawl.id)) or 0
        # a page is a new article's when no earlier page of its article was stored
        new = session.scalar(select(func.count()).select_from(page).where(
            page.crawl_id == crawl.id,
            ~exists().where(earlier.article_id == page.article_id, earlier.id < page.id),
        )) or 0
        errors = session.scalar(select(func.count()).select_from(models.CrawlError).where(
            models.CrawlError.crawl_id == crawl.id)) or 0
        crawl.status, crawl.finished_at = KILLED, datetime.now(UTC)
        crawl.articles_new, crawl.articles_updated = new, stored - new
        crawl.pages_fetched, crawl.errors = stored + errors, errors
    return len(abandoned)
