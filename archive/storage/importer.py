"""Importing articles from JSON Lines: other collections brought into the archive.

One JSON object per line with ``url``, ``text`` and any of the article's fields
(:data:`~archive.core.article.STORED_FIELDS`: ``title``, ``published``, ``authors``,
``language``...), plus ``source`` and ``source_name``; news-please's names (``maintext``,
``date_publish``, ``source_domain``, ``image_url``, ...) are understood too, and any other
key is kept in the article's ``extra`` metadata. A line that cannot be imported is
reported with its number and reason; the good lines are kept.

Lines are written by the archive's one writer (:mod:`archive.storage.writer`), in
batches of :data:`BATCH`, each in one transaction: the FTS triggers index every new row
as it is inserted, in the same transaction, so an interrupted import leaves whole
batches, each fully indexed. A URL already archived is treated as a crawl would:
unchanged, or updated with its previous state kept as a version.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import String
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.core.article import STORED_FIELDS, Article, field_kind
from archive.core.urls import normalize_url, site_of
from archive.exceptions import ArchiveError
from archive.storage.writer import ArticleWriter, Incoming, Outcome
from db import DatabaseError, models, reason_of

logger = logging.getLogger(__name__)

#: lines per transaction: FTS5 writes an index segment at least once per transaction,
#: and fewer, larger segments are cheaper to write and merge (see ``docs/benchmarks.md``)
BATCH = 10_000
#: lines a worker process parses at a time
PARSE_CHUNK = 1_000
IMPORT_VERSION = "import"
MAX_LINE_BYTES = 20_000_000
#: files smaller than this are parsed in-process (a worker process costs more to start)
PARALLEL_FROM_BYTES = 4_000_000

#: other tools' names for the article's fields and for the line's source (an article
#: field not named here is read under its own name)
ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "canonical_url"),
    "text": ("text", "maintext", "body", "articleBody"),
    "published": ("published", "date_publish", "datePublished", "date"),
    "modified": ("modified", "date_modify", "dateModified"),
    "authors": ("authors", "author"),
    "source": ("source", "source_domain", "domain"),
    "source_name": ("source_name", "site_name"),
    "language": ("language", "lang"),
    "image": ("image", "image_url"),
    "tags": ("tags", "keywords"),
}


def _max_length(column: str) -> int | None:
    """The length limit of ``articles.column`` (``None`` for unbounded text)."""
    kind = models.Article.__table__.c[column].type
    return kind.length if isinstance(kind, String) else None


#: how each article field is read from a line: its declared type and its column's limit
_READERS = {name: (field_kind(Article, name), _max_length(name)) for name in STORED_FIELDS}
_URL_LIMIT = _max_length("url")


@dataclass(frozen=True, slots=True)
class ImportLineError:
    """A line of an import file that was not imported, and why."""

    line: int
    reason: str


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


class LineError(ValueError):
    """A line cannot be imported; the message says why."""


class ImportInterrupted(KeyboardInterrupt):
    """The import was interrupted (Ctrl-C); ``report`` says what was stored before.

    Whole batches are stored or not at all, so the articles of ``report`` are in the
    archive; importing the file again adds the rest (what is stored stays unchanged).
    """

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"import interrupted after storing {report.imported} line(s)")
        self.report = report


@dataclass(slots=True)
class ImportedArticle:
    """One valid line, ready to write."""

    line: int
    article: Incoming


def _keys(field_name: str) -> tuple[str, ...]:
    return ALIASES.get(field_name, (field_name,))


def _text(record: dict[str, Any], field_name: str, *, limit: int | None = None) -> str | None:
    for key in _keys(field_name):
        value = record.pop(key, None)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise LineError(f"'{key}' must be text, not {type(value).__name__}")
        value = value.strip()
        if limit is not None and len(value) > limit:
            raise LineError(f"'{key}' is longer than {limit} characters")
        return value or None
    return None


def _names(record: dict[str, Any], field_name: str) -> list[str]:
    for key in _keys(field_name):
        value = record.pop(key, None)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LineError(f"'{key}' must be a list of names or one name")
        return [v.strip() for v in value if v.strip()]
    return []


def _date(record: dict[str, Any], field_name: str) -> datetime | None:
    text = _text(record, field_name)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f"{field_name} {text!r} is not an ISO 8601 date") from None
    try:
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC
        raise LineError(f"{field_name} {text!r} is out of range in UTC (dates run from "
                        "0001-01-01 to 9999-12-31)") from None


def _refuse_constant(name: str) -> Any:
    raise LineError(f"{name} is not a JSON number (and no column or export could keep it)")


def _has_lone_surrogate(value: Any) -> bool:
    """True when ``value`` holds text with half of a UTF-16 pair (``"\\ud800"`` alone),
    which is no character: UTF-8, and so the database, cannot store it."""
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_lone_surrogate, value))
    return False


#: a JSON escape of half a UTF-16 pair: only lines holding one are checked for lone halves
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _load(raw: bytes) -> dict[str, Any]:
    """The JSON object of a line.

    Raises:
        LineError: the line is not UTF-8, not JSON, not an object, nested too deeply,
            or holds NaN, Infinity or half of a UTF-16 pair.
    """
    try:
        record = json.loads(raw, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise LineError("the line is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise LineError("the JSON is nested too deeply to read") from None
    if not isinstance(record, dict):
        raise LineError(f"a JSON object was expected, not {type(record).__name__}")
    if _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(record):
        raise LineError("the line holds half of a UTF-16 surrogate pair (\\ud800-\\udfff "
                        "alone), which is no character")
    return record


def _url(text: str | None, key: str) -> str:
    """``text`` normalised as an article URL.

    Raises:
        LineError: it is not an http(s) URL with a host.
    """
    if text is None or not text.startswith(("http://", "https://")):
        raise LineError(f"'{key}' must be an http(s) URL")
    try:
        url = normalize_url(text)
        host = urlsplit(url).hostname
    except ValueError as exc:  # e.g. "http://[::1/": an unclosed IPv6 address
        raise LineError(f"'{key}' {text[:100]!r} is not a valid URL ({exc})") from None
    if not host:
        raise LineError(f"'{key}' {text[:100]!r} has no host")
    return url


def _field(record: dict[str, Any], name: str) -> Any:
    """The article field ``name`` read from ``record`` by the field's declared type."""
    kind, limit = _READERS[name]
    if kind is datetime:
        return _date(record, name)
    if kind is list:
        return _names(record, name)
    return _text(record, name, limit=limit)


def parse_line(number: int, raw: bytes, *, seen_at: datetime | None = None) -> ImportedArticle:
    """The article a JSON Lines line describes.

    Raises:
        LineError: the line is not a JSON object, lacks a URL or text, or a field has the
            wrong type or form.
    """
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(f"the line is longer than {MAX_LINE_BYTES} bytes")
    record = _load(raw)
    url = _url(_text(record, "url", limit=_URL_LIMIT), "url")
    source = _text(record, "source", limit=255)
    source_name = _text(record, "source_name", limit=255)
    values = {name: _field(record, name) for name in STORED_FIELDS if name != "site_name"}
    if values["text"] is None:
        raise LineError("'text' is missing or empty")
    if source and (" " in source or "." not in source):
        source_name, source = source_name or source, None  # a name, not a domain
    if values["language"]:
        values["language"] = values["language"].lower()
    if values["published"] and not values["date_source"]:
        values["date_source"] = "import"
    values["site_name"] = source_name
    values["extra"] = record
    try:
        domain = site_of(f"//{source.lower()}") if source else site_of(url)
    except ValueError as exc:  # e.g. "[bad": an unclosed IPv6 address
        raise LineError(f"'source' {source!r} is not a domain or a name ({exc})") from None
    if not domain:
        raise LineError(f"'source' {source!r} is not a domain or a name")
    return ImportedArticle(number, Incoming(
        url=url, domain=domain, site_name=source_name, values=values,
        extractor_version=IMPORT_VERSION, seen_at=seen_at or datetime.now(UTC),
    ))


Chunk = list[tuple[int, bytes]]
Parsed = list[ImportedArticle | ImportLineError]


def parse_chunk(chunk: Chunk) -> Parsed:
    """Each line of ``chunk`` parsed, or the reason it cannot be imported."""
    parsed: Parsed = []
    for number, raw in chunk:
        try:
            parsed.append(parse_line(number, raw))
        except LineError as exc:
            parsed.append(ImportLineError(number, str(exc)))
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            # what a line holds is the line's problem, whatever it is: never the batch's
            logger.debug("line %d: %r", number, exc)
            parsed.append(ImportLineError(number, f"cannot be read ({exc})"))
    return parsed


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


def parsed_chunks(path: Path, size: int, *, parallel: bool, ahead: int = 2) -> Iterator[Parsed]:
    """The file's lines parsed, chunk by chunk, in order.

    With ``parallel`` a worker process parses up to ``ahead`` chunks beyond this one while
    the caller stores (parsing and storing take about as long as each other).
    """
    chunks = read_chunks(path, size)
    if not parallel:
        yield from map(parse_chunk, chunks)
        return
    # Ctrl-C is the importing process's to handle: the worker ignores it
    pool = ProcessPoolExecutor(max_workers=1, initializer=signal.signal,
                               initargs=(signal.SIGINT, signal.SIG_IGN))
    try:
        pending: deque[Future[Parsed]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(parse_chunk, chunk))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


class _BatchWriter:
    """Writes batches of imported articles, each batch in one transaction; a batch the
    database refuses is written again line by line, to name the lines at fault."""

    def __init__(self, sessions: sessionmaker[Session], report: ImportReport) -> None:
        self.sessions = sessions
        self.report = report
        self.source_ids: dict[str, int] = {}

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
            writer = ArticleWriter(session, source_ids=self.source_ids)
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
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the JSON Lines file at ``path``; see the module docstring.

    ``on_progress`` is called with the number of lines read after every
    :data:`PARSE_CHUNK` lines.

    Raises:
        ArchiveError: the file cannot be read.
        DatabaseError: the archive cannot be written (what was stored stays).
        ImportInterrupted: Ctrl-C; its report says what was stored (whole batches).
    """
    started = time.monotonic()
    report = ImportReport()
    writer = _BatchWriter(sessions, report)
    try:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size > PARALLEL_FROM_BYTES
    except OSError as exc:
        raise ArchiveError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    batch: list[ImportedArticle] = []
    urls: set[str] = set()
    # lines are parsed PARSE_CHUNK at a time (the worker keeps pace), stored batch_size
    # at a time (fewer, larger transactions)
    # the worker parses the next batch while this one is stored
    ahead = max(2, batch_size // PARSE_CHUNK + 1)
    try:
        for parsed in parsed_chunks(path, PARSE_CHUNK, parallel=parallel, ahead=ahead):
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
