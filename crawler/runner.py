"""Running a crawl from Python: start URLs in, a finished ``Crawl`` record out."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings

from archive.core.sources import SourceConfig
from archive.storage.locks import extend_source_lock, source_lock
from archive.storage.recrawl import plan_crawl
from crawler.pipelines import CRAWL_ID_STAT, STAT_KEYS
from crawler.reactor import call_in_reactor
from crawler.spiders.article import ArticleSpider
from crawler.spiders.source import SourceSpider
from db import models, open_engine, session_factory

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[dict[str, int]], None]
#: how often a running source crawl extends its lock
LOCK_HEARTBEAT_SECONDS = 60.0


def crawler_settings(overrides: Mapping[str, Any] | None = None, *, db_url: str | None = None,
                     contact: str | None = None) -> Settings:
    """The crawler's settings (``crawler.settings``) with ``overrides`` applied on top, and
    the archive at ``db_url`` and the ``contact`` for the User-Agent when given."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    values = dict(overrides or {})
    if db_url is not None:
        values["ARCHIVE_DB"] = db_url
    if contact:
        values["ARCHIVE_CONTACT"] = contact
    settings.setdict(values, priority="cmdline")
    return settings


@dataclass(slots=True)
class CrawlResult:
    """The counts of a finished crawl, and the id of its ``Crawl`` row."""

    crawl_id: int | None
    counts: dict[str, int]
    reason: str


def counts_of(crawler: Crawler) -> dict[str, int]:
    """The archive counters of a running or finished crawler."""
    stats = crawler.stats
    if stats is None:
        return dict.fromkeys(STAT_KEYS, 0)
    return {name: int(stats.get_value(key, 0) or 0) for name, key in STAT_KEYS.items()}


def run_spider(
    spider_class: type[Spider],
    spider_kwargs: dict[str, Any],
    settings: Settings,
    *,
    on_progress: ProgressCallback | None,
    progress_interval: float,
    on_tick: Callable[[], None] | None = None,
) -> CrawlResult:
    """Run one spider in the reactor thread and wait for it, reporting progress: the one
    run loop of local crawls, source crawls and frontier workers.

    ``on_progress`` gets the running counts and ``on_tick`` is called every
    ``progress_interval`` seconds, from this thread. Ctrl-C stops the crawl cleanly: pages
    in flight are finished and the crawl record is closed.
    """
    holder: dict[str, Any] = {}

    def start() -> Any:
        runner = CrawlerRunner(settings)
        crawler = runner.create_crawler(spider_class)
        holder["runner"], holder["crawler"] = runner, crawler
        return runner.crawl(crawler, **spider_kwargs)

    done: Future[Any] = call_in_reactor(start)
    try:
        while not done.done():
            time.sleep(progress_interval)
            crawler = holder.get("crawler")
            if on_progress is not None and crawler is not None:
                on_progress(counts_of(crawler))
            if on_tick is not None:
                on_tick()
        done.result()
    except KeyboardInterrupt:
        logger.warning("Interrupted: finishing the pages in flight, then stopping")
        call_in_reactor(holder["runner"].stop).result()
        done.result()
    crawler = holder["crawler"]
    stats = crawler.stats
    reason = str(stats.get_value("finish_reason", "")) if stats is not None else ""
    crawl_id = stats.get_value(CRAWL_ID_STAT) if stats is not None else None
    return CrawlResult(crawl_id=crawl_id, counts=counts_of(crawler), reason=reason)


def run_crawl(
    start_urls: list[str],
    *,
    db_url: str | None = None,
    depth: int | None = None,
    allow_domains: list[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.25,
) -> CrawlResult:
    """Crawl ``start_urls`` into the archive at ``db_url`` and wait until done.

    Links are followed within the start URLs' hosts and ``allow_domains`` up to ``depth``.
    ``on_progress`` is called from this thread with the running counts. Ctrl-C stops the
    crawl cleanly: pages in flight are finished and the crawl record is closed.
    """
    spider_kwargs = {"urls": list(start_urls), "allow_domains": allow_domains or [],
                     "depth": depth}
    return run_spider(ArticleSpider, spider_kwargs, crawler_settings(settings, db_url=db_url),
                      on_progress=on_progress, progress_interval=progress_interval)


def run_source_crawl(
    source: SourceConfig,
    *,
    db_url: str | None = None,
    contact: str | None = None,
    settings: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.25,
    now: datetime | None = None,
) -> CrawlResult:
    """Crawl one source of a sources file into the archive at ``db_url``, incrementally.

    Holds the source's lock for the whole crawl. New URLs are fetched; known articles
    are re-checked only when due at ``now`` (default: the current time). ``contact``
    (a URL or e-mail address) is added to the User-Agent.

    Raises:
        SourceLocked: another crawl of the source is running.
        DatabaseError: the archive cannot be opened.
    """
    crawl_settings = crawler_settings(settings, db_url=db_url, contact=contact)
    engine = open_engine(crawl_settings.get("ARCHIVE_DB"))
    sessions = session_factory(engine)
    try:
        with source_lock(sessions, source.name) as holder:
            with sessions() as session:
                plan = plan_crawl(session, source.name, now or models.utcnow())
            last_beat = time.monotonic()

            def heartbeat() -> None:
                nonlocal last_beat
                if time.monotonic() - last_beat >= LOCK_HEARTBEAT_SECONDS:
                    last_beat = time.monotonic()
                    extend_source_lock(sessions, source.name, holder)

            logger.info("Crawling source %s: %d re-checks due, %d known URLs skipped",
                        source.name, len(plan.rechecks), len(plan.skip))
            return run_spider(SourceSpider, {"source": source, "plan": plan}, crawl_settings,
                              on_progress=on_progress, progress_interval=progress_interval,
                              on_tick=heartbeat)
    finally:
        engine.dispose()
