"""Reading stored articles: by id or URL, and the latest ones."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive.exceptions import ArticleNotFound
from archive.urls import normalize_url, site_of
from db import models


def find_article(session: Session, ref: str | int) -> models.Article:
    """The article whose id or URL is ``ref`` (the URL as given or normalised).

    Raises:
        ArticleNotFound: no article has that id or URL.
    """
    text_ref = str(ref).strip()
    article: models.Article | None = None
    if text_ref.isdigit():
        article = session.get(models.Article, int(text_ref))
    elif text_ref:
        article = session.scalar(
            select(models.Article)
            .where(models.Article.url.in_({text_ref, normalize_url(text_ref)}))
            .options(selectinload(models.Article.source))
        )
    if article is None:
        raise ArticleNotFound(f"No article with id or URL {text_ref!r} in this archive.")
    return article


def latest_articles(session: Session, *, limit: int = 50) -> list[models.Article]:
    """The most recently published articles (undated ones last), with their sources."""
    stmt = (
        select(models.Article)
        .options(selectinload(models.Article.source))
        .order_by(models.Article.published.desc().nulls_last(), models.Article.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_articles(session: Session) -> int:
    """How many articles the archive holds."""
    return int(session.scalar(select(func.count()).select_from(models.Article)) or 0)


def source_condition(source: str) -> ColumnElement[bool]:
    """A condition on ``Source`` matching ``source``: a domain (any port) or a source name.

    Join ``models.Source`` into the statement it is used in.
    """
    wanted = site_of(source if "//" in source else f"//{source}")
    return or_(
        models.Source.domain == wanted,
        models.Source.domain.startswith(wanted + ":", autoescape=True),
        func.lower(models.Source.name) == source.lower(),
    )
