"""The articles' columns, the same on every database backend: conditions on them, and
the columns that make up a result's fields.

Each value arrives as a bound parameter: nothing the user typed becomes SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_, select

from archive.research.query.filters import Filters
from archive.research.query.nodes import And, Field, Leaf, Node, Not, Or, Prefix, Term
from archive.storage import sources
from db import models


def source_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles of the sources ``value`` names (:mod:`archive.storage.sources`); a prefix
    (``bbc*``) matches the start of a host or a site name."""
    return sources.source_condition(value.text, prefix=isinstance(value, Prefix))


def language_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles in this language: ``en`` also matches ``en-GB``; ``e*`` any code from ``e``."""
    code = value.text.strip().lower()
    column = models.Article.language
    if isinstance(value, Prefix):
        return column.startswith(code, autoescape=True)
    return or_(column == code, column.startswith(code + "-", autoescape=True))


def node_condition(
    node: Node,
    text_condition: Callable[[Node], ColumnElement[bool] | None],
    author_condition: Callable[[Leaf], ColumnElement[bool]],
) -> ColumnElement[bool]:
    """``node`` as a SQL condition on ``articles``, for any backend: its full-text index
    answers what it can (``text_condition``, ``None`` for what it cannot), the fields are
    column conditions, and AND, OR and NOT combine the parts."""
    condition = text_condition(node)
    if condition is not None:
        return condition
    if isinstance(node, Field):
        if node.name == "source":
            return source_condition(node.value)
        if node.name == "lang":
            return language_condition(node.value)
        return author_condition(node.value)
    parts = node.parts if isinstance(node, And | Or) else ()
    if isinstance(node, And):
        return and_(*(node_condition(p, text_condition, author_condition) for p in parts))
    if isinstance(node, Or):
        return or_(*(node_condition(p, text_condition, author_condition) for p in parts))
    if isinstance(node, Not):
        return not_(node_condition(node.part, text_condition, author_condition))
    raise TypeError(f"not a query node: {node!r}")  # pragma: no cover


def filter_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The SQL conditions for the search filters (source, date range, language)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.source:
        conditions.append(source_condition(Term(filters.source)))
    if filters.lang:
        conditions.append(language_condition(Term(filters.lang)))
    if filters.since is not None:
        conditions.append(models.Article.published >= filters.since)
    if filters.until is not None:
        conditions.append(models.Article.published <= filters.until)
    return conditions



def _story_columns() -> dict[str, Any]:
    """The article's story id and size, looked up by its id (correlated subqueries)."""
    member = models.StoryArticle
    story_id = select(member.story_id).where(member.article_id == models.Article.id)
    size = (select(models.Story.n_articles)
            .join(member, member.story_id == models.Story.id)
            .where(member.article_id == models.Article.id))
    return {"story_id": story_id.scalar_subquery().label("story_id"),
            "story_articles": size.scalar_subquery().label("story_articles")}


def article_columns(names: Iterable[str]) -> list[Any]:
    """The columns holding these fields of an archived article, labelled by field name:
    the article's own columns, ``source`` / ``source_name`` from its ``Source`` (join
    it into the statement), and its story's id and size."""
    derived = {"source": models.Source.domain.label("source"),
               "source_name": models.Source.name.label("source_name"), **_story_columns()}
    table = models.Article.__table__.c
    return [derived[name] if name in derived else table[name] for name in names]
