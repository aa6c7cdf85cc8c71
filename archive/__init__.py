"""viral-archive: crawl, clean, archive and query viral and news articles."""

from archive.core.article import Article
from archive.exceptions import ArchiveError, ArticleNotFound, ExtractionError, QueryError
from archive.extraction import EXTRACTOR_VERSION, extract_article
from archive.research.api import Archive
from archive.research.results import (
    ArchiveStats,
    ArticleView,
    CountRow,
    ImportReport,
    SearchHit,
    SearchResults,
)

__version__ = "0.1.0"

__all__ = [
    "EXTRACTOR_VERSION",
    "Archive",
    "ArchiveError",
    "ArchiveStats",
    "Article",
    "ArticleNotFound",
    "ArticleView",
    "CountRow",
    "ExtractionError",
    "ImportReport",
    "QueryError",
    "SearchHit",
    "SearchResults",
    "__version__",
    "extract_article",
]
