"""The PostgreSQL backend: queries compiled to ``tsquery`` values over a ``tsvector`` index.

The user's text never becomes query syntax: a word or a phrase reaches PostgreSQL as a
bound parameter of ``phraseto_tsquery`` (which reads it with the same parser as the index,
so ``covid-19`` finds what was indexed from ``covid-19``); a prefix is built here from the
word characters of what was typed only (``'covid' <-> '19':*``) and passed, bound, to
``to_tsquery``. AND, OR and NOT combine the ``tsquery`` values with PostgreSQL's ``&&``,
``||`` and ``!!`` operators, so the whole query is one expression the GIN index on
``articles.search_vector`` answers (see :mod:`db.fts_postgres`).

``title:`` matches are candidates from the index, confirmed against the title alone;
``author:``, ``source:`` and ``lang:`` are column conditions, as on SQLite. Ranking is
``ts_rank_cd`` with a title match weighing five times a text match; snippets come from
``ts_headline``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    exists,
    func,
    literal_column,
    not_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

from archive.research.query.backend import MATCH_END, MATCH_START, Period, Plan, QueryParts
from archive.research.query.columns import filter_conditions, node_condition
from archive.research.query.filters import Filters
from archive.research.query.nodes import And, Field, Leaf, Node, Not, Or, Phrase, Prefix, Term
from db import models
from db.fts_postgres import RANK_WEIGHTS, TS_CONFIG, VECTOR_COLUMN

_WORD = re.compile(r"\w+", re.UNICODE)
#: our own constant, never user input
_CONFIG: ColumnElement[Any] = literal_column(f"'{TS_CONFIG}'::regconfig")
_VECTOR = literal_column(f"{models.Article.__tablename__}.{VECTOR_COLUMN}", TSVECTOR)
SNIPPET_WORDS = 24
_HEADLINE_OPTIONS = (
    f'StartSel="{MATCH_START}", StopSel="{MATCH_END}", MaxWords={SNIPPET_WORDS}, '
    f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, FragmentDelimiter=" … "'
)


def tsquery_text(leaf: Leaf, *, weight: str = "") -> str:
    """``to_tsquery`` text for ``leaf``: its words in order, each single-quoted (only word
    characters survive, so nothing typed is syntax); a prefix's last word ends in ``:*``;
    ``weight`` ``A`` restricts every word to the title."""
    words = _WORD.findall(leaf.text)
    if not words:
        return ""
    marks = [f":{weight}" if weight else ""] * len(words)
    if isinstance(leaf, Prefix):
        marks[-1] = f":*{weight}"
    return " <-> ".join(f"'{w}'{m}" for w, m in zip(words, marks, strict=True))


def _matches(vector: ColumnElement[Any], query: ColumnElement[Any]) -> ColumnElement[bool]:
    return vector.bool_op("@@")(query)


def author_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles with an author whose name holds this word or phrase (a word beginning so,
    for a prefix; words separated by spaces or hyphens), without regard to case — the
    same rule as :func:`archive.research.query.sqlite.author_condition`."""
    name = " ".join(value.text.replace("-", " ").split()).replace("\\", "\\\\")
    name = name.replace("%", "\\%").replace("_", "\\_")
    pattern = f"% {name}%" if isinstance(value, Prefix) else f"% {name} %"
    authors = func.json_array_elements_text(models.Article.authors).table_valued("value")
    authors = authors.alias("author")
    spaced = literal_column("' '").concat(func.replace(authors.c.value, "-", " ")).concat(" ")
    return exists(
        select(literal_column("1")).select_from(authors).where(spaced.ilike(pattern, escape="\\"))
    )


class PostgresBackend:
    """:class:`archive.research.query.backend.SearchBackend` on PostgreSQL's ``tsvector``/GIN."""

    name = "postgresql"

    # -- compiling -------------------------------------------------------------------

    def leaf_query(self, leaf: Leaf, *, in_title: bool = False) -> ColumnElement[Any]:
        """The ``tsquery`` of one word, phrase or prefix (bound, never read as syntax)."""
        if isinstance(leaf, Prefix) or in_title:
            text = tsquery_text(leaf, weight="A" if in_title else "")
            return func.to_tsquery(_CONFIG, text, type_=TSQUERY)
        return func.phraseto_tsquery(_CONFIG, leaf.text, type_=TSQUERY)

    def tsquery(self, node: Node) -> ColumnElement[Any] | None:
        """The ``tsquery`` of ``node`` when it only asks about words in title or text."""
        if isinstance(node, Term | Phrase | Prefix):
            return self.leaf_query(node)
        if isinstance(node, Field) and node.name == "title":
            return self.leaf_query(node.value, in_title=True)  # the title's words weigh A
        if isinstance(node, Not):
            inner = self.tsquery(node.part)
            return None if inner is None else _tsquery_not(inner)
        if isinstance(node, And | Or):
            parts = [self.tsquery(p) for p in node.parts]
            known = [p for p in parts if p is not None]
            if len(known) < len(parts):
                return None
            return _tsquery_and(known) if isinstance(node, And) else _tsquery_or(known)
        return None  # a field: not a question about the text index alone

    def condition(self, node: Node) -> ColumnElement[bool]:
        """``node`` as a SQL condition on ``articles`` (any node)."""
        return node_condition(node, self._text_condition, author_condition)

    def _text_condition(self, node: Node) -> ColumnElement[bool] | None:
        query = self.tsquery(node)
        return None if query is None else _matches(_VECTOR, query)

    def plan(self, node: Node | None, filters: Filters) -> Plan:
        """See :meth:`archive.research.query.backend.SearchBackend.plan`."""
        conditions = filter_conditions(filters)
        if node is None:
            return Plan(None, conditions)
        parts = QueryParts.split(node, self.tsquery)
        conditions.extend(self.condition(part) for part in parts.other)
        if not parts.positive:
            conditions.extend(not_(_matches(_VECTOR, n)) for n in parts.negative)
            return Plan(None, conditions)
        return Plan(_tsquery_and(parts.positive + [_tsquery_not(n) for n in parts.negative]),
                    conditions)

    # -- running ---------------------------------------------------------------------

    def matches(self, plan: Plan, *columns: Any) -> Select[Any]:
        """See :meth:`archive.research.query.backend.SearchBackend.matches`."""
        stmt = select(*columns).select_from(models.Article)
        if plan.text_match is not None:
            stmt = stmt.where(_matches(_VECTOR, plan.text_match))
        return stmt.where(*plan.conditions) if plan.conditions else stmt.where(true())

    def total(self, session: Session, plan: Plan) -> int:
        """How many articles match."""
        return int(session.scalar(self.matches(plan, func.count())) or 0)

    def relevance(self, plan: Plan) -> ColumnElement[Any]:
        """``ts_rank_cd`` (cover density, length-normalised), best first."""
        weights: ColumnElement[Any] = literal_column(f"'{RANK_WEIGHTS}'::float4[]")
        return func.ts_rank_cd(weights, _VECTOR, plan.text_match, 1, type_=Float).desc()

    def snippets(self, session: Session, plan: Plan, ids: Sequence[int]) -> dict[int, str]:
        """See :meth:`archive.research.query.backend.SearchBackend.snippets`."""
        if plan.text_match is None or not ids:
            return {}
        headline = func.ts_headline(
            _CONFIG, models.Article.text, plan.text_match, _HEADLINE_OPTIONS, type_=String
        )
        stmt = select(models.Article.id, headline).where(models.Article.id.in_(list(ids)))
        # one mark around adjacent matched words, as SQLite's snippet() does
        snippets = {}
        for row_id, text in session.execute(stmt):
            text = text.replace(f"{MATCH_END} {MATCH_START}", " ")
            snippets[int(row_id)] = text.replace(f"{MATCH_END}{MATCH_START}", "")
        return snippets

    def period(self, by: Period) -> ColumnElement[str]:
        """See :meth:`SearchBackend.period` (UTC; weeks from Monday)."""
        utc = func.timezone("UTC", models.Article.published)
        return func.to_char(func.date_trunc(by, utc), "YYYY-MM-DD", type_=String)


def _tsquery_not(query: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.tsquery_not(query, type_=TSQUERY)  # the function behind !!


def _tsquery_and(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    combined = queries[0]
    for query in queries[1:]:
        combined = func.tsquery_and(combined, query, type_=TSQUERY)  # behind &&
    return combined


def _tsquery_or(queries: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    combined = queries[0]
    for query in queries[1:]:
        combined = func.tsquery_or(combined, query, type_=TSQUERY)  # behind ||
    return combined
