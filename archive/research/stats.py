"""The archive at a glance: articles per source and language, and the dates covered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.research.results import ArchiveStats, LanguageStats, SourceStats
from db import models


def archive_stats(session: Session) -> ArchiveStats:
    """Totals, articles per source (most first) and per language, and date coverage."""
    article = models.Article
    articles, first, last = session.execute(
        select(func.count(), func.min(article.published), func.max(article.published))
    ).one()
    dated = session.scalar(select(func.count(article.published))) or 0
    per_source = (
        select(
            article.source_id,
            func.count().label("n"),
            func.min(article.published).label("first"),
            func.max(article.published).label("last"),
        )
        .group_by(article.source_id)
        .subquery()
    )
    by_source = [
        SourceStats(domain=row.domain, name=row.name, articles=int(row.n),
                    first_published=row.first, last_published=row.last)
        for row in session.execute(
            select(models.Source.domain, models.Source.name, per_source.c.n,
                   per_source.c.first, per_source.c.last)
            .join(per_source, per_source.c.source_id == models.Source.id)
            .order_by(per_source.c.n.desc(), models.Source.domain)
        )
    ]
    by_language = [
        LanguageStats(language=language, articles=int(n))
        for language, n in session.execute(
            select(article.language, func.count().label("n"))
            .group_by(article.language)
            .order_by(func.count().desc(), article.language)
        )
    ]
    return ArchiveStats(
        articles=int(articles),
        sources=int(session.scalar(select(func.count()).select_from(models.Source)) or 0),
        versions=int(
            session.scalar(select(func.count()).select_from(models.ArticleVersion)) or 0
        ),
        undated=int(articles) - int(dated),
        first_published=first,
        last_published=last,
        by_source=by_source,
        by_language=by_language,
    )
