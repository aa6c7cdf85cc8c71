"""Errors raised by the ``db`` package.

Hierarchy::

    DatabaseError                 the archive database cannot be opened or used
    ├── BadDatabaseURL            the database URL itself is malformed or unsupported
    └── SchemaOutdated            the archive's schema revision is not the one this version needs
"""

from __future__ import annotations


class DatabaseError(Exception):
    """The archive database cannot be opened or used; the message says why."""


class BadDatabaseURL(DatabaseError):
    """The database URL is malformed or names an unsupported backend."""


class SchemaOutdated(DatabaseError):
    """The archive's schema is at another revision than this version of viral-archive
    needs; ``viral-archive db upgrade`` migrates it."""
