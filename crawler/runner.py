"""Running a crawl from Python: start URLs in, a finished ``Crawl`` record out."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings

from archive.core.memory import keep_large_blocks_mapped
from archive.core.sources import SourceConfig
from archive.storage.locks import extend_source_lock, source_lock
from archive.storage.recrawl import plan_crawl
from crawler.reactor import call_in_reactor
from crawler.record import (
    CRAWL_ID_STAT,
    SKIPPED_STAT,
    STAT_KEYS,
    close_abandoned_crawls,
    close_crawl,
    examples_of,
    reasons_of,
)
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
    """What a crawl did: the id of its ``Crawl`` row, its counts and why it ended.

    Attributes:
        crawl_id: the crawl's row.
        counts: the :data:`~crawler.record.STAT_KEYS` counters.
        reason: Scrapy's finish reason (``finished``, ``shutdown``...).
        failures: pages not archived, by reason (errors, and ``robots_disallowed``).
        examples: the first page of each reason, ``"URL: detail"``.
        skipped: pages not fetched out of politeness (robots.txt).
        contact: the contact the User-Agent named, if any.
        interrupted: the crawl was stopped by Ctrl-C or SIGTERM.
    """

    crawl_id: int | None
    counts: dict[str, int]
    reason: str
    failures: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    skipped: int = 0
    contact: str | None = None
    interrupted: bool = False

    @property
    def nothing_fetched(self) -> bool:
        """True when the crawl tried pages but could fetch none (every start URL failed,
        was refused or disallowed): not a success a script should take for one."""
        tried = self.counts.get("errors", 0) + self.skipped
        return self.counts.get("pages_fetched", 0) == 0 and tried > 0


class CrawlInterrupted(Exception):  # noqa: N818 - a stop asked for, not an error
    """The crawl was stopped by Ctrl-C or SIGTERM; ``result`` holds what it did."""

    def __init__(self, result: CrawlResult) -> None:
        super().__init__("The crawl was interrupted.")
        self.result = result


def counts_of(crawler: Crawler) -> dict[str, int]:
    """The archive counters of a running or finished crawler."""
    stats = crawler.stats
    if stats is None:
        return dict.fromkeys(STAT_KEYS, 0)
    return {name: int(stats.get_value(key, 0) or 0) for name, key in STAT_KEYS.items()}


def _result(crawler: Crawler, *, interrupted: bool) -> CrawlResult:
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    return CrawlResult(
        crawl_id=stats.get(CRAWL_ID_STAT), counts=counts_of(crawler),
        reason=str(stats.get("finish_reason", "")), failures=reasons_of(stats),
        examples=examples_of(stats), skipped=int(stats.get(SKIPPED_STAT, 0) or 0),
        contact=crawler.settings.get("ARCHIVE_CONTACT") or None, interrupted=interrupted,
    )


def _force_close(crawler: Crawler) -> None:
    """Close the crawl's row from this thread, when a second Ctrl-C cut the closing short."""
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    crawl_id = stats.get(CRAWL_ID_STAT)
    if crawl_id is None:
        return
    engine = open_engine(crawler.settings.get("ARCHIVE_DB"), create=False)
    try:
        close_crawl(session_factory(engine), crawl_id, stats, "stopped: interrupted")
    finally:
        engine.dispose()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (systemd, ``kill``) stops a crawl as Ctrl-C does, in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    ``progress_interval`` seconds, from this thread. Ctrl-C or SIGTERM stops the crawl
    cleanly: pages in flight are finished and the crawl record is closed as stopped; a
    second Ctrl-C stops at once, closing the record from here.

    Raises:
        CrawlInterrupted: the crawl was stopped (the record is closed; the exception
            holds the result).
    """
    holder: dict[str, Any] = {}
    keep_large_blocks_mapped()  # pages of 100 KiB - 2 MB pass through this process

    def start() -> Any:
        runner = CrawlerRunner(settings)
        crawler = runner.create_crawler(spider_class)
        holder["runner"], holder["crawler"] = runner, crawler
        return runner.crawl(crawler, **spider_kwargs)

    done: Future[Any] = call_in_reactor(start)
    interrupted = False
    with _sigterm_as_interrupt():
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
            interrupted = True
            logger.warning("Interrupted: finishing the pages in flight, then stopping "
                           "(Ctrl-C again to stop at once)")
            try:
                call_in_reactor(holder["runner"].stop).result()
                done.result()
            except KeyboardInterrupt:
                _force_close(holder["crawler"])
    result = _result(holder["crawler"], interrupted=interrupted)
    if interrupted:
        raise CrawlInterrupted(result)
    return result


def run_crawl(
    start_urls: list[str],
    *,
    db_url: str | None = None,
    depth: int | None = None,
    allow_domains: list[str] | None = None,
    contact: str | None = None,
    settings: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.25,
) -> CrawlResult:
    """Crawl ``start_urls`` into the archive at ``db_url`` and wait until done.

    Links are followed within the start URLs' hosts and ``allow_domains`` up to ``depth``;
    ``contact`` (a URL or e-mail address) is added to the User-Agent. ``on_progress`` is
    called from this thread with the running counts.

    Raises:
        CrawlInterrupted: Ctrl-C or SIGTERM stopped the crawl (see :func:`run_spider`).
    """
    spider_kwargs = {"urls": list(start_urls), "allow_domains": allow_domains or [],
                     "depth": depth}
    return run_spider(ArticleSpider, spider_kwargs,
                      crawler_settings(settings, db_url=db_url, contact=contact),
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
        CrawlInterrupted: Ctrl-C or SIGTERM stopped the crawl (see :func:`run_spider`).
    """
    crawl_settings = crawler_settings(settings, db_url=db_url, contact=contact)
    engine = open_engine(crawl_settings.get("ARCHIVE_DB"))
    sessions = session_factory(engine)
    try:
        with source_lock(sessions, source.name) as holder:
            with sessions.begin() as session:
                close_abandoned_crawls(session, source.name)
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
