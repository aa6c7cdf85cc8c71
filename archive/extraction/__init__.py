"""Turning HTML pages into clean articles."""

from archive.extraction.extract import EXTRACTOR_VERSION, classify_page, extract_article

__all__ = ["EXTRACTOR_VERSION", "classify_page", "extract_article"]
