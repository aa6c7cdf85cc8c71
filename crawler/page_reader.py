"""Reading fetched pages off the reactor thread, in a pool of worker processes.

The reactor thread only fetches and schedules; each page is read into an article by
:func:`~archive.extraction.workers.read_in_worker` in one of ``ARCHIVE_READING_PROCESSES``
worker processes (0: in this process, for debugging). At most two pages per worker wait
for or sit in the pool, so the pages a fast site delivers queue up in Scrapy, which
stops downloading while its scraper is full, rather than in memory here.

A worker that dies in the middle of a page (a crash in a parser, the OOM killer) breaks
the whole pool, and every page in it fails with it. The pool is replaced, and each of
those pages is read again alone in a process of its own: the pages that were only in
the wrong place at the wrong time are read, and the one that kills its reader again is
reported as :data:`CRASHED` without taking any other page down.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from twisted.internet.defer import DeferredLock, DeferredSemaphore

from archive.core.article import Article
from archive.exceptions import ExtractionError
from archive.extraction.reading import FetchedPage, read_page
from archive.extraction.workers import read_in_worker, reading_pool
from crawler.reactor import deferred_of

logger = logging.getLogger(__name__)

#: reason code of a page whose reading killed the process reading it, twice
CRASHED = "extraction_crashed"
#: pages waiting for or in the pool, per worker process
IN_FLIGHT_PER_PROCESS = 2


class ReaderCrashed(Exception):  # noqa: N818 - a fact about a page, not a bug of ours
    """Reading a page killed the worker process reading it, even alone."""


class PageReader:
    """Reads pages in ``processes`` worker processes (0: in the calling thread)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight = DeferredSemaphore(max(1, processes) * IN_FLIGHT_PER_PROCESS)
        self._alone = DeferredLock()

    def start(self) -> None:
        if self.processes > 0:
            self._pool = reading_pool(self.processes)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def read(self, page: FetchedPage) -> Article:
        """The article ``page`` holds.

        Raises:
            ExtractionError: the page cannot be read as HTML.
            ReaderCrashed: reading the page kills the process that reads it.
        """
        if self._pool is None:
            return read_page(page)
        await self._in_flight.acquire()
        try:
            result = await deferred_of(self._submit(page))
        except BrokenProcessPool:
            result = await self._read_alone(page)
        finally:
            self._in_flight.release()
        if isinstance(result, str):
            raise ExtractionError(result)
        return result

    def _submit(self, page: FetchedPage) -> Future[Article | str]:
        assert self._pool is not None
        try:
            return self._pool.submit(read_in_worker, page)
        except BrokenProcessPool:
            self._replace_pool()
            return self._pool.submit(read_in_worker, page)

    def _replace_pool(self) -> None:
        assert self._pool is not None
        logger.warning("A page-reading process died; starting a new pool")
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = reading_pool(self.processes)

    async def _read_alone(self, page: FetchedPage) -> Article | str:
        """Read ``page`` in a process of its own, one page at a time."""
        await self._alone.acquire()
        single = reading_pool(1)
        try:
            return await deferred_of(single.submit(read_in_worker, page))
        except BrokenProcessPool as exc:
            raise ReaderCrashed("the process reading the page died while reading it, "
                                "twice (a crash of the HTML parser?)") from exc
        finally:
            single.shutdown(wait=False)
            self._alone.release()
