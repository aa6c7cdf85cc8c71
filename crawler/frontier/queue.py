"""scrapy-redis's priority queue, with pops that lease instead of remove.

Each queued request is stored as ``TASK_ID\\n<serialized request>``. A pop moves the
entry, in one Lua script, from the queue into the worker's ``processing`` hash under its
task id, so a worker killed at any moment leaves nothing in limbo: what it had popped is
in its hash, and :meth:`crawler.frontier.Frontier.recover_dead_leases` puts it back. The
task id travels in ``request.meta`` to retries and redirects of the same request, and
:mod:`crawler.frontier.leases` acknowledges it when the page is done.
"""

from __future__ import annotations

import uuid
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from crawler.frontier.frontier import TASK_SEPARATOR

#: ``request.meta`` key of the frontier task a request belongs to
TASK_META = "frontier_task"
#: settings naming the worker and the frontier's key prefix
WORKER_SETTING = "ARCHIVE_WORKER_ID"
PREFIX_SETTING = "ARCHIVE_FRONTIER_PREFIX"

# KEYS: queue zset, processing hash, workers set; ARGV: worker id
_LEASE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
local entry = first[1]
redis.call('ZREM', KEYS[1], entry)
local cut = string.find(entry, '\\n', 1, true)
redis.call('HSET', KEYS[2], string.sub(entry, 1, cut - 1), entry)
redis.call('SADD', KEYS[3], ARGV[1])
return entry
"""


def task_of(request: Request) -> str | None:
    """The frontier task id ``request`` belongs to, if it came through the frontier."""
    task = request.meta.get(TASK_META)
    return str(task) if task else None


class LeasingPriorityQueue(PriorityQueue):
    """A :class:`scrapy_redis.queue.PriorityQueue` whose ``pop`` leases to this worker."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.settings
        self.worker = str(settings.get(WORKER_SETTING))
        prefix = str(settings.get(PREFIX_SETTING))
        self.processing_key = f"{prefix}:processing:{self.worker}"
        self.workers_key = f"{prefix}:workers"
        self._lease = server.register_script(_LEASE)

    def _encode_request(self, request: Request) -> bytes:
        task = request.meta.setdefault(TASK_META, uuid.uuid4().hex)
        return str(task).encode() + TASK_SEPARATOR + super()._encode_request(request)

    def _decode_request(self, encoded_request: bytes) -> Request:
        _, _, serialized = encoded_request.partition(TASK_SEPARATOR)
        return super()._decode_request(serialized)

    def pop(self, timeout: int = 0) -> Request | None:
        entry = self._lease(
            keys=[self.key, self.processing_key, self.workers_key], args=[self.worker]
        )
        return self._decode_request(entry) if entry else None
