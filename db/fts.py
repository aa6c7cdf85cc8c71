"""Full-text index on SQLite: an FTS5 external-content table kept in sync by triggers.

``articles_fts`` indexes ``articles.title`` and ``articles.text`` without storing them a
second time; the triggers keep it in step with every insert, update and delete, so no
code path can forget to re-index. Large inserts (an import's batches) index their rows
together instead, in the same transaction (:func:`indexed_at_once`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, column, table, text

from db.session import begin_writing

FTS_TABLE = "articles_fts"

#: BM25 weights of the title and text columns, as the ``rank`` option below sets them;
#: searches order by ``bm25()`` with these (see :func:`archive.research.query.sqlite.bm25`)
RANK_WEIGHTS = (5.0, 1.0)
#: the largest rowid SQLite hands out in order (past it, new ids are random)
_MAX_ROWID = 2**63 - 1

_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS articles_fts_insert
    AFTER INSERT ON articles BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END"""

_STATEMENTS = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    # ``rank`` is BM25 with a title word weighing five times a text word (RANK_WEIGHTS);
    # FTS5 keeps this setting in the index
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', 'bm25(5.0, 1.0)')",
    _INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
]


def create_fts(connection: Connection) -> None:
    """Create the FTS5 table and its triggers if they are missing (SQLite only)."""
    for statement in _STATEMENTS:
        connection.execute(text(statement))


@contextmanager
def indexed_at_once(connection: Connection) -> Iterator[None]:
    """Rows inserted into ``articles`` in the block are indexed together at its end, by one
    ``INSERT ... SELECT``, instead of one by one by the insert trigger (SQLite only).

    For large inserts (an import's batches): FTS5 indexes the same rows in about two
    thirds of the CPU time when they come in one statement (``docs/benchmarks.md``).
    The block must run in the caller's transaction, on the connection given: the
    trigger is dropped and created again inside it, so no other connection ever sees it
    missing, and a rollback restores it with everything else. New rows get ids above the
    largest one (SQLite's rule while that is below the maximum), which is how those of
    the block are found.
    """
    begin_writing(connection)  # else the DROP below would be a transaction of its own
    last = connection.execute(text("SELECT coalesce(max(id), 0) FROM articles")).scalar_one()
    if last >= _MAX_ROWID // 2:  # ids may no longer follow the largest: index row by row
        yield
        return
    connection.execute(text("DROP TRIGGER IF EXISTS articles_fts_insert"))
    try:
        yield
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, title, text) "
                 "SELECT id, title, text FROM articles WHERE id > :last"),
            {"last": last},
        )
    finally:
        connection.execute(text(_INSERT_TRIGGER))


#: bytes of new index entries FTS5 gathers in memory before writing them out as a segment
#: (FTS5's default is 1 MiB): a 10,000-article import batch then makes one segment instead
#: of a couple of dozen, which FTS5 would merge again (1.5x faster imports, measured in
#: ``docs/benchmarks.md``). Memory is used only by a transaction writing that much.
FTS_HASH_BYTES = 64 * 1024 * 1024


def set_fts_hash_size(connection: Connection, size: int | None) -> None:
    """Store FTS5's ``hashsize`` option (``None``: back to FTS5's default) in the index
    (SQLite only); it applies to every connection opened afterwards."""
    if size is None:
        connection.execute(text(f"DELETE FROM {FTS_TABLE}_config WHERE k = 'hashsize'"))
    else:
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', :size)"),
            {"size": int(size)},
        )


#: The FTS5 table as a selectable (``rowid`` is the article id).
fts_table = table(FTS_TABLE, column("rowid"), column("title"), column("text"))
