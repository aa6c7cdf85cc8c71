"""scrapy-redis's duplicate filter, with a local memory of what this worker already met.

Every link a page yields costs scrapy-redis one ``SADD`` round trip to Redis. Most links
on a news site point to the same few pages (home, sections, the latest stories), so a
worker remembers the fingerprints it has already sent: a URL it has met before is known
to be in the shared set and needs no round trip. A URL first met here still goes to Redis,
which alone decides whether any worker has queued it.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter


class CachingRFPDupeFilter(RFPDupeFilter):
    """:class:`scrapy_redis.dupefilter.RFPDupeFilter` that skips Redis for URLs met before."""

    def __init__(self, server: Any, key: str, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self.met: set[str] = set()

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        if fingerprint in self.met:
            return True
        self.met.add(fingerprint)
        return bool(self.server.sadd(self.key, fingerprint) == 0)
