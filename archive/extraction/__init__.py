"""Turning HTML pages into clean articles.

:func:`extract_article` and :func:`classify_page` are imported on first use, so that a
process that only stores articles (the crawl's, when worker processes read the pages)
does not load BeautifulSoup and the extraction modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archive.extraction.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from archive.extraction.extract import classify_page, extract_article

__all__ = ["EXTRACTOR_VERSION", "classify_page", "extract_article"]


def __getattr__(name: str) -> Any:
    if name in ("classify_page", "extract_article"):
        from archive.extraction import extract

        return getattr(extract, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
