"""The query layer: the query language, its syntax tree and the search engine.

``parse_query`` turns text into a tree of :mod:`archive.query.nodes`; the engine
(:mod:`archive.query.engine`) runs it through the database's backend
(:mod:`archive.query.sqlite` for SQLite FTS5).
"""

from archive.query.filters import Filters
from archive.query.parser import parse_query

__all__ = ["Filters", "parse_query"]
