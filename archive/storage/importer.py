"""Importing articles from JSON Lines: other collections brought into the archive.

One JSON object per line with ``url``, ``title``, ``text``, ``published``, ``authors``,
``source`` and ``language``; news-please's names (``maintext``, ``date_publish``,
``source_domain``, ``image_url``, ...) are understood too, and any other key is kept in
the article's ``extra`` metadata. A line that cannot be imported is reported with its
number and reason; the good lines are kept.

Lines are written in batches of :data:`BATCH`, each in one transaction, new rows with one
DB-API ``executemany`` on SQLite — the FTS triggers index every new row as it is inserted,
in the same transaction, so an interrupted import leaves whole batches, each fully
indexed. A URL already archived is treated as a
crawl would: unchanged, or updated with its previous state kept as a version.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.core.urls import normalize_url, site_of
from archive.exceptions import ArchiveError
from archive.research.results import ImportLineError, ImportReport
from archive.storage.writer import content_hash
from db import models

logger = logging.getLogger(__name__)

#: lines per transaction: FTS5 writes an index segment at least once per transaction,
#: and fewer, larger segments are cheaper to write and merge (see ``docs/benchmarks.md``)
BATCH = 10_000
#: lines a worker process parses at a time
PARSE_CHUNK = 1_000
IMPORT_VERSION = "import"
MAX_LINE_BYTES = 20_000_000
MAX_URL_LENGTH = 2048
#: files smaller than this are parsed in-process (a worker process costs more to start)
PARALLEL_FROM_BYTES = 4_000_000

#: accepted spellings of each field (ours first, then news-please's and others')
ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "canonical_url"),
    "title": ("title",),
    "text": ("text", "maintext", "body", "articleBody"),
    "published": ("published", "date_publish", "datePublished", "date"),
    "modified": ("modified", "date_modify", "dateModified"),
    "authors": ("authors", "author"),
    "source": ("source", "source_domain", "domain"),
    "source_name": ("source_name", "site_name"),
    "language": ("language", "lang"),
    "description": ("description",),
    "image": ("image", "image_url"),
    "tags": ("tags", "keywords"),
}


#: the table itself: a Core insert skips the ORM's per-row bookkeeping
ARTICLES: Table = models.Article.__table__  # type: ignore[assignment]


def insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``articles``.

    On SQLite with one DB-API ``executemany``: the values go through the columns' own
    bind processors (UTC datetimes, JSON), as a Core insert would; what this skips is
    Core's per-row parameter bookkeeping, which cost about a third of a large import.
    Other databases get a Core insert.
    """
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(ARTICLES), rows)
        return
    compiled = insert(ARTICLES).compile(dialect=dialect, column_keys=list(rows[0]))
    binds = [compiled.binds[name] for name in compiled.positiontup or ()]
    # dialect_impl: the SQLite-specific processors (datetimes as SQLAlchemy stores them,
    # with microseconds, so that they compare as text with what the ORM binds)
    columns = [(bind.key, bind.type.dialect_impl(dialect).bind_processor(dialect))
               for bind in binds]
    params = [
        tuple(process(row[key]) if process else row[key] for key, process in columns)
        for row in rows
    ]
    connection.exec_driver_sql(str(compiled), params)


class LineError(ValueError):
    """A line cannot be imported; the message says why."""


@dataclass(slots=True)
class ImportedArticle:
    """One valid line, ready to store."""

    line: int
    url: str
    domain: str
    source_name: str | None
    values: dict[str, Any]


def _text(record: dict[str, Any], field: str, *, limit: int | None = None) -> str | None:
    for key in ALIASES[field]:
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


def _names(record: dict[str, Any], field: str) -> list[str]:
    for key in ALIASES[field]:
        value = record.pop(key, None)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LineError(f"'{key}' must be a list of names or one name")
        return [v.strip() for v in value if v.strip()]
    return []


def _date(record: dict[str, Any], field: str) -> datetime | None:
    text = _text(record, field)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise LineError(f"{field} {text!r} is not an ISO 8601 date") from None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def parse_line(number: int, raw: bytes) -> ImportedArticle:
    """The article a JSON Lines line describes.

    Raises:
        LineError: the line is not a JSON object, lacks a URL or text, or a field has the
            wrong type or form.
    """
    if len(raw) > MAX_LINE_BYTES:
        raise LineError(f"the line is longer than {MAX_LINE_BYTES} bytes")
    try:
        record = json.loads(raw)
    except UnicodeDecodeError:
        raise LineError("the line is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LineError(f"a JSON object was expected, not {type(record).__name__}")
    url = _text(record, "url", limit=MAX_URL_LENGTH)
    if url is None or not url.startswith(("http://", "https://")):
        raise LineError("'url' must be an http(s) URL")
    text = _text(record, "text")
    if text is None:
        raise LineError("'text' is missing or empty")
    title = _text(record, "title")
    source = _text(record, "source", limit=255)
    source_name = _text(record, "source_name", limit=255)
    if source and (" " in source or "." not in source):
        source_name, source = source_name or source, None  # a name, not a domain
    url = normalize_url(url)
    domain = site_of(f"//{source.lower()}") if source else site_of(url)
    language = _text(record, "language", limit=8)
    values = {
        "url": url,
        "title": title,
        "text": text,
        "published": _date(record, "published"),
        "modified": _date(record, "modified"),
        "authors": _names(record, "authors"),
        "language": language.lower() if language else None,
        "description": _text(record, "description"),
        "image": _text(record, "image", limit=MAX_URL_LENGTH),
        "tags": _names(record, "tags"),
        "content_hash": content_hash(title, text),
        "extractor_version": IMPORT_VERSION,
        "extra": record,
    }
    values["date_source"] = "import" if values["published"] else None
    values["site_name"] = source_name
    return ImportedArticle(number, url, domain, source_name, values)


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
    with ProcessPoolExecutor(max_workers=1) as pool:
        pending: deque[Future[Parsed]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(parse_chunk, chunk))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


class _Writer:
    """Stores batches of imported articles, each batch in one transaction."""

    def __init__(self, sessions: sessionmaker[Session], report: ImportReport) -> None:
        self.sessions = sessions
        self.report = report
        self.source_ids: dict[str, int] = {}

    def _source_id(self, session: Session, item: ImportedArticle) -> int:
        if not self.source_ids:
            self.source_ids = {
                domain: source_id for source_id, domain in
                session.execute(select(models.Source.id, models.Source.domain))
            }
        source_id = self.source_ids.get(item.domain)
        if source_id is None:
            source = models.Source(domain=item.domain, name=item.source_name)
            session.add(source)
            session.flush()
            source_id = self.source_ids[item.domain] = source.id
        return source_id

    def write(self, batch: list[ImportedArticle]) -> None:
        try:
            with self.sessions.begin() as session:
                self._store(session, batch)
        except SQLAlchemyError:
            if len(batch) == 1:
                raise
            # one bad row fails the whole batch: store line by line to find it
            self.source_ids.clear()
            for item in batch:
                try:
                    with self.sessions.begin() as session:
                        self._store(session, [item])
                except SQLAlchemyError as exc:
                    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                    self.report.errors.append(ImportLineError(item.line, reason))

    def _store(self, session: Session, batch: list[ImportedArticle]) -> None:
        now = datetime.now(UTC)
        known = {
            row.url: row
            for row in session.execute(
                select(models.Article.id, models.Article.url, models.Article.content_hash)
                .where(models.Article.url.in_([item.url for item in batch]))
            )
        }
        new_rows: list[dict[str, Any]] = []
        for item in batch:
            row = known.get(item.url)
            if row is None:
                new_rows.append({**item.values, "source_id": self._source_id(session, item),
                                 "first_seen": now, "last_seen": now, "changed_at": now})
            elif row.content_hash == item.values["content_hash"]:
                session.get_one(models.Article, row.id).last_seen = now
                self.report.unchanged += 1
            else:
                self._update(session, row.id, item, now)
                self.report.updated += 1
        if new_rows:
            insert_rows(session.connection(), new_rows)
            self.report.new += len(new_rows)

    @staticmethod
    def _update(session: Session, article_id: int, item: ImportedArticle, now: datetime) -> None:
        record = session.get_one(models.Article, article_id)
        session.add(models.ArticleVersion(
            article_id=record.id, number=len(record.versions) + 1, title=record.title,
            text=record.text, content_hash=record.content_hash,
            extractor_version=record.extractor_version, fetched_at=record.changed_at,
        ))
        for key, value in item.values.items():
            if key != "url":
                setattr(record, key, value)
        record.last_seen = record.changed_at = now


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
    """
    started = time.monotonic()
    report = ImportReport()
    writer = _Writer(sessions, report)
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
    for parsed in parsed_chunks(path, PARSE_CHUNK, parallel=parallel, ahead=ahead):
        for item in parsed:
            report.lines += 1
            if isinstance(item, ImportLineError):
                report.errors.append(item)
                continue
            if item.url in urls or len(batch) >= batch_size:
                # the same URL twice: the first must be stored first
                writer.write(batch)
                batch, urls = [], set()
            batch.append(item)
            urls.add(item.url)
        if on_progress is not None:
            on_progress(report.lines)
    if batch:
        writer.write(batch)
    report.errors.sort(key=lambda error: error.line)
    report.seconds = time.monotonic() - started
    logger.info("imported %s: %d new, %d updated, %d unchanged, %d bad lines", path,
                report.new, report.updated, report.unchanged, len(report.errors))
    return report
