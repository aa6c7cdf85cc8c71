"""Reading stored articles: by id or URL, and the latest ones."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from archive.core.urls import normalize_url, site_of
from archive.exceptions import ArticleNotFound
from archive.research.results import ArticleView, VersionView
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


def article_view(session: Session, ref: str | int) -> ArticleView:
    """The article whose id or URL is ``ref``, with its source, text and earlier versions.

    Raises:
        ArticleNotFound: no article has that id or URL.
    """
    article = find_article(session, ref)
    return ArticleView(
        id=article.id,
        url=article.url,
        source=article.source.domain,
        source_name=article.source.name,
        title=article.title,
        authors=list(article.authors or []),
        published=article.published,
        modified=article.modified,
        date_source=article.date_source,
        language=article.language,
        site_name=article.site_name,
        description=article.description,
        image=article.image,
        tags=list(article.tags or []),
        first_seen=article.first_seen,
        last_seen=article.last_seen,
        changed_at=article.changed_at,
        extractor_version=article.extractor_version,
        content_hash=article.content_hash,
        extra=dict(article.extra or {}),
        text=article.text,
        versions=[
            VersionView(number=v.number, title=v.title, text=v.text, fetched_at=v.fetched_at,
                        extractor_version=v.extractor_version)
            for v in article.versions
        ],
    )
