"""The query layer: the query language, its syntax tree and the search engine.

``parse_query`` turns text into a tree of :mod:`archive.research.query.nodes`; the engine
(:mod:`archive.research.query.engine`) runs it through the database's backend
(:mod:`archive.research.query.sqlite` for SQLite FTS5).
"""

from archive.research.query.filters import Filters
from archive.research.query.parser import parse_query

__all__ = ["Filters", "parse_query"]
