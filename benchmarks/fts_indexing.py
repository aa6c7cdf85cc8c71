"""What FTS5 indexing costs an import, three ways, on the same rows.

The articles of an existing SQLite archive (``--from``, e.g. the one
``benchmarks/import_speed.py`` leaves in its ``--workdir``) are copied, ``--batch`` rows
per transaction, into fresh archives, inside SQLite (one ``INSERT ... SELECT`` from the
attached source per row, run by one ``executemany`` per batch, as an import inserts its
rows), with the full-text index kept:

- ``none``: the insert trigger dropped and no index built (what the rest costs);
- ``row by row``: by the insert trigger, one row at a time (how imports indexed until
  issue #13, and how a crawl's articles still are);
- ``batch at once``: each batch's new rows indexed by one ``INSERT ... SELECT`` at the
  end of its transaction (:func:`db.fts.indexed_at_once`: what imports do now);
- ``deferred``: the trigger dropped, one ``'rebuild'`` of the whole index at the end
  (an import whose articles cannot be searched until it has finished).

Reported: seconds, rows/s and CPU seconds of this process (SQLite runs in it)::

    python -m benchmarks.fts_indexing --from /tmp/ib/archive-200000.db
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from archive.research.api import Archive
from db import indexed_at_once

#: the columns copied (all but ``id``, which the new archive numbers)
COLUMNS = ("url, source_id, title, authors, published, modified, date_source, language, "
           "site_name, description, image, tags, extra, text, content_hash, "
           "extractor_version, first_seen, last_seen, changed_at")


def _copy(connection: Connection, ids: list[int]) -> None:
    """Copy the articles ``ids``, one statement each (as an import's ``executemany``)."""
    connection.exec_driver_sql(
        f"INSERT INTO articles ({COLUMNS}) SELECT {COLUMNS} FROM source.articles WHERE id = ?",
        [(article_id,) for article_id in ids])


def _batch_at_once(connection: Connection, ids: list[int]) -> None:
    with indexed_at_once(connection):
        _copy(connection, ids)


def run(way: str, source: Path, target: Path, rows: int, batch: int) -> str:
    """Copy ``rows`` articles of ``source`` into a fresh archive at ``target``, indexed
    ``way``; one line of figures."""
    for leftover in target.parent.glob(f"{target.name}*"):
        leftover.unlink()
    arc = Archive(f"sqlite:///{target}", create=True)
    copy_batch: Callable[[Connection, list[int]], None] = (
        _batch_at_once if way == "batch at once" else _copy)
    with arc.engine.connect() as connection:
        connection.exec_driver_sql(f"ATTACH DATABASE '{source}' AS source")
        connection.exec_driver_sql("INSERT INTO main.sources SELECT * FROM source.sources")
        connection.commit()
        if way in ("none", "deferred"):
            connection.exec_driver_sql("DROP TRIGGER articles_fts_insert")
            connection.commit()
        ids = [row[0] for row in connection.exec_driver_sql(
            f"SELECT id FROM source.articles ORDER BY id LIMIT {int(rows)}")]
        cpu, started = time.process_time(), time.monotonic()
        for first in range(0, len(ids), batch):
            copy_batch(connection, ids[first:first + batch])
            connection.commit()
        if way == "deferred":
            connection.exec_driver_sql(
                "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            connection.commit()
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        copied = connection.exec_driver_sql("SELECT count(*) FROM articles").scalar_one()
        if way != "none":  # FTS5's own check that the index holds exactly these rows
            connection.exec_driver_sql(
                "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        connection.exec_driver_sql("DETACH DATABASE source")
    arc.close()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{way:>14}: {copied:>9,} rows in {seconds:7.1f} s = {copied / seconds:7,.0f}/s; "
            f"CPU {cpu:7.1f} s ({1e6 * cpu / copied:4.0f} µs/row); load {load}")


WAYS = ("none", "row by row", "batch at once", "deferred")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, required=True,
                        help="a SQLite archive whose articles are copied")
    parser.add_argument("--rows", type=int, default=10**9, help="at most this many")
    parser.add_argument("--batch", type=int, default=10_000, help="rows per transaction")
    parser.add_argument("--ways", default=",".join(WAYS), help="comma-separated, of: "
                        + ", ".join(WAYS))
    parser.add_argument("--workdir", type=Path, help="default: next to --from")
    args = parser.parse_args(argv)
    if not args.source.exists():
        parser.error(f"{args.source} does not exist")
    target = (args.workdir or args.source.parent) / "fts-indexing.db"
    for way in args.ways.split(","):
        if way not in WAYS:
            parser.error(f"unknown way {way!r}; choose among {', '.join(WAYS)}")
        print(run(way, args.source.resolve(), target, args.rows, args.batch), flush=True)
    for leftover in target.parent.glob(f"{target.name}*"):
        leftover.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
