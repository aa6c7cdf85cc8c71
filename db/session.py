"""Opening the archive database: URL resolution, engine set-up, schema creation."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.exceptions import BadDatabaseURL, DatabaseError, NoArchive, NotAnArchive, reason_of
from db.migrate import check_revision, current_revision, upgrade

logger = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///archive.db"
DB_URL_ENV = "VIRAL_ARCHIVE_DB"
#: how long a SQLite writer waits for another one before giving up
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: SQLite page cache per connection, in KiB (allocated as used): searching ranks each
#: match with sizes read from FTS5's tables and counting walks the date index; with the
#: default 2 MB those pages are read again on every query of a large archive
SQLITE_CACHE_KIB = 65_536
#: PostgreSQL advisory lock held while the schema is created, so that workers starting
#: together do not race each other's CREATE TABLE (any fixed number works; this is ours)
SCHEMA_LOCK_ID = 0x7661_7263  # "varc"


def resolve_db_url(url: str | os.PathLike[str] | None = None) -> str:
    """The database URL to use: ``url``, else ``$VIRAL_ARCHIVE_DB``, else ``archive.db`` here.

    A plain path (no ``://``, as in ``news.db`` or ``/data/news.db``) names a SQLite file.
    """
    resolved = os.fspath(url) if url else os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL
    return resolved if "://" in resolved else f"sqlite:///{resolved}"


def _sqlite_read_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # a read-only connection cannot switch the journal mode, so only writers set it
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    _sqlite_read_pragmas(dbapi_connection, record)


def _is_read_only_sqlite(parsed: URL) -> bool:
    return parsed.query.get("uri") == "true" and parsed.query.get("mode") == "ro"


def _parse(url: str | None) -> tuple[str, URL]:
    """The resolved URL of the archive at ``url``, as text and parsed.

    Raises:
        BadDatabaseURL: the URL is malformed.
    """
    resolved = resolve_db_url(url)
    try:
        return resolved, make_url(resolved)
    except (ArgumentError, ValueError) as exc:  # ValueError: e.g. a port that is no number
        raise BadDatabaseURL(
            f"{resolved!r} is not a database URL; use e.g. sqlite:///archive.db"
        ) from exc


def sqlite_file(url: str | os.PathLike[str] | None) -> Path | None:
    """The file of the SQLite database at ``url`` (a URL or a plain path); ``None`` for
    another database or one in memory.

    Raises:
        BadDatabaseURL: the URL is malformed.
    """
    _, parsed = _parse(os.fspath(url) if url else None)
    if parsed.get_backend_name() != "sqlite" or _is_in_memory(parsed):
        return None
    database = str(parsed.database)
    return Path(unquote(database.removeprefix("file:")) if database.startswith("file:")
                else database)


def read_only_url(url: str | None = None) -> str:
    """The URL of the archive at ``url`` (see :func:`resolve_db_url`), opened read-only.

    A SQLite file becomes ``sqlite:///file:/absolute/path?mode=ro&uri=true``: every write
    through it fails. Other URLs come back resolved but unchanged.

    Raises:
        BadDatabaseURL: the URL is malformed.
    """
    resolved, parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return resolved
    if parsed.database == ":memory:" or _is_read_only_sqlite(parsed):
        return resolved
    path = quote(str(Path(parsed.database).resolve()), safe="/")
    read_only = parsed.set(database=f"file:{path}", query={"mode": "ro", "uri": "true"})
    return read_only.render_as_string(hide_password=False)


def _is_in_memory(parsed: URL) -> bool:
    return (not parsed.database or parsed.database == ":memory:"
            or parsed.query.get("mode") == "memory")


def _check_sqlite_path(parsed: URL, *, create: bool, write: bool) -> None:
    """Refuse a SQLite database that cannot hold an archive for this use.

    Raises:
        DatabaseError: in memory (when writing: it would vanish with the process),
            missing (unless creating), a folder, opened read-only or not writable (when
            writing).
    """
    if _is_in_memory(parsed):
        if write:
            raise BadDatabaseURL(
                f"{parsed.render_as_string(hide_password=True)} is an in-memory database: "
                "what is written there vanishes when the command ends; give a file, "
                "e.g. sqlite:///archive.db."
            )
        return
    path = sqlite_file(parsed.render_as_string(hide_password=False))
    assert path is not None
    database = str(path)
    if not create and not path.exists():
        raise NoArchive(
            f"There is no archive at {database} (no such file); check the path, or make "
            "one with crawl, import or db upgrade --create."
        )
    if path.is_dir():
        raise DatabaseError(f"The database path {database} is a directory, not a file.")
    if not path.parent.exists():
        raise DatabaseError(f"The folder of the database file {database} does not exist.")
    if not write:
        return
    if _is_read_only_sqlite(parsed):
        raise DatabaseError(f"The archive {database} is opened read-only (mode=ro); this "
                            "command writes to it, so give its plain sqlite:/// URL.")
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseError(f"The archive file {database} is read-only; make it writable "
                            "(chmod u+w) or give another archive.")
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"The folder of the archive file {database} is read-only; SQLite "
                            "writes its journal beside the file, so it must be writable.")


def _prepare_schema(connection: Connection, *, create: bool, check_schema: bool,
                    name: str) -> None:
    if create and connection.dialect.name == "postgresql":
        # workers starting together must not race each other's CREATE TABLE
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SCHEMA_LOCK_ID})
    if current_revision(connection) is None:
        others = inspect(connection).get_table_names()
        if others:
            # somebody else's database: adding our tables to it would be a mess to undo
            shown = ", ".join(sorted(others)[:5]) + (", ..." if len(others) > 5 else "")
            raise NotAnArchive(f"{name} holds other tables ({shown}), not an archive; give "
                               "the URL of an archive, or of a new file or empty database.")
        if not create:
            raise NoArchive(f"{name} holds no archive; check the URL, or make one with "
                            "crawl, import or db upgrade --create.")
        upgrade(connection)  # a new archive: every migration, up to the latest
    elif check_schema:
        check_revision(connection)


def open_engine(
    url: str | None = None, *, create: bool = True, check_schema: bool = True,
    write: bool | None = None,
) -> Engine:
    """Open the archive at ``url`` (see :func:`resolve_db_url`) and return its engine.

    SQLite files are opened in WAL mode with a busy timeout and foreign keys on. With
    ``create`` an empty database becomes an archive at the latest schema revision
    (tables, and the full-text index: FTS5 on SQLite, a ``tsvector`` column with a GIN
    index on PostgreSQL). With ``check_schema`` an archive at an older revision is
    refused (``viral-archive db upgrade`` migrates it). ``write`` (by default: as
    ``create``) says the caller will write: a SQLite database in memory, opened
    read-only or in a read-only file is then refused before anything is done. A database
    holding tables of its own but no archive is never touched.

    Raises:
        BadDatabaseURL: the URL is malformed, names a backend that is not installed, or
            an in-memory database to write to.
        SchemaOutdated: the archive's schema is not at this version's revision.
        NoArchive: the database (or SQLite file) does not exist or is empty, and
            ``create`` is false.
        NotAnArchive: the database holds other tables than an archive's.
        DatabaseError: the database cannot be opened or written.
    """
    resolved, parsed = _parse(url)
    write = create if write is None else write
    read_only = parsed.get_backend_name() == "sqlite" and _is_read_only_sqlite(parsed)
    create = create and not read_only
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed, create=create, write=write)
    try:
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except (NoSuchModuleError, ImportError) as exc:
        if parsed.get_backend_name() == "postgresql":
            raise BadDatabaseURL(
                "PostgreSQL needs the psycopg driver: pip install 'viral-archive[postgres]' "
                "and use a postgresql+psycopg://USER@HOST/DATABASE URL."
            ) from exc
        raise BadDatabaseURL(
            f"The database backend of {parsed.render_as_string(hide_password=True)!r} "
            "is not supported or its driver is not installed."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_pragmas if read_only else _sqlite_pragmas)
    try:
        with engine.begin() as connection:
            _prepare_schema(connection, create=create, check_schema=check_schema,
                            name=parsed.database or resolved)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = reason_of(exc)
        raise DatabaseError(
            f"Cannot open the archive database {parsed.render_as_string(hide_password=True)}: "
            f"{reason}."
        ) from exc
    except DatabaseError:
        engine.dispose()
        raise
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory for ``engine``; callers own transactions (``with f.begin()``)."""
    return sessionmaker(engine, expire_on_commit=False)


def begin_batch(session: Session) -> None:
    """Start ``session``'s transaction in the database now, as a writer, so that the
    SAVEPOINTs of a batch nest in it.

    The SQLite driver (pysqlite) sends ``BEGIN`` only before the first INSERT, UPDATE or
    DELETE; a SAVEPOINT sent earlier starts a transaction of its own, which its RELEASE
    then commits — a batch of savepoints would be as many commits. ``IMMEDIATE`` takes
    the write lock at once (waiting for another writer, as any write does): a deferred
    transaction that has read could not write any more once another connection has
    committed (SQLite answers "database is locked" at once, without waiting).
    """
    begin_writing(session.connection())


def begin_writing(connection: Connection) -> None:
    """:func:`begin_batch` for a Core connection: on SQLite, open its transaction now, as
    a writer, if the driver has not yet (statements that are not INSERT, UPDATE or DELETE,
    DDL included, would otherwise run and commit on their own)."""
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def limit_page_cache(session: Session, kib: int) -> None:
    """Let ``session``'s SQLite connection cache at most ``kib`` KiB of database pages
    (the default, :data:`SQLITE_CACHE_KIB`, is sized for searches of a large archive;
    a writer that appends needs far less). No-op on other databases."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
