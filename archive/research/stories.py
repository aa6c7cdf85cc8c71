"""Reading stories: the ranked list, and one story's timeline and headlines.

Stories are kept up to date as articles are written (:mod:`archive.storage.stories`);
reading them is a walk down the ``stories`` index (most sources, then fastest spread),
plus one query for the members of the stories shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive.exceptions import QueryError, StoryNotFound
from archive.research.query.engine import plan_query
from archive.research.query.filters import Filters
from archive.research.results import Headline, StoryList, StoryMember, StorySummary, StoryView
from archive.storage.story_sql import chunks
from db import models

#: stories listed unless a limit is given
DEFAULT_LIMIT = 20


def _ranked(session: Session, query: str | None, filters: Filters, min_sources: int
            ) -> Select[Any]:
    story = models.Story
    stmt = select(story).where(story.n_sources >= min_sources)
    if filters.since is not None:
        stmt = stmt.where(story.first_seen >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(story.first_seen <= filters.until)
    if query is not None and query.strip():
        backend, plan = plan_query(session, query, Filters())
        matching = backend.matches(plan, models.Article.id)
        stmt = stmt.where(story.id.in_(
            select(models.StoryArticle.story_id)
            .where(models.StoryArticle.article_id.in_(matching))))
    return stmt.order_by(story.n_sources.desc(), story.spread_seconds, story.id)


def list_stories(session: Session, query: str | None = None, filters: Filters | None = None,
                 *, min_sources: int = 1, limit: int = DEFAULT_LIMIT) -> StoryList:
    """The stories with at least ``min_sources`` sources, first seen within the filters'
    dates, holding an article that matches ``query`` (any, without one); most sources
    first, then the fastest spread. ``limit`` 0 lists them all.

    Raises:
        QueryError: the query is malformed, ``min_sources`` is below 1 or ``limit``
            negative.
    """
    if min_sources < 1:
        raise QueryError("--min-sources must be 1 or more.")
    if limit < 0:
        raise QueryError("The limit must be 0 (all) or more.")
    stmt = _ranked(session, query, filters or Filters(), min_sources)
    if limit:
        stmt = stmt.limit(limit)
    stories = session.scalars(stmt).all()
    members = _members(session, [s.id for s in stories])
    return StoryList([_summary(s, members[s.id]) for s in stories])


def story_view(session: Session, story_id: int) -> StoryView:
    """The story ``story_id``: its members in the order they appeared, and its headlines.

    Raises:
        StoryNotFound: no story has that id.
    """
    story = session.get(models.Story, story_id)
    if story is None:
        raise StoryNotFound(f"No story with id {story_id} in this archive.")
    summary = _summary(story, _members(session, [story_id])[story_id])
    counts = Counter(member.title for member in summary.members)
    firsts: dict[str | None, StoryMember] = {}
    for member in summary.members:
        firsts.setdefault(member.title, member)
    headlines = [Headline(title=title, articles=n, first_appeared=firsts[title].appeared,
                          first_source=firsts[title].source)
                 for title, n in sorted(counts.items(),
                                        key=lambda item: (-item[1], firsts[item[0]].appeared))]
    return StoryView(**{name: getattr(summary, name) for name in summary.__dataclass_fields__},
                     headlines=headlines)


def _summary(story: models.Story, members: list[dict[str, Any]]) -> StorySummary:
    start = story.first_seen
    return StorySummary(
        id=story.id, title=story.title, first_seen=start,
        first_seen_kind=story.first_seen_kind, last_seen=story.last_seen,
        sources=story.n_sources, articles=story.n_articles,
        spread_seconds=story.spread_seconds,
        members=[StoryMember(**m, appeared=_appeared(m),
                             after_seconds=int((_appeared(m) - start).total_seconds()))
                 for m in members])


def _appeared(member: dict[str, Any]) -> datetime:
    published: datetime | None = member["published"]
    return published if published is not None else member["first_seen"]


def _members(session: Session, story_ids: list[int]) -> defaultdict[int, list[dict[str, Any]]]:
    """The members of each story, in the order they appeared (ties by article id)."""
    article, source, member = models.Article, models.Source, models.StoryArticle
    found: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for ids in chunks(story_ids):
        rows = session.execute(
            select(member.story_id, article.id, article.url, source.domain.label("source"),
                   source.name.label("source_name"), article.published, article.first_seen,
                   article.title)
            .join(article, article.id == member.article_id)
            .join(source, source.id == article.source_id)
            .where(member.story_id.in_(ids)))
        for row in rows:
            values = dict(row._mapping)
            found[values.pop("story_id")].append(values)
    for listed in found.values():
        listed.sort(key=lambda m: (_appeared(m), m["id"]))
    return found
