"""The worker side of leases: heartbeat, acknowledgements, recovery of dead workers' work.

While the spider runs, the worker's ``alive`` key is renewed every ``beat`` seconds with
a time to live of ``ttl``; every beat also re-queues the leases of workers whose key has
expired. A request is acknowledged (its lease deleted) when the item its page produced
has gone through the pipelines — the worker spider yields a page's links before its
item, so by then they are queued — or when the page is skipped without an item.

A worker that closes normally was idle, so nothing of its own is in flight: it drops
whatever leases remain (requests that vanished, e.g. a redirect to a known URL) and
removes itself from the workers set.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.frontier.frontier import Frontier
from crawler.frontier.queue import PREFIX_SETTING, WORKER_SETTING, task_of

logger = logging.getLogger(__name__)

class FrontierLeases:
    """Scrapy extension keeping this worker's leases honest (see the module docstring)."""

    def __init__(self, frontier: Frontier, worker: str, *, beat: float, ttl: float) -> None:
        if ttl <= beat:
            # not NotConfigured: a worker without leases must not run silently
            raise ValueError("ARCHIVE_LEASE_TTL must be longer than ARCHIVE_HEARTBEAT")
        self.frontier = frontier
        self.worker = worker
        self.beat = beat
        self.ttl = ttl
        self.acknowledged = 0
        self.crawler: Crawler | None = None
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierLeases:
        settings = crawler.settings
        worker = settings.get(WORKER_SETTING)
        if not settings.get("REDIS_URL") or not worker or not settings.get(PREFIX_SETTING):
            raise NotConfigured("not a frontier worker")
        frontier = Frontier(settings["REDIS_URL"], settings["ARCHIVE_FRONTIER_NAME"])
        extension = cls(frontier, str(worker), beat=settings.getfloat("ARCHIVE_HEARTBEAT"),
                        ttl=settings.getfloat("ARCHIVE_LEASE_TTL"))
        extension.crawler = crawler
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.item_done, signal=signal)
        return extension

    def heartbeat(self) -> None:
        """Renew this worker's ``alive`` key and recover dead workers' leases."""
        client = self.frontier.client
        client.set(self.frontier.alive_key(self.worker), "1", px=int(self.ttl * 1000))
        client.sadd(self.frontier.workers_key, self.worker)
        self.frontier.recover_dead_leases()
        self._wake_engine()

    def _wake_engine(self) -> None:
        # an idle Scrapy engine looks at its scheduler only every 5 seconds; other
        # workers may have queued work since, so ask it to look now (no public API)
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None and self.frontier.client.zcard(self.frontier.queue_key):
            nextcall.schedule()

    def engine_started(self) -> None:
        # alive before the first lease, so nobody takes this worker for dead
        self.heartbeat()
        self._loop = task.LoopingCall(self._safe_heartbeat)
        self._loop.start(self.beat, now=False)

    def _safe_heartbeat(self) -> None:
        try:
            self.heartbeat()
        except Exception:  # a Redis hiccup must not stop the beat; the next one retries
            logger.exception("Frontier heartbeat failed; retrying in %.1fs", self.beat)

    def acknowledge(self, request: Request | None) -> None:
        """The page of ``request`` is done: its lease is no longer needed."""
        task_id = task_of(request) if request is not None else None
        if task_id is not None:
            self.frontier.client.hdel(self.frontier.processing_key(self.worker), task_id)
            self.acknowledged += 1

    def item_done(self, item: Any, response: Any = None, **kwargs: Any) -> None:
        # ``response`` is the Response, or the Failure an errback turned into an item
        self.acknowledge(getattr(response, "request", None))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        client = self.frontier.client
        if reason == "finished":
            left = client.hlen(self.frontier.processing_key(self.worker))
            if left:
                logger.info("Dropping %d leases of requests that produced no page", left)
            client.delete(self.frontier.processing_key(self.worker))
            client.srem(self.frontier.workers_key, self.worker)
        client.delete(self.frontier.alive_key(self.worker))
        self.frontier.close()
