"""Importing articles from JSON Lines: other collections brought into the archive.

One JSON object per line, read by :mod:`archive.storage.import_lines` (which fields,
under which names, and why a line is refused). A line that cannot be imported is
reported with its number and reason; the good lines are kept.

Lines are parsed and prepared (URLs normalised, content hashed) in worker processes
(:mod:`archive.core.processes`), :data:`PARSE_CHUNK` at a time and in order, while this
process writes: parsing and indexing each take about a core. They are written by the
archive's one writer (:mod:`archive.storage.writer`), in batches of :data:`BATCH`, each
in one transaction that also adds the batch's new rows to the full-text index (all at
once, :func:`db.fts.indexed_at_once`), so an interrupted import leaves whole batches,
each fully indexed. A URL
already archived is treated as a crawl would: unchanged, or updated with its previous
state kept as a version.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.core.processes import process_pool, usable_cores
from archive.exceptions import ArchiveError
from archive.storage.import_lines import (
    Chunk,
    ImportedArticle,
    ImportLineError,
    Parsed,
    parse_chunk,
)
from archive.storage.writer import ArticleWriter, Outcome
from db import DatabaseError, reason_of

logger = logging.getLogger(__name__)

#: lines per transaction: FTS5 writes an index segment at least once per transaction,
#: and fewer, larger segments are cheaper to write and merge (see ``docs/benchmarks.md``)
BATCH = 10_000
#: lines a worker process parses at a time
PARSE_CHUNK = 1_000
#: files smaller than this are parsed in-process (a worker process costs more to start)
PARALLEL_FROM_BYTES = 4_000_000


@dataclass(slots=True)
class ImportReport:
    """What an import did: lines read, articles new/updated/unchanged, lines refused."""

    lines: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportLineError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported(self) -> int:
        """Lines that became (or confirmed) an article."""
        return self.new + self.updated + self.unchanged


class ImportInterrupted(KeyboardInterrupt):
    """The import was interrupted (Ctrl-C); ``report`` says what was stored before.

    Whole batches are stored or not at all, so the articles of ``report`` are in the
    archive; importing the file again adds the rest (what is stored stays unchanged).
    """

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"import interrupted after storing {report.imported} line(s)")
        self.report = report


def read_chunks(path: Path, size: int) -> Iterator[Chunk]:
    """The non-blank lines of the file at ``path`` with their numbers, ``size`` at a time.

    Raises:
        ArchiveError: the file cannot be opened.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ArchiveError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    with handle:
        chunk: Chunk = []
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                chunk.append((number, raw))
                if len(chunk) == size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk


def parsed_chunks(path: Path, size: int, *, processes: int, ahead: int = 2,
                  sign: bool = False) -> Iterator[Parsed]:
    """The file's lines parsed, chunk by chunk, in order; with ``sign``, each article
    with its near-copy signature (see :func:`parse_chunk`).

    With ``processes`` > 0, that many worker processes parse up to ``ahead`` chunks
    beyond this one while the caller stores; with 0 the lines are parsed here.
    """
    chunks = read_chunks(path, size)
    parse = functools.partial(parse_chunk, sign=sign)
    if processes <= 0:
        yield from map(parse, chunks)
        return
    pool = process_pool(processes, preload=[parse_chunk.__module__])
    try:
        pending: deque[Future[Parsed]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(parse, chunk))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


class _BatchWriter:
    """Writes batches of imported articles, each batch in one transaction; a batch the
    database refuses is written again line by line, to name the lines at fault."""

    def __init__(self, sessions: sessionmaker[Session], report: ImportReport, *,
                 stories: bool) -> None:
        self.sessions = sessions
        self.report = report
        self.source_ids: dict[str, int] = {}
        self.stories = stories

    def write(self, batch: list[ImportedArticle]) -> None:
        """Store ``batch``; a line the database refuses is reported, the others kept.

        Raises:
            DatabaseError: the database cannot be written at all (read-only, full,
                gone), whatever the line.
        """
        try:
            self._write(batch)
        except (OperationalError, InterfaceError) as exc:
            raise self._cannot_write(exc) from exc
        except (SQLAlchemyError, ValueError, OverflowError) as exc:
            self.source_ids.clear()  # sources created in the failed transaction are gone
            if len(batch) == 1:
                self.report.errors.append(ImportLineError(batch[0].line, _reason(exc)))
                return
            for item in batch:
                self.write([item])

    def _cannot_write(self, exc: Exception) -> DatabaseError:
        return DatabaseError(
            f"Cannot write to the archive ({reason_of(exc)}); {self.report.imported} of the "
            f"{self.report.lines} line(s) read were stored before it."
        )

    def _write(self, batch: list[ImportedArticle]) -> None:
        with self.sessions.begin() as session:
            writer = ArticleWriter(session, source_ids=self.source_ids, stories=self.stories)
            written = writer.write([item.article for item in batch])
        for result in written:
            if result.outcome is Outcome.NEW:
                self.report.new += 1
            elif result.outcome is Outcome.UNCHANGED:
                self.report.unchanged += 1
            else:
                self.report.updated += 1


@contextmanager
def _uninterruptible() -> Iterator[None]:
    """Ctrl-C waits for the end of the block: a batch is stored and counted together, so
    the report of an interrupted import names exactly what was stored. (Only the main
    thread receives signals; elsewhere the block runs as it is.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed and callable(previous):
        previous(signal.SIGINT, None)  # Python's own handler raises KeyboardInterrupt


def _reason(exc: Exception) -> str:
    return reason_of(exc) if isinstance(exc, SQLAlchemyError) else f"cannot be stored ({exc})"


def import_jsonl(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    batch_size: int = BATCH,
    processes: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    stories: bool = True,
) -> ImportReport:
    """Import the JSON Lines file at ``path``; see the module docstring.

    ``stories`` places each new or changed article in its story (``stories rebuild``
    places those imported without).

    Lines are parsed in ``processes`` worker processes (``None``: one per core for a
    file over :data:`PARALLEL_FROM_BYTES`, none for smaller ones; 0: in this process).

    ``on_progress`` is called with the number of lines read after every
    :data:`PARSE_CHUNK` lines.

    Raises:
        ArchiveError: the file cannot be read.
        DatabaseError: the archive cannot be written (what was stored stays).
        ImportInterrupted: Ctrl-C; its report says what was stored (whole batches).
    """
    started = time.monotonic()
    report = ImportReport()
    writer = _BatchWriter(sessions, report, stories=stories)
    try:
        large = path.stat().st_size > PARALLEL_FROM_BYTES
    except OSError as exc:
        raise ArchiveError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if processes is None:
        processes = usable_cores() if large else 0
    batch: list[ImportedArticle] = []
    urls: set[str] = set()
    # lines are parsed PARSE_CHUNK at a time (the worker keeps pace), stored batch_size
    # at a time (fewer, larger transactions)
    # the workers parse the next batch while this one is stored
    ahead = max(2, batch_size // PARSE_CHUNK + 1) + processes
    try:
        for parsed in parsed_chunks(path, PARSE_CHUNK, processes=processes, ahead=ahead,
                                    sign=stories):
            for item in parsed:
                report.lines += 1
                if isinstance(item, ImportLineError):
                    report.errors.append(item)
                    continue
                if item.article.url in urls or len(batch) >= batch_size:
                    # the same URL twice: the first must be stored first
                    with _uninterruptible():
                        writer.write(batch)
                    batch, urls = [], set()
                batch.append(item)
                urls.add(item.article.url)
            if on_progress is not None:
                on_progress(report.lines)
        if batch:
            with _uninterruptible():
                writer.write(batch)
    except KeyboardInterrupt as exc:
        report.errors.sort(key=lambda error: error.line)
        report.seconds = time.monotonic() - started
        logger.info("import of %s interrupted: %d line(s) of %d read were stored", path,
                       report.imported, report.lines)
        raise ImportInterrupted(report) from exc
    report.errors.sort(key=lambda error: error.line)
    report.seconds = time.monotonic() - started
    logger.info("imported %s: %d new, %d updated, %d unchanged, %d bad lines", path,
                report.new, report.updated, report.unchanged, len(report.errors))
    return report
