"""What a database backend provides to the search engine (:mod:`archive.research.query.engine`).

The parser and the engine know no database; a backend turns a parsed query into
SQLAlchemy statements for its full-text index. SQLite's is :mod:`archive.research.query.sqlite`
(FTS5); another (PostgreSQL with tsvector) implements the same :class:`SearchBackend`
and is registered in :data:`archive.research.query.engine.BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session

from archive.research.query.filters import Filters
from archive.research.query.nodes import And, Node, Not

Period = Literal["day", "week", "month"]
#: snippet match markers the engine turns into ``[``…``]`` and ``<mark>``…``</mark>``
MATCH_START, MATCH_END = "\x02", "\x03"


@dataclass(slots=True)
class Plan:
    """A query compiled for one backend.

    ``text_match`` is the backend's own full-text expression selecting (and ranking) the
    matches, or ``None`` when nothing positive is asked of the text (a query of only
    field filters or exclusions); ``conditions`` hold every other condition on articles.
    """

    text_match: Any | None
    conditions: list[ColumnElement[bool]] = field(default_factory=list)


T = TypeVar("T")


@dataclass(slots=True)
class QueryParts(Generic[T]):
    """The top-level parts of a query (its AND), as a backend's full-text index sees them:
    ``positive`` and ``negative`` text expressions, and the ``other`` parts (fields, and
    whatever the index cannot answer alone), to become column conditions."""

    positive: list[T] = field(default_factory=list)
    negative: list[T] = field(default_factory=list)
    other: list[Node] = field(default_factory=list)

    @classmethod
    def split(cls, node: Node, text_expression: Callable[[Node], T | None]) -> QueryParts[T]:
        """``node``'s parts, with ``text_expression`` giving the index's expression of a
        part (``None`` when the index cannot answer it alone)."""
        parts = cls()
        for part in node.parts if isinstance(node, And) else (node,):
            if isinstance(part, Not) and (expr := text_expression(part.part)) is not None:
                parts.negative.append(expr)
            elif (expr := text_expression(part)) is not None:
                parts.positive.append(expr)
            else:
                parts.other.append(part)
        return parts


class SearchBackend(Protocol):
    """A full-text search implementation for one database dialect."""

    def plan(self, node: Node | None, filters: Filters) -> Plan:
        """Compile a query (``None``: every article) and filters.

        Raises:
            QueryError: the query cannot be run on this backend.
        """

    def matches(self, plan: Plan, *columns: Any) -> Select[Any]:
        """``SELECT columns`` over the matching articles (``articles`` in the FROM)."""

    def total(self, session: Session, plan: Plan) -> int:
        """How many articles match."""

    def relevance(self, plan: Plan) -> ColumnElement[Any]:
        """An ORDER BY expression, best match first (only when ``plan.text_match``)."""

    def snippets(self, session: Session, plan: Plan, ids: Sequence[int]) -> dict[int, str]:
        """Passages of the articles ``ids`` around the matches, marked with
        :data:`MATCH_START` / :data:`MATCH_END` (only when ``plan.text_match``)."""

    def period(self, by: Period) -> ColumnElement[str]:
        """The first day (``YYYY-MM-DD``) of the period each article was published in."""
