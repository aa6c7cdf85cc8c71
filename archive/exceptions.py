"""Errors raised by the ``archive`` package.

Hierarchy::

    ArchiveError                  anything this package raises on purpose
    ├── ExtractionError           a page could not be turned into an Article
    ├── QueryError                a search query or filter is malformed
    │   └── UnknownSource         a source filter names no source of the archive
    ├── ArticleNotFound           no article has the id or URL asked for
    ├── StoryNotFound             no story has the id asked for
    ├── VersionNotFound           an article has no version with the number asked for
    ├── ExportError               an export cannot be written (or needs a missing library)
    ├── SourcesError              a sources file is missing, malformed or invalid
    ├── MissingDependency         a feature needs an optional library that is not installed
    └── SourceLocked              another process is crawling the same source

The database's own errors are ``db.DatabaseError`` and its subclasses (``db/exceptions.py``).

The CLI turns each into one sentence and a non-zero exit.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of the errors this package raises on purpose."""


class ExtractionError(ArchiveError):
    """The input cannot be read as an HTML page (e.g. it is binary data)."""


class QueryError(ArchiveError):
    """A search query or one of its filters is malformed."""


class UnknownSource(QueryError):
    """A source filter names no host, site name or sources-file name of the archive."""


class ArticleNotFound(ArchiveError):
    """No article in the archive has the id or URL asked for."""


class StoryNotFound(ArchiveError):
    """No story in the archive has the id asked for."""


class VersionNotFound(ArchiveError):
    """An article has no version with the number asked for."""


class ExportError(ArchiveError):
    """An export file (e.g. a WARC file) cannot be written where asked."""


class MissingDependency(ArchiveError):
    """A feature needs an optional library (an extra of the package) that is not installed."""


class SourcesError(ArchiveError):
    """A sources file cannot be read, or names a source, key or value that is invalid."""


class SourceLocked(ArchiveError):
    """A crawl of the source is already running (in this or another process)."""


__all__ = [
    "ArchiveError",
    "ArticleNotFound",
    "ExportError",
    "ExtractionError",
    "MissingDependency",
    "QueryError",
    "SourceLocked",
    "SourcesError",
    "UnknownSource",
    "VersionNotFound",
]
