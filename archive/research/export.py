"""Exporting matching articles, streamed: CSV, JSON Lines or Parquet.

Rows come from the database in batches (:func:`archive.research.query.engine.iter_matches`) and
go out in batches, so memory stays flat however many articles match. A file is written
under a temporary name and renamed when complete: a failed export leaves no half file.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from archive.core.article import field_kind
from archive.core.optional import require
from archive.exceptions import ExportError
from archive.research.query.engine import iter_matches
from archive.research.query.filters import Filters
from archive.research.results import RECORD_FIELDS, ArticleView

logger = logging.getLogger(__name__)

#: the name of an export format: a key of :data:`WRITERS`
ExportFormat = str
BATCH = 1_000

#: exported columns, in order: the fields of an archived article
FIELDS = RECORD_FIELDS
_KINDS = {name: field_kind(ArticleView, name) for name in FIELDS}
_DATES = {name for name, kind in _KINDS.items() if kind is datetime}
_LISTS = {name for name, kind in _KINDS.items() if kind is list}
_MAPPINGS = {name for name, kind in _KINDS.items() if kind is dict}


#: what a spreadsheet reads as the start of a formula (=1+2, +1, -1, @SUM(...)), and the
#: tab and carriage return that hide one
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` as CSV cells: lists joined with ``; ``, mappings as JSON, and text a
    spreadsheet would run as a formula given a leading ``'``, so that it is shown as the
    text it is (JSON Lines and Parquet keep every value as it is)."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, list):
            value = "; ".join(value)
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            value = "'" + value
        row[key] = value
    return row


def _record(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {name: mapping[name] for name in FIELDS}


def _json_ready(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in record.items()}


def _write_jsonl(records: Iterable[dict[str, Any]], out: IO[bytes]) -> Iterator[int]:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        for n, record in enumerate(records, 1):
            text.write(json.dumps(_json_ready(record), ensure_ascii=False) + "\n")
            yield n
        text.flush()
    finally:
        text.detach()


def _write_csv(records: Iterable[dict[str, Any]], out: IO[bytes]) -> Iterator[int]:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.DictWriter(text, fieldnames=FIELDS)
        writer.writeheader()
        for n, record in enumerate(records, 1):
            row = _json_ready(record)
            for key in _LISTS:
                row[key] = row[key] or []
            for key in _MAPPINGS:
                row[key] = row[key] or {}
            writer.writerow(csv_row(row))
            yield n
        text.flush()
    finally:
        text.detach()


def _parquet_schema(pa: Any) -> Any:
    timestamp = pa.timestamp("us", tz="UTC")
    arrow = {int: pa.int64(), datetime: timestamp, list: pa.list_(pa.string())}
    return pa.schema([(name, arrow.get(_KINDS[name], pa.string())) for name in FIELDS])


def _write_parquet(records: Iterable[dict[str, Any]], out: IO[bytes]) -> Iterator[int]:
    pa = require("pyarrow", feature="Parquet export", extra="parquet")
    pq = require("pyarrow.parquet", feature="Parquet export", extra="parquet")
    schema = _parquet_schema(pa)
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            for key in _MAPPINGS:
                record[key] = json.dumps(record[key] or {}, ensure_ascii=False)
            batch.append(record)
            if len(batch) == BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                n += len(batch)
                batch.clear()
                yield n
        if batch:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
            yield n


#: each export format's writer: it writes the records to the stream and yields the running
#: count; a new format is a writer here (the CLI's choices and the API follow)
WRITERS: dict[ExportFormat, Callable[[Iterable[dict[str, Any]], IO[bytes]], Iterator[int]]] = {
    "csv": _write_csv,
    "jsonl": _write_jsonl,
    "parquet": _write_parquet,
}
FORMATS: tuple[ExportFormat, ...] = tuple(WRITERS)


def _run(session: Session, query: str | None, filters: Filters, fmt: str, out: IO[bytes],
         on_progress: Callable[[int], None] | None, batch: int) -> int:
    records = (_record(row) for row in iter_matches(session, query, filters, batch=batch))
    written = 0
    for written in WRITERS[fmt](records, out):
        if on_progress is not None and written % BATCH == 0:
            on_progress(written)
    if on_progress is not None:
        on_progress(written)
    return written


def export_matches(
    session: Session,
    query: str | None,
    filters: Filters,
    fmt: str,
    destination: str | Path | IO[bytes],
    *,
    on_progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> int:
    """Write every article matching ``query`` and ``filters`` (all, without a query) as
    ``fmt`` to a file path or a binary stream, in id order; returns how many.

    Rows are read ``batch`` at a time: memory holds about two batches, whatever the total.

    Raises:
        QueryError: the query is malformed.
        ExportError: unknown format, or the file cannot be written.
        MissingDependency: the format needs pyarrow, which is not installed.
    """
    if fmt not in WRITERS:
        raise ExportError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if not isinstance(destination, str | Path):
        return _run(session, query, filters, fmt, destination, on_progress, batch)
    path = Path(destination)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            count = _run(session, query, filters, fmt, out, on_progress, batch)
        os.replace(partial, path)
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)
    logger.info("exported %d articles to %s", count, path)
    return count
