"""viral-archive: crawl, clean, archive and query viral and news articles."""

from archive.article import Article
from archive.exceptions import ArchiveError, ExtractionError, QueryError
from archive.extraction import EXTRACTOR_VERSION, extract_article

__version__ = "0.1.0"

__all__ = [
    "EXTRACTOR_VERSION",
    "ArchiveError",
    "Article",
    "ExtractionError",
    "QueryError",
    "__version__",
    "extract_article",
]
