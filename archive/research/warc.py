"""Exporting the stored raw pages as a standard WARC file (with warcio).

Every stored response becomes one WARC ``response`` record: the target URL, the fetch
time, and an HTTP/1.1 header block rebuilt from the stored status and headers followed
by the stored body. The crawler keeps bodies as decoded (gzip and chunking undone), so
``Content-Encoding`` and ``Transfer-Encoding`` are dropped and ``Content-Length`` is
written for the body as stored. A ``warcinfo`` record opens the file.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive import __version__
from archive.exceptions import ExportError
from archive.storage.sources import check_source_exists, source_condition
from db import DatabaseError, models, reason_of

logger = logging.getLogger(__name__)

#: headers describing a transfer the stored body no longer has
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
BATCH_SIZE = 200

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class WarcExport:
    """What :func:`export_warc` wrote."""

    path: Path
    responses: int
    skipped: int
    bytes_written: int


def status_line(status: int) -> str:
    """``200 OK``: the status and its standard reason phrase (the stored page keeps no phrase)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def http_header_block(status: int, headers: dict[str, Any], body_length: int) -> StatusAndHeaders:
    """The HTTP/1.1 status line and headers of a stored response, fit for its stored body.

    ``headers`` is ``{name: [values]}`` as stored; each value becomes one header line.
    """
    lines: list[tuple[str, str]] = []
    for name, values in headers.items():
        if name.lower() in _TRANSFER_HEADERS:
            continue
        for value in values if isinstance(values, list) else [values]:
            lines.append((name, str(value)))
    lines.append(("Content-Length", str(body_length)))
    return StatusAndHeaders(status_line(status), lines, protocol="HTTP/1.1")


def _raw_pages(*, source: str | None, since: datetime | None) -> Select:
    stmt = select(models.RawPage.id)
    if source:
        stmt = stmt.join(models.Article, models.RawPage.article_id == models.Article.id).where(
            source_condition(source)
        )
    if since is not None:
        stmt = stmt.where(models.RawPage.fetched_at >= since)
    return stmt.order_by(models.RawPage.id)


def _pages(sessions: sessionmaker[Session], stmt: Select) -> Iterator[models.RawPage]:
    # one batch of rows in memory at a time, bodies included
    last_id = 0
    while True:
        with sessions() as session:
            ids = list(session.scalars(stmt.where(models.RawPage.id > last_id).limit(BATCH_SIZE)))
            if not ids:
                return
            yield from session.scalars(
                select(models.RawPage).where(models.RawPage.id.in_(ids)).order_by(models.RawPage.id)
            )
        last_id = ids[-1]


def _open_target(path: Path, *, overwrite: bool) -> tuple[Path, BinaryIO]:
    if path.exists() and not overwrite:
        raise ExportError(f"{path} already exists; choose another path or pass --overwrite.")
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give the path of a file to write.")
    partial = path.with_name(path.name + ".part")
    try:
        return partial, partial.open("wb")
    except OSError as exc:
        raise ExportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def export_warc(
    sessions: sessionmaker[Session],
    path: str | os.PathLike[str],
    *,
    gzip: bool = True,
    overwrite: bool = False,
    source: str | None = None,
    since: datetime | None = None,
    on_progress: ProgressCallback | None = None,
) -> WarcExport:
    """Write the stored raw pages to a WARC file at ``path``, oldest first.

    ``source`` (a host, site name or sources-file name) and ``since`` (fetched at or
    after) select the pages. With ``gzip`` each record is compressed on its own
    (``.warc.gz``). The file
    is written under a ``.part`` name and renamed when complete, so ``path`` never holds
    a half-written file. ``on_progress(done, total)`` is called after each page.

    Raises:
        ExportError: ``path`` exists (without ``overwrite``), is a folder, or cannot be
            written.
        UnknownSource: ``source`` names no source of the archive.
        DatabaseError: the archive cannot be read.
    """
    target = Path(path)
    stmt = _raw_pages(source=source, since=since)
    try:
        with sessions() as session:
            if source:
                check_source_exists(session, source)
            total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    except SQLAlchemyError as exc:
        raise _database_error(exc) from exc
    partial, stream = _open_target(target, overwrite=overwrite)
    responses = skipped = 0
    try:
        with stream:
            writer = WARCWriter(stream, gzip=gzip)
            writer.write_record(writer.create_warcinfo_record(target.name, {
                "software": f"viral-archive/{__version__}",
                "format": "WARC File Format 1.0",
                "description": "Raw pages stored by viral-archive, bodies as decoded by "
                               "the crawler (transfer and content encodings removed).",
            }))
            for done, page in enumerate(_pages(sessions, stmt), start=1):
                if _write_page(writer, page):
                    responses += 1
                else:
                    skipped += 1
                if on_progress is not None:
                    on_progress(done, total)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    except SQLAlchemyError as exc:
        partial.unlink(missing_ok=True)
        raise _database_error(exc) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return WarcExport(target, responses, skipped, target.stat().st_size)


def _database_error(exc: SQLAlchemyError) -> DatabaseError:
    reason = reason_of(exc)
    return DatabaseError(f"The raw pages cannot be read from the archive ({reason}).")


def _write_page(writer: WARCWriter, page: models.RawPage) -> bool:
    try:
        body = zlib.decompress(page.body)
    except zlib.error as exc:
        # nothing faithful to export; the archive still holds the row for inspection
        logger.warning("Raw page %s (%s) is corrupt and was not exported: %s",
                       page.id, page.url, exc)
        return False
    record = writer.create_warc_record(
        page.url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_header_block(page.status, page.headers or {}, len(body)),
        warc_headers_dict={"WARC-Date": datetime_to_iso_date(page.fetched_at.astimezone(UTC))},
    )
    writer.write_record(record)
    return True
