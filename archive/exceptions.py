"""Errors raised by the ``archive`` package.

Hierarchy::

    ArchiveError                  anything this package raises on purpose
    ├── ExtractionError           a page could not be turned into an Article
    ├── QueryError                a search query or filter is malformed
    └── ArticleNotFound           no article has the id or URL asked for

    db.DatabaseError              the database cannot be opened or used (re-exported)

The CLI turns each into one sentence and a non-zero exit.
"""

from __future__ import annotations

from db.exceptions import DatabaseError


class ArchiveError(Exception):
    """Base class of the errors this package raises on purpose."""


class ExtractionError(ArchiveError):
    """The input cannot be read as an HTML page (e.g. it is binary data)."""


class QueryError(ArchiveError):
    """A search query or one of its filters is malformed."""


class ArticleNotFound(ArchiveError):
    """No article in the archive has the id or URL asked for."""


__all__ = ["ArchiveError", "ArticleNotFound", "DatabaseError", "ExtractionError", "QueryError"]
