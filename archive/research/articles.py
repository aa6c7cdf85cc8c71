"""Reading one stored article: by id or URL, with its earlier states."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive.core.urls import normalize_url
from archive.exceptions import ArticleNotFound
from archive.research.query.columns import article_columns
from archive.research.results import RECORD_FIELDS, ArticleView, VersionView
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


def versions_of(session: Session, article: models.Article) -> list[VersionView]:
    """All states of ``article``, oldest first, numbered 1..n, the last the current one."""
    earlier = session.scalars(
        select(models.ArticleVersion)
        .where(models.ArticleVersion.article_id == article.id)
        .order_by(models.ArticleVersion.number)
    ).all()
    states = [
        (v.title, v.text, v.fetched_at, v.extractor_version, v.content_hash) for v in earlier
    ]
    states.append(
        (article.title, article.text, article.changed_at, article.extractor_version,
         article.content_hash)
    )
    return [
        VersionView(
            article_id=article.id,
            number=number,
            title=title,
            text=text,
            fetched_at=fetched_at,
            extractor_version=extractor_version,
            content_hash=digest,
            current=number == len(states),
        )
        for number, (title, text, fetched_at, extractor_version, digest) in enumerate(
            states, start=1
        )
    ]


def article_view(session: Session, ref: str | int) -> ArticleView:
    """The article whose id or URL is ``ref``, with its source, text and earlier versions.

    Raises:
        ArticleNotFound: no article has that id or URL.
    """
    article = find_article(session, ref)
    row = session.execute(
        select(*article_columns(RECORD_FIELDS))
        .join(models.Source, models.Article.source_id == models.Source.id)
        .where(models.Article.id == article.id)
    ).one()
    return ArticleView(**row._mapping, versions=versions_of(session, article)[:-1])
