"""Copying an archive into another database (e.g. SQLite into PostgreSQL), resumably.

Tables are copied parent first, each in primary-key order, ``batch`` rows at a time,
one transaction per batch, so memory stays flat and an interrupted copy keeps what it
wrote. Rows keep their ids (references stay right), so the target must be a new
archive, or one an earlier run of the same copy filled in part: a row whose primary key
is already there is skipped, which makes running the copy again resume where it
stopped. Full-text indexes are derived data: the target's own triggers or generated
column fill them as rows arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, func, insert, select, text, tuple_

from db.models import Base

logger = logging.getLogger(__name__)

#: copied in this order (parents before children)
TABLE_ORDER = ("sources", "crawls", "articles", "article_versions", "raw_pages",
               "crawl_errors", "url_states", "crawl_locks", "stories", "story_articles",
               "story_bands")

ProgressCallback = Callable[[str, int, int], None]


@dataclass(slots=True)
class TableCopy:
    """What copying one table did."""

    table: str
    source_rows: int
    copied: int = 0
    skipped: int = 0


def _tables() -> list[Table]:
    tables = Base.metadata.tables
    ordered = [tables[name] for name in TABLE_ORDER if name in tables]
    # a table added to the models later but not to TABLE_ORDER still gets copied, last
    rest = [t for t in Base.metadata.sorted_tables if t.name not in TABLE_ORDER]
    return ordered + rest


def _present(target: Connection, table: Table, rows: list[dict[str, object]]) -> set[int]:
    """Indexes of ``rows`` whose primary key the target already has."""
    keys = [c.name for c in table.primary_key.columns]
    wanted = {tuple(row[c] for c in keys): i for i, row in enumerate(rows)}
    if len(keys) == 1:
        condition = table.c[keys[0]].in_([k[0] for k in wanted])
    else:
        condition = tuple_(*(table.c[c] for c in keys)).in_(list(wanted))
    found = target.execute(select(*(table.c[c] for c in keys)).where(condition))
    return {wanted[tuple(row)] for row in found}


def _reset_sequence(target: Connection, table: Table) -> None:
    # rows came with their ids: move PostgreSQL's id sequence past them
    if target.dialect.name != "postgresql" or "id" not in table.c:
        return
    target.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
        ),
        {"table": table.name},
    )


def copy_archive(
    source: Engine, target: Engine, *, batch: int = 1_000,
    on_progress: ProgressCallback | None = None,
) -> list[TableCopy]:
    """Copy every row of the archive at ``source`` into the archive at ``target``.

    Both must be archives at the same schema revision (open them with
    :func:`db.open_engine`). ``on_progress(table, done, total)`` follows each batch.
    """
    results = []
    for table in _tables():
        with source.connect() as reader:
            total = int(reader.scalar(select(func.count()).select_from(table)) or 0)
            result = TableCopy(table.name, total)
            order = [table.c[c.name] for c in table.primary_key.columns]
            rows_seen = 0
            stream = reader.execution_options(yield_per=batch).execute(
                select(table).order_by(*order)
            )
            for chunk in stream.mappings().partitions(batch):
                rows = [dict(row) for row in chunk]
                with target.begin() as writer:
                    present = _present(writer, table, rows)
                    fresh = [row for i, row in enumerate(rows) if i not in present]
                    if fresh:
                        writer.execute(insert(table), fresh)
                result.copied += len(fresh)
                result.skipped += len(present)
                rows_seen += len(rows)
                if on_progress is not None:
                    on_progress(table.name, rows_seen, total)
        with target.begin() as writer:
            _reset_sequence(writer, table)
        logger.info("Copied %s: %d rows, %d already there", table.name, result.copied,
                    result.skipped)
        results.append(result)
    return results
