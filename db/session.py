"""Opening the archive database: URL resolution, engine set-up, schema creation."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.exceptions import BadDatabaseURL, DatabaseError, reason_of
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


def resolve_db_url(url: str | None = None) -> str:
    """The database URL to use: ``url``, else ``$VIRAL_ARCHIVE_DB``, else ``archive.db`` here."""
    return url or os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


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
    except ArgumentError as exc:
        raise BadDatabaseURL(
            f"{resolved!r} is not a database URL; use e.g. sqlite:///archive.db"
        ) from exc


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


def _check_sqlite_path(database: str | None, *, create: bool) -> None:
    if not database or database == ":memory:":
        return
    if database.startswith("file:"):
        database = unquote(database.removeprefix("file:"))
    path = Path(database)
    if not create and not path.exists():
        raise DatabaseError(f"There is no archive at {database}; crawl into it first.")
    if path.is_dir():
        raise DatabaseError(f"The database path {database} is a directory, not a file.")
    if not path.parent.exists():
        raise DatabaseError(f"The folder of the database file {database} does not exist.")


def _prepare_schema(connection: Connection, *, create: bool, check_schema: bool,
                    name: str) -> None:
    if create and connection.dialect.name == "postgresql":
        # workers starting together must not race each other's CREATE TABLE
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": SCHEMA_LOCK_ID})
    if current_revision(connection) is None:
        if not create:
            raise DatabaseError(f"{name} holds no archive.")
        upgrade(connection)  # a new archive: every migration, up to the latest
    elif check_schema:
        check_revision(connection)


def open_engine(
    url: str | None = None, *, create: bool = True, check_schema: bool = True
) -> Engine:
    """Open the archive at ``url`` (see :func:`resolve_db_url`) and return its engine.

    SQLite files are opened in WAL mode with a busy timeout and foreign keys on. With
    ``create`` an empty database becomes an archive at the latest schema revision
    (tables, and the full-text index: FTS5 on SQLite, a ``tsvector`` column with a GIN
    index on PostgreSQL). With ``check_schema`` an archive at an older revision is
    refused (``viral-archive db upgrade`` migrates it).

    Raises:
        BadDatabaseURL: the URL is malformed or names a backend that is not installed.
        SchemaOutdated: the archive's schema is not at this version's revision.
        DatabaseError: the database cannot be opened, or is not an archive database.
    """
    resolved, parsed = _parse(url)
    read_only = parsed.get_backend_name() == "sqlite" and _is_read_only_sqlite(parsed)
    create = create and not read_only
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_path(parsed.database, create=create)
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
