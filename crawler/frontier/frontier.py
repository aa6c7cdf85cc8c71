"""The frontier's keys, its start pages, its status, and recovery of dead workers' leases."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import redis

from crawler import settings

logger = logging.getLogger(__name__)

DEFAULT_FRONTIER_NAME: str = settings.ARCHIVE_FRONTIER_NAME
KEY_ROOT = "viral-archive"
#: queued requests carry their task id in front of the serialized request
TASK_SEPARATOR = b"\n"

# Puts every request leased by a worker whose heartbeat key is gone back into the queue,
# atomically, so two workers recovering at once cannot both do it (or lose anything).
# KEYS: workers set, queue zset; ARGV: key prefix. Returns how many requests came back.
_RECOVER = """
local recovered = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':alive:' .. worker) == 0 then
    local processing = ARGV[1] .. ':processing:' .. worker
    local leased = redis.call('HVALS', processing)
    for _, request in ipairs(leased) do
      redis.call('ZADD', KEYS[2], 0, request)
      recovered = recovered + 1
    end
    redis.call('DEL', processing)
    redis.call('SREM', KEYS[1], worker)
  end
end
return recovered
"""


class FrontierError(Exception):
    """The frontier's Redis cannot be reached or used; the message says why."""


@dataclass(frozen=True, slots=True)
class StartPage:
    """A page to crawl from: links are followed within ``hosts`` up to ``depth``."""

    url: str
    depth: int
    hosts: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps({"url": self.url, "depth": self.depth, "hosts": list(self.hosts)})

    @classmethod
    def from_json(cls, data: bytes | str) -> StartPage:
        value = json.loads(data)
        return cls(str(value["url"]), int(value["depth"]), tuple(value["hosts"]))


@dataclass(frozen=True, slots=True)
class FrontierStatus:
    """How much work a frontier holds right now."""

    start_pages: int
    queued: int
    leased: int
    seen: int
    workers: int

    @property
    def busy(self) -> bool:
        """True while anything is waiting or in flight anywhere."""
        return bool(self.start_pages or self.queued or self.leased)


class Frontier:
    """The frontier named ``name`` in the Redis at ``url`` (``redis://HOST:6379/0``)."""

    def __init__(self, url: str, name: str = DEFAULT_FRONTIER_NAME) -> None:
        """Raises:
            FrontierError: ``url`` is not a well-formed Redis URL, or ``name`` is unusable.
        """
        if url.partition("://")[0].lower() not in ("redis", "rediss", "unix"):
            raise FrontierError(
                f"{url!r} is not a Redis URL; use e.g. redis://localhost:6379/0."
            )
        try:
            urlsplit(url)
            redis.connection.parse_url(url)  # what from_url reads: host, port, database
        except ValueError as exc:  # e.g. "redis://[::1": an unclosed IPv6 address
            raise FrontierError(f"{url!r} is not a Redis URL ({exc}); use e.g. "
                                "redis://localhost:6379/0.") from None
        if not name or any(c in name for c in " :*?[]"):
            raise FrontierError(f"{name!r} is not a usable frontier name (no spaces, ':', '*').")
        self.url = url
        self.name = name
        self.prefix = prefix = f"{KEY_ROOT}:{name}"
        # the keys of the module docstring
        self.start_key, self.queue_key = f"{prefix}:start_urls", f"{prefix}:requests"
        self.dupefilter_key, self.workers_key = f"{prefix}:dupefilter", f"{prefix}:workers"
        self._client: redis.Redis | None = None
        self._recover: Any = None

    # -- keys of one worker ----------------------------------------------------------------
    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def processing_key(self, worker: str) -> str:
        return f"{self.prefix}:processing:{worker}"

    # -- connection ----------------------------------------------------------------------
    @property
    def client(self) -> redis.Redis:
        """A connected client (connects on first use).

        Raises:
            FrontierError: Redis does not answer.
        """
        if self._client is None:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=5)
            try:
                client.ping()
            except redis.RedisError as exc:
                message = f"Cannot reach the frontier's Redis at {self.url}: {exc}."
                raise FrontierError(message) from exc
            self._client = client
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- work ------------------------------------------------------------------------------
    def enqueue(self, pages: list[StartPage]) -> int:
        """Add start pages for the workers; returns how many were added.

        Raises:
            FrontierError: Redis does not answer.
        """
        if not pages:
            return 0
        try:
            self.client.rpush(self.start_key, *(p.to_json() for p in pages))
        except redis.RedisError as exc:
            raise FrontierError(f"Cannot add to the frontier at {self.url}: {exc}.") from exc
        return len(pages)

    def status(self) -> FrontierStatus:
        """Counts of start pages, queued and leased requests, fingerprints and workers."""
        client = self.client
        workers = [w.decode() for w in client.smembers(self.workers_key)]  # type: ignore[union-attr]
        with client.pipeline(transaction=False) as pipe:
            pipe.llen(self.start_key)
            pipe.zcard(self.queue_key)
            pipe.scard(self.dupefilter_key)
            for worker in workers:
                pipe.hlen(self.processing_key(worker))
            counts = pipe.execute()
        return FrontierStatus(
            start_pages=counts[0], queued=counts[1], leased=sum(counts[3:]), seen=counts[2],
            workers=len(workers),
        )

    def recover_dead_leases(self) -> int:
        """Put the requests leased by workers whose heartbeat expired back into the queue."""
        if self._recover is None:
            self._recover = self.client.register_script(_RECOVER)
        recovered = int(self._recover(keys=[self.workers_key, self.queue_key],
                                      args=[self.prefix]))
        if recovered:
            logger.warning("Re-queued %d requests leased by workers that stopped beating",
                           recovered)
        return recovered

    def reset(self) -> None:
        """Forget everything: queue, start pages, fingerprints, leases."""
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*"))
        if keys:
            self.client.delete(*keys)
