"""Running a frontier worker from Python: a Redis frontier in, a finished crawl out."""

from __future__ import annotations

import logging
import os
import socket
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings

from archive.core.sources import SourcesFile
from archive.exceptions import SourcesError
from crawler import settings as defaults
from crawler.frontier import Frontier, StartPage
from crawler.frontier.queue import PREFIX_SETTING, WORKER_SETTING
from crawler.frontier.spider import WorkerSpider
from crawler.runner import CrawlResult, ProgressCallback, crawler_settings, run_spider

logger = logging.getLogger(__name__)
# scrapy-redis 0.9 still uses Scrapy APIs Scrapy has deprecated; nothing for us to act on
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")

#: keys of a source that a frontier crawl cannot carry out
UNSUPPORTED_SOURCE_KEYS = ("sitemaps", "feeds", "allow", "deny", "cleaning")


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How one worker runs (every field maps to a setting; see ``docs/scaling.md``)."""

    #: the archive it writes into (``ARCHIVE_DB``; ``None``: the default archive)
    db_url: str | None = None

    #: stop after the frontier has been empty this many seconds (0: run until stopped)
    idle_timeout: float = defaults.ARCHIVE_IDLE_TIMEOUT
    #: requests in flight in this worker (``CONCURRENT_REQUESTS``)
    concurrency: int = defaults.CONCURRENT_REQUESTS
    #: requests in flight per site in this worker (``CONCURRENT_REQUESTS_PER_DOMAIN``)
    per_domain: int = defaults.CONCURRENT_REQUESTS_PER_DOMAIN
    #: seconds between heartbeats; a worker silent for ``lease_ttl`` is taken for dead
    heartbeat: float = defaults.ARCHIVE_HEARTBEAT
    lease_ttl: float = defaults.ARCHIVE_LEASE_TTL


def url_start_pages(urls: list[str], *, depth: int, allow_domains: list[str]) -> list[StartPage]:
    """Start pages for ``urls``: links followed within their hosts and ``allow_domains``,
    up to ``depth`` links away."""
    pages = []
    for url in urls:
        hosts = {urlsplit(url).hostname or ""} | set(allow_domains)
        pages.append(StartPage(url, depth, tuple(sorted(h for h in hosts if h))))
    return pages


def source_start_pages(sources: SourcesFile) -> list[StartPage]:
    """Start pages for the enabled sources of a sources file: each source's start URLs,
    depth and allowed domains.

    A frontier crawl is a crawl of links from start pages: it reads no sitemaps or feeds,
    applies no URL patterns or cleaning rules and re-checks nothing incrementally.

    Raises:
        SourcesError: a source uses a key a frontier crawl cannot carry out (rather than
            crawling it without).
    """
    pages: list[StartPage] = []
    for source in sources.sources:
        if not source.enabled:
            continue
        used = [key for key in UNSUPPORTED_SOURCE_KEYS if getattr(source, key)]
        if used:
            raise SourcesError(
                f'{sources.path.name}: source "{source.name}" uses {", ".join(used)}, '
                "which crawling through a shared frontier does not support; crawl it with "
                "`viral-archive crawl --config` (or `schedule`) instead."
            )
        hosts = set(source.allowed_domains) or {urlsplit(u).hostname or ""
                                                for u in source.start_urls}
        pages.extend(StartPage(u, source.depth, tuple(sorted(hosts))) for u in source.start_urls)
    return pages


def new_worker_id() -> str:
    """A worker id unique across machines: host, process id and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def worker_settings(
    frontier: Frontier,
    *,
    worker_id: str,
    options: WorkerOptions,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """The crawler settings of a worker on ``frontier``."""
    values: dict[str, Any] = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "crawler.frontier.dupefilter.CachingRFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.queue.LeasingPriorityQueue",
        "SCHEDULER_QUEUE_KEY": frontier.queue_key,
        "SCHEDULER_DUPEFILTER_KEY": frontier.dupefilter_key,
        # the frontier outlives every worker: never flush it when one closes
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": frontier.url,
        "REDIS_START_URLS_KEY": frontier.start_key,
        "MAX_IDLE_TIME_BEFORE_CLOSE": int(options.idle_timeout),
        "CONCURRENT_REQUESTS": options.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.per_domain,
        "ARCHIVE_FRONTIER_NAME": frontier.name,
        PREFIX_SETTING: frontier.prefix,
        WORKER_SETTING: worker_id,
        "ARCHIVE_HEARTBEAT": options.heartbeat,
        "ARCHIVE_LEASE_TTL": options.lease_ttl,
        "EXTENSIONS": {"crawler.frontier.leases.FrontierLeases": 500},
    }
    return crawler_settings({**values, **(overrides or {})}, db_url=options.db_url)


def run_worker(
    frontier: Frontier,
    options: WorkerOptions | None = None,
    *,
    settings: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.5,
) -> CrawlResult:
    """Work on ``frontier`` into the archive of ``options`` until it stays empty.

    Ctrl-C stops the worker cleanly: pages in flight are finished, and what it still had
    leased goes back to the frontier for the others.

    Raises:
        FrontierError: Redis cannot be reached.
    """
    frontier.client  # noqa: B018 - fail here, with a sentence, if Redis is unreachable
    worker_id = new_worker_id()
    crawl_settings = worker_settings(frontier, worker_id=worker_id,
                                     options=options or WorkerOptions(), overrides=settings)
    logger.info("Worker %s on frontier %s (%s)", worker_id, frontier.name, frontier.url)
    return run_spider(WorkerSpider, {}, crawl_settings, on_progress=on_progress,
                      progress_interval=progress_interval)
