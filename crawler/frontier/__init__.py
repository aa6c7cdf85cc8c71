"""A crawl frontier in Redis, shared by worker processes on any number of machines.

scrapy-redis keeps the queue of requests and the set of request fingerprints (its
duplicate filter) in Redis under the frontier's key prefix. On top of that, requests are
*leased*, not just popped: a worker's pop moves the request into its own ``processing``
hash in one atomic step (:mod:`crawler.frontier.queue`), the request is acknowledged once
its page is archived and its links are queued (:mod:`crawler.frontier.leases`), and a
worker whose heartbeat key has expired — killed, crashed, cut off — has its leased
requests put back into the queue by the others. See ``docs/scaling.md``.

Keys, for a frontier named ``NAME`` (prefix ``viral-archive:NAME``)::

    PREFIX:start_urls         list  start pages pushed by ``viral-archive enqueue``
    PREFIX:requests           zset  scrapy-redis's request queue
    PREFIX:dupefilter         set   fingerprints of every request ever queued
    PREFIX:workers            set   ids of workers that may hold leases
    PREFIX:alive:WORKER       str   heartbeat, expires when the worker stops beating
    PREFIX:processing:WORKER  hash  task id -> queued request, leased by WORKER
"""

from crawler.frontier.frontier import (
    DEFAULT_FRONTIER_NAME,
    Frontier,
    FrontierError,
    FrontierStatus,
    StartPage,
)

__all__ = ["DEFAULT_FRONTIER_NAME", "Frontier", "FrontierError", "FrontierStatus", "StartPage"]
