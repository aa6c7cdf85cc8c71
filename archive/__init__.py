"""viral-archive: crawl, clean, archive and query viral and news articles.

The public API, imported on first use so that ``import archive.extraction`` (or
``from archive import extract_article``) loads neither the database layer nor Scrapy:

- cleaning pages: :func:`extract_article`, :func:`read_page`, :class:`FetchedPage`,
  :class:`Article`, :data:`EXTRACTOR_VERSION`;
- research: :class:`Archive` and its result types (:class:`SearchHit`,
  :class:`SearchResults`, :class:`CountRow`, :class:`ArticleView`,
  :class:`ArchiveStats`, :class:`StoryList`, :class:`StoryView`, :class:`ImportReport`);
- errors: :class:`ArchiveError` and its subclasses (:mod:`archive.exceptions`).
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

from archive.exceptions import (
    ArchiveError,
    ArticleNotFound,
    ExportError,
    ExtractionError,
    MissingDependency,
    QueryError,
    StoryNotFound,
    UnknownSource,
)

if TYPE_CHECKING:
    from archive.core.article import Article, ArticleMetadata
    from archive.extraction import EXTRACTOR_VERSION, extract_article
    from archive.extraction.reading import FetchedPage, read_page
    from archive.research.api import Archive
    from archive.research.results import (
        ArchiveStats,
        ArticleView,
        CountRow,
        SearchHit,
        SearchResults,
        StoryList,
        StoryView,
    )
    from archive.storage.importer import ImportReport

__version__: str = metadata.version("viral-archive")

#: where each lazily imported public name lives
_LAZY = {
    "Article": "archive.core.article",
    "ArticleMetadata": "archive.core.article",
    "EXTRACTOR_VERSION": "archive.extraction",
    "extract_article": "archive.extraction",
    "FetchedPage": "archive.extraction.reading",
    "read_page": "archive.extraction.reading",
    "Archive": "archive.research.api",
    "ArchiveStats": "archive.research.results",
    "ArticleView": "archive.research.results",
    "CountRow": "archive.research.results",
    "SearchHit": "archive.research.results",
    "SearchResults": "archive.research.results",
    "StoryList": "archive.research.results",
    "StoryView": "archive.research.results",
    "ImportReport": "archive.storage.importer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "EXTRACTOR_VERSION",
    "Archive",
    "ArchiveError",
    "ArchiveStats",
    "Article",
    "ArticleMetadata",
    "ArticleNotFound",
    "ArticleView",
    "CountRow",
    "ExportError",
    "ExtractionError",
    "FetchedPage",
    "ImportReport",
    "MissingDependency",
    "QueryError",
    "SearchHit",
    "SearchResults",
    "StoryList",
    "StoryNotFound",
    "StoryView",
    "UnknownSource",
    "__version__",
    "extract_article",
    "read_page",
]
