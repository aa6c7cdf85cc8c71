"""Running a frontier worker from Python: a Redis frontier in, a finished crawl out."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
import warnings
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings

from crawler.frontier import Frontier
from crawler.frontier.queue import PREFIX_SETTING, WORKER_SETTING
from crawler.frontier.spider import WorkerSpider
from crawler.pipelines import CRAWL_ID_STAT, STAT_KEYS
from crawler.reactor import call_in_reactor
from crawler.runner import CrawlResult, ProgressCallback, crawler_settings

logger = logging.getLogger(__name__)
# scrapy-redis 0.9 still uses Scrapy APIs Scrapy has deprecated; nothing for us to act on
warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module=r"scrapy_redis\.")

#: seconds the whole frontier must stay empty before a worker stops (0: never stop)
DEFAULT_IDLE_TIMEOUT = 30


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How one worker runs (every field maps to a setting; see ``docs/scaling.md``)."""

    #: stop after the frontier has been empty this many seconds (0: run until stopped)
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    #: requests in flight in this worker (``CONCURRENT_REQUESTS``)
    concurrency: int = 16
    #: requests in flight per site in this worker (``CONCURRENT_REQUESTS_PER_DOMAIN``)
    per_domain: int = 4
    #: seconds between heartbeats; a worker silent for ``lease_ttl`` is taken for dead
    heartbeat: float = 1.0
    lease_ttl: float = 15.0


def counts_of(crawler: Crawler) -> dict[str, int]:
    """The archive counters of a running or finished crawler."""
    stats = crawler.stats
    if stats is None:
        return dict.fromkeys(STAT_KEYS, 0)
    return {name: int(stats.get_value(key, 0) or 0) for name, key in STAT_KEYS.items()}


def new_worker_id() -> str:
    """A worker id unique across machines: host, process id and a random part."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def worker_settings(
    frontier: Frontier,
    *,
    worker_id: str,
    db_url: str | None,
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
    if db_url is not None:
        values["ARCHIVE_DB"] = db_url
    values.update(overrides or {})
    return crawler_settings(values)


def run_worker(
    frontier: Frontier,
    *,
    db_url: str | None = None,
    options: WorkerOptions | None = None,
    settings: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.5,
) -> CrawlResult:
    """Work on ``frontier`` into the archive at ``db_url`` until it stays empty.

    Ctrl-C stops the worker cleanly: pages in flight are finished, and what it still had
    leased goes back to the frontier for the others.

    Raises:
        FrontierError: Redis cannot be reached.
    """
    frontier.client  # noqa: B018 - fail here, with a sentence, if Redis is unreachable
    worker_id = new_worker_id()
    crawl_settings = worker_settings(frontier, worker_id=worker_id, db_url=db_url,
                                     options=options or WorkerOptions(), overrides=settings)
    holder: dict[str, Any] = {}

    def start() -> Any:
        runner = CrawlerRunner(crawl_settings)
        crawler = runner.create_crawler(WorkerSpider)
        holder["runner"], holder["crawler"] = runner, crawler
        return runner.crawl(crawler)

    logger.info("Worker %s on frontier %s (%s)", worker_id, frontier.name, frontier.url)
    done: Future[Any] = call_in_reactor(start)
    try:
        while not done.done():
            time.sleep(progress_interval)
            if on_progress is not None and "crawler" in holder:
                on_progress(counts_of(holder["crawler"]))
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
