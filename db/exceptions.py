"""Errors raised by the ``db`` package.

Hierarchy::

    DatabaseError                 the archive database cannot be opened or used
    ├── BadDatabaseURL            the database URL itself is malformed or unsupported
    ├── NoArchive                 the database (or SQLite file) holds no archive yet
    ├── NotAnArchive              the database holds other tables: it is not ours to change
    └── SchemaOutdated            the archive's schema revision is not the one this version needs
"""

from __future__ import annotations


class DatabaseError(Exception):
    """The archive database cannot be opened or used; the message says why."""


class BadDatabaseURL(DatabaseError):
    """The database URL is malformed or names an unsupported backend."""


class NoArchive(DatabaseError):
    """The database, or the SQLite file, does not exist or is empty: no archive is there."""


class NotAnArchive(DatabaseError):
    """The database holds tables that are not an archive's; it is left untouched."""


class SchemaOutdated(DatabaseError):
    """The archive's schema is at another revision than this version of viral-archive
    needs; ``viral-archive db upgrade`` migrates it."""


def reason_of(exc: BaseException) -> str:
    """The first line of what the database driver said about ``exc`` (a SQLAlchemy
    error wraps the driver's in ``orig``), fit for a one-sentence message."""
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines else type(exc).__name__
