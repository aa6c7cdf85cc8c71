"""Errors raised by the ``db`` package.

Hierarchy::

    DatabaseError                 the archive database cannot be opened or used
    └── BadDatabaseURL            the database URL itself is malformed or unsupported
"""

from __future__ import annotations


class DatabaseError(Exception):
    """The archive database cannot be opened or used; the message says why."""


class BadDatabaseURL(DatabaseError):
    """The database URL is malformed or names an unsupported backend."""
