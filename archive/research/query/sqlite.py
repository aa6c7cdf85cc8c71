"""The SQLite backend: queries compiled to FTS5 MATCH expressions and column conditions.

Every word the user typed reaches FTS5 inside a double-quoted string (quotes doubled),
so it is always read as text to find, never as FTS5 syntax; the expression itself is
a bound parameter, as are the values of field filters.

Text parts (words, phrases, prefixes, ``title:``) become one MATCH expression when they
can: FTS5 then finds and ranks the matches itself (``ORDER BY rank`` with BM25, title
weighing more — see :mod:`db.fts`). What FTS5 cannot express — an exclusion with nothing
to exclude from (``-word`` alone), or text OR-ed with a column filter — becomes
``articles.id [NOT] IN (SELECT rowid FROM articles_fts WHERE ... MATCH ...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    column,
    exists,
    func,
    literal_column,
    not_,
    select,
    table,
)
from sqlalchemy.orm import Session

from archive.research.query.backend import MATCH_END, MATCH_START, Period, Plan, QueryParts
from archive.research.query.columns import filter_conditions, node_condition
from archive.research.query.filters import Filters
from archive.research.query.nodes import And, Field, Leaf, Node, Not, Or, Phrase, Prefix, Term
from db import models
from db.fts import FTS_TABLE, RANK_WEIGHTS

#: the FTS5 table with its hidden ``rank`` column
fts = table(FTS_TABLE, column("rowid"), column("rank"))
_MATCH: ColumnElement[Any] = literal_column(FTS_TABLE)
SNIPPET_TOKENS = 24
#: with up to this many matches, ranking them all and checking each against the column
#: conditions is cheap enough (a few µs a match)
DRIVE_FROM_FTS_UP_TO = 2_000
#: collecting a candidate from an index costs about this many times less than ranking a
#: match and reading its row: the candidates' set is used while they are fewer than this
#: many times the matches
CANDIDATES_PER_MATCH = 30
#: reading an article row (to sort matches by date) costs about as much as this many
#: steps of the publication-date index walk (measured at 1M articles: ``docs/benchmarks.md``)
STEPS_PER_ROW = 5


def bm25() -> ColumnElement[Any]:
    """BM25 with the weights of the index's ``rank`` (:data:`db.fts.RANK_WEIGHTS`).

    Ordering by it rather than by ``rank`` is the same order, but SQLite's own sorter
    keeps only the best ``LIMIT`` rows and scores only the matches that pass the other
    conditions; ``ORDER BY rank`` has FTS5 score and sort every match first (1.5–2x
    slower on frequent words, measured in ``docs/benchmarks.md``).
    """
    weights: list[ColumnElement[Any]] = [literal_column(repr(float(w))) for w in RANK_WEIGHTS]
    return func.bm25(_MATCH, *weights)


@dataclass(slots=True)
class SqlitePlan(Plan):
    """A plan, knowing whether its column conditions are all on indexed columns (source,
    language, publication date), so that the articles meeting them are cheap to list."""

    indexed: bool = False
    #: the articles meeting the conditions, when collecting them beats checking every
    #: match (decided once per plan by :meth:`SqliteBackend.candidates`)
    candidate_set: Select[Any] | None = None
    decided: bool = False


def quote(text: str) -> str:
    """``text`` as an FTS5 string: always searched for, never read as syntax."""
    return '"' + text.replace('"', '""') + '"'


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def author_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles with an author whose name holds this word or phrase (or a word beginning
    so, for a prefix); words are separated by spaces or hyphens; ASCII letters compare
    without regard to case."""
    name = _like_escape(" ".join(value.text.replace("-", " ").split()))
    pattern = f"% {name}%" if isinstance(value, Prefix) else f"% {name} %"
    authors = func.json_each(models.Article.authors).table_valued("value").alias("author")
    spaced = literal_column("' '").concat(func.replace(authors.c.value, "-", " ")).concat(" ")
    return exists(
        select(literal_column("1"))
        .select_from(authors)
        .where(spaced.like(pattern, escape="\\"))
    )


class SqliteBackend:
    """:class:`archive.research.query.backend.SearchBackend` on SQLite's FTS5."""

    name = "sqlite"

    # -- compiling -------------------------------------------------------------------

    def fts(self, node: Node) -> str | None:
        """The FTS5 expression for ``node``, or ``None`` if FTS5 cannot express it alone."""
        if isinstance(node, Term | Phrase):
            return quote(node.text)
        if isinstance(node, Prefix):
            return quote(node.text) + " *"
        if isinstance(node, Field):
            if node.name != "title":
                return None
            value = self.fts(node.value)
            return f"title : {value}"
        if isinstance(node, Or):
            parts = [self.fts(p) for p in node.parts]
            if any(p is None for p in parts):
                return None
            return " OR ".join(f"({p})" for p in parts)
        if isinstance(node, And):
            return self._fts_and(node.parts)
        return None  # a NOT on its own: FTS5's NOT is binary

    def _fts_and(self, parts: Sequence[Node]) -> str | None:
        positive: list[str] = []
        negative: list[str] = []
        for part in parts:
            expr = self.fts(part.part if isinstance(part, Not) else part)
            if expr is None:
                return None
            (negative if isinstance(part, Not) else positive).append(expr)
        if not positive:
            return None
        return self._join(positive, negative)

    @staticmethod
    def _join(positive: list[str], negative: list[str]) -> str:
        if len(positive) == 1 and not negative:
            return positive[0]
        return " AND ".join(f"({p})" for p in positive) + "".join(
            f" NOT ({n})" for n in negative
        )

    def condition(self, node: Node) -> ColumnElement[bool]:
        """``node`` as a SQL condition on ``articles`` (any node, less efficiently)."""
        return node_condition(node, self._text_condition, author_condition)

    def _text_condition(self, node: Node) -> ColumnElement[bool] | None:
        expr = self.fts(node)
        return None if expr is None else self.in_fts(expr)

    @staticmethod
    def in_fts(expr: str) -> ColumnElement[bool]:
        """Articles whose title or text match the FTS5 expression ``expr``."""
        return models.Article.id.in_(select(fts.c.rowid).where(_MATCH.op("MATCH")(expr)))

    def plan(self, node: Node | None, filters: Filters) -> Plan:
        """See :meth:`archive.research.query.backend.SearchBackend.plan`."""
        conditions = filter_conditions(filters)
        if node is None:
            return SqlitePlan(None, conditions, indexed=True)
        parts = QueryParts.split(node, self.fts)
        conditions.extend(self.condition(part) for part in parts.other)
        if not parts.positive:
            conditions.extend(not_(self.in_fts(n)) for n in parts.negative)
            return SqlitePlan(None, conditions, indexed=False)
        indexed = all(isinstance(p, Field) and p.name in ("source", "lang") for p in parts.other)
        return SqlitePlan(self._join(parts.positive, parts.negative), conditions,
                          indexed=indexed)

    # -- running ---------------------------------------------------------------------

    def matches(self, plan: Plan, *columns: Any) -> Select[Any]:
        """See :meth:`archive.research.query.backend.SearchBackend.matches`."""
        if plan.text_match is None:
            stmt = select(*columns).select_from(models.Article)
        else:
            stmt = (
                select(*columns)
                .select_from(fts)
                .join(models.Article, models.Article.id == fts.c.rowid)
                .where(_MATCH.op("MATCH")(plan.text_match))
            )
        return stmt.where(*plan.conditions)

    def page_ids(self, session: Session, plan: Plan, order: str, limit: int,
                 offset: int) -> list[int] | None:
        """The ids of one page, when this backend knows a faster plan than the engine's
        general one; else ``None``.

        By relevance: see :meth:`_relevance_ids`. Newest first: when walking the
        publication-date index beats sorting every match.

        Sorting costs about one row lookup per match, each worth :data:`STEPS_PER_ROW`
        steps of walking the date index from the newest article and checking each against
        the (cheaply built) set of matches, which takes about
        ``(offset + limit) * articles / matches`` steps. With many matches the walk wins.
        """
        if plan.text_match is None:
            return None
        if order == "relevance":
            return self._relevance_ids(session, plan, limit, offset)
        if order != "newest":
            return None
        matches = self._fts_count(session, plan.text_match)
        articles = session.scalar(select(func.max(models.Article.id))) or 0
        if matches * matches * STEPS_PER_ROW <= (offset + limit) * articles:
            return None
        in_matches = (models.Article.id + 0).in_(  # "+ 0": probe the set, walk the date index
            select(fts.c.rowid).where(_MATCH.op("MATCH")(plan.text_match))
        )
        stmt = (
            select(models.Article.id)
            .where(in_matches, *plan.conditions)
            .order_by(models.Article.published.desc(), models.Article.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(session.scalars(stmt))

    def _relevance_ids(self, session: Session, plan: Plan, limit: int,
                       offset: int) -> list[int] | None:
        """The best-ranked page from FTS5 alone, without reading article rows: with no
        column conditions, or when the articles meeting them are collected first (see
        :meth:`candidates`); ``None`` to let the engine run its general plan."""
        match = _MATCH.op("MATCH")(plan.text_match)
        stmt = select(fts.c.rowid).where(match)
        if plan.conditions:
            candidate_set = self.candidates(session, plan)
            if candidate_set is None:
                return None
            # "+ 0": test membership in the set while FTS5 walks its matches (a rowid
            # constraint would have FTS5 look each candidate up instead)
            stmt = stmt.where((fts.c.rowid + 0).in_(candidate_set))
        return list(session.scalars(stmt.order_by(bm25()).limit(limit).offset(offset)))

    def candidates(self, session: Session, plan: Plan) -> Select[Any] | None:
        """The ids of the articles meeting the plan's column conditions, when listing them
        (from the source, language and date indexes) and testing each match against that
        set is cheaper than reading the row of every match; else ``None``.

        Decided by cheap estimates: FTS5 counts the matches (no rows read) and the
        candidates are counted up to :data:`CANDIDATES_PER_MATCH` times that.
        """
        if not isinstance(plan, SqlitePlan) or not plan.indexed or plan.text_match is None:
            return None
        if plan.decided:
            return plan.candidate_set
        plan.decided = True
        matches = self._fts_count(session, plan.text_match)
        if matches <= DRIVE_FROM_FTS_UP_TO:
            return None
        candidate_set = select(models.Article.id).where(*plan.conditions)
        bound = CANDIDATES_PER_MATCH * matches
        found = session.scalar(select(func.count()).select_from(
            candidate_set.limit(bound).subquery()))
        if (found or 0) < bound:
            plan.candidate_set = candidate_set
        return plan.candidate_set

    @staticmethod
    def _fts_count(session: Session, expr: str) -> int:
        stmt = select(func.count()).select_from(fts).where(_MATCH.op("MATCH")(expr))
        return int(session.scalar(stmt) or 0)

    def total(self, session: Session, plan: Plan) -> int:
        """How many articles match; without column conditions FTS5 counts on its own, and
        with indexed ones it counts its matches among the candidates (see :meth:`candidates`).
        """
        if plan.text_match is not None and not plan.conditions:
            return self._fts_count(session, plan.text_match)
        candidate_set = self.candidates(session, plan)
        if candidate_set is not None:
            stmt = select(func.count()).select_from(fts).where(
                _MATCH.op("MATCH")(plan.text_match), (fts.c.rowid + 0).in_(candidate_set))
            return int(session.scalar(stmt) or 0)
        return int(session.scalar(self.matches(plan, func.count())) or 0)

    def relevance(self, plan: Plan) -> ColumnElement[Any]:
        """FTS5's ``rank``: BM25 with the weights configured in :mod:`db.fts`."""
        return fts.c.rank

    def snippets(self, session: Session, plan: Plan, ids: Sequence[int]) -> dict[int, str]:
        """See :meth:`archive.research.query.backend.SearchBackend.snippets`."""
        if plan.text_match is None or not ids:
            return {}
        snippet = func.snippet(_MATCH, 1, MATCH_START, MATCH_END, " … ", SNIPPET_TOKENS,
                               type_=String)
        # "+ 0": FTS5 walks the matches once and makes snippets for these ids only; a
        # rowid constraint would have it run the MATCH again for each id (4x slower for
        # typical words at 1M articles, see docs/benchmarks.md)
        stmt = select(fts.c.rowid, snippet).where(
            _MATCH.op("MATCH")(plan.text_match), (fts.c.rowid + 0).in_(list(ids))
        )
        return {int(rowid): text for rowid, text in session.execute(stmt)}

    def period(self, by: Period) -> ColumnElement[str]:
        """See :meth:`archive.research.query.backend.SearchBackend.period`.

        SQLite stores UTC times as ``YYYY-MM-DD HH:MM:SS...`` text, so days and months
        are prefixes of it; weeks start on Monday.
        """
        published = models.Article.published
        if by == "day":
            return func.substr(published, 1, 10, type_=String)
        if by == "month":
            return func.substr(published, 1, 7, type_=String).concat("-01")
        return func.date(published, "weekday 0", "-6 days", type_=String)
