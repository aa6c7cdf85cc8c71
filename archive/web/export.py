"""Streaming an export over HTTP: ``Archive.export`` writes, the response reads.

``Archive.export`` writes to a binary stream; here it runs in a worker thread writing
into a small bounded queue that the response drains, so memory stays flat however
large the export. The number of matching articles is checked first: more than the
caller's ``max_rows`` and the export is refused before a byte is sent (articles archived
while an export runs are not counted against it).
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Literal

from archive.exceptions import QueryError
from archive.research.api import Archive

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

logger = logging.getLogger(__name__)

WebExportFormat = Literal["csv", "jsonl"]
EXPORT_MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
}
#: the hard ceiling of ``max_rows``
MAX_EXPORT_ROWS = 100_000
_CHUNK_BYTES = 64 * 1024
_QUEUE_CHUNKS = 16
_DONE = object()


class _Cancelled(Exception):
    """The client went away; the worker stops writing."""


class _QueueWriter(io.RawIOBase):
    """A binary stream whose writes become chunks in a bounded queue."""

    def __init__(self, chunks: queue.Queue[object], cancelled: threading.Event) -> None:
        super().__init__()
        self._chunks = chunks
        self._cancelled = cancelled

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        chunk = bytes(data)
        while True:
            if self._cancelled.is_set():
                raise _Cancelled
            try:
                self._chunks.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue


def export_stream(
    archive: Archive,
    query: str,
    fmt: WebExportFormat,
    *,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    lang: str | None = None,
    max_rows: int = 10_000,
) -> Iterator[bytes]:
    """The export of the articles matching ``query`` as chunks of bytes.

    The query and filters are checked, and the matches counted, before this returns, so
    a bad request fails before the response starts.

    Raises:
        QueryError: the query or a filter is malformed, or more than ``max_rows``
            articles match.
    """
    # Archive.export takes no row limit: count first (one row of a search holds the total)
    matching = archive.search(query, source=source, since=since, until=until, lang=lang,
                              limit=1).total
    if matching > max_rows:
        raise QueryError(
            f"{matching} articles match, more than max_rows={max_rows}; narrow the query "
            f"or raise max_rows (at most {MAX_EXPORT_ROWS})."
        )
    return _stream(archive, query, fmt, source=source, since=since, until=until, lang=lang)


def _stream(archive: Archive, query: str, fmt: WebExportFormat,
            **filters: str | date | None) -> Iterator[bytes]:
    chunks: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_CHUNKS)
    cancelled = threading.Event()

    def produce() -> None:
        try:
            with io.BufferedWriter(_QueueWriter(chunks, cancelled), _CHUNK_BYTES) as out:
                archive.export(query, fmt, out, **filters)  # type: ignore[arg-type]
        except _Cancelled:
            logger.info("Export stopped: the client went away.")
            return
        except Exception as exc:  # handed to the response, which ends the stream
            chunks.put(exc)
            return
        chunks.put(_DONE)

    worker = threading.Thread(target=produce, name="web-export", daemon=True)
    worker.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                # the status line is sent already: cutting the stream short is the only
                # signal left, and the client sees an incomplete body
                logger.error("Export failed midway: %s", item)
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        cancelled.set()
        while worker.is_alive():
            try:
                chunks.get(timeout=0.1)
            except queue.Empty:
                continue
        worker.join()
