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


def crawler_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The crawler's settings (``crawler.settings``) with ``overrides`` applied on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


@dataclass(slots=True)
class CrawlResult:
    """The counts of a finished crawl, and the id of its ``Crawl`` row."""

    crawl_id: int | None
    counts: dict[str, int]
    reason: str


def _counts(crawler: Crawler) -> dict[str, int]:
    stats = crawler.stats
    if stats is None:
        return dict.fromkeys(STAT_KEYS, 0)
    return {name: int(stats.get_value(key, 0) or 0) for name, key in STAT_KEYS.items()}


def _run_spider(
    spider_class: type[Spider],
    spider_kwargs: dict[str, Any],
    overrides: dict[str, Any],
    *,
    on_progress: ProgressCallback | None,
    progress_interval: float,
    on_tick: Callable[[], None] | None = None,
) -> CrawlResult:
    """Run one spider in the reactor thread and wait for it, reporting progress."""
    runner_holder: dict[str, Any] = {}

    def start() -> Any:
        runner = CrawlerRunner(crawler_settings(overrides))
        crawler = runner.create_crawler(spider_class)
        runner_holder["runner"], runner_holder["crawler"] = runner, crawler
        return runner.crawl(crawler, **spider_kwargs)

    done: Future[Any] = call_in_reactor(start)
    try:
        while not done.done():
            time.sleep(progress_interval)
            crawler = runner_holder.get("crawler")
            if on_progress is not None and crawler is not None:
                on_progress(_counts(crawler))
            if on_tick is not None:
                on_tick()
        done.result()
    except KeyboardInterrupt:
        logger.warning("Interrupted: finishing the pages in flight, then stopping")
        call_in_reactor(runner_holder["runner"].stop).result()
        done.result()
    crawler = runner_holder["crawler"]
    stats = crawler.stats
    reason = str(stats.get_value("finish_reason", "")) if stats is not None else ""
    crawl_id = stats.get_value(CRAWL_ID_STAT) if stats is not None else None
    return CrawlResult(crawl_id=crawl_id, counts=_counts(crawler), reason=reason)


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
    overrides = dict(settings or {})
    if db_url is not None:
        overrides["ARCHIVE_DB"] = db_url
    spider_kwargs = {"urls": list(start_urls), "allow_domains": allow_domains or [],
                     "depth": depth}
    return _run_spider(ArticleSpider, spider_kwargs, overrides, on_progress=on_progress,
                       progress_interval=progress_interval)


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
    overrides = dict(settings or {})
    if db_url is not None:
        overrides["ARCHIVE_DB"] = db_url
    if contact:
        overrides["ARCHIVE_CONTACT"] = contact
    engine = open_engine(overrides.get("ARCHIVE_DB"))
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
            return _run_spider(SourceSpider, {"source": source, "plan": plan}, overrides,
                               on_progress=on_progress, progress_interval=progress_interval,
                               on_tick=heartbeat)
    finally:
        engine.dispose()
