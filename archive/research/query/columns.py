"""Conditions on the articles' own columns, the same on every database backend.

Each value arrives as a bound parameter: nothing the user typed becomes SQL.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_, select, true

from archive.core.urls import site_of
from archive.research.query.filters import Filters
from archive.research.query.nodes import Leaf, Prefix, Term
from db import models


def _domain_of(url: str, text: str) -> str:
    # a value that is no host at all ("[", "a]b") cannot name a domain: compare it as typed
    try:
        return site_of(url)
    except ValueError:
        return text.lower()


def source_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles whose source has this domain (or is a subdomain of it), or this name.

    ``bbc.co.uk`` also matches ``news.bbc.co.uk``; a prefix (``bbc*``) matches the start
    of the domain or of the name; names compare without regard to case.
    """
    text = value.text.strip()
    if isinstance(value, Prefix):
        domain = _domain_of(f"//{text}", text) if text else text
        wanted = or_(
            models.Source.domain.startswith(domain, autoescape=True),
            func.lower(models.Source.name).startswith(text.lower(), autoescape=True),
        )
    else:
        domain = _domain_of(text if "//" in text else f"//{text}", text)
        wanted = or_(
            models.Source.domain == domain,
            models.Source.domain.startswith(domain + ":", autoescape=True),
            models.Source.domain.endswith("." + domain, autoescape=True),
            func.lower(models.Source.name) == text.lower(),
        )
    return models.Article.source_id.in_(select(models.Source.id).where(wanted))


def language_condition(value: Leaf) -> ColumnElement[bool]:
    """Articles in this language: ``en`` also matches ``en-GB``; ``e*`` any code from ``e``."""
    code = value.text.strip().lower()
    column = models.Article.language
    if isinstance(value, Prefix):
        return column.startswith(code, autoescape=True)
    return or_(column == code, column.startswith(code + "-", autoescape=True))


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


def all_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """The conditions joined with AND (true when there are none)."""
    return and_(*conditions) if conditions else true()
