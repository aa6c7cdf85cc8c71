"""The archive's storage: models, database opening, full-text index."""

from db.exceptions import (
    BadDatabaseURL,
    DatabaseError,
    NoArchive,
    NotAnArchive,
    SchemaOutdated,
    reason_of,
)
from db.fts import indexed_at_once
from db.session import (
    DEFAULT_DB_URL,
    begin_batch,
    limit_page_cache,
    open_engine,
    resolve_db_url,
    session_factory,
)

__all__ = [
    "DEFAULT_DB_URL",
    "BadDatabaseURL",
    "DatabaseError",
    "NoArchive",
    "NotAnArchive",
    "SchemaOutdated",
    "begin_batch",
    "indexed_at_once",
    "limit_page_cache",
    "open_engine",
    "reason_of",
    "resolve_db_url",
    "session_factory",
]
