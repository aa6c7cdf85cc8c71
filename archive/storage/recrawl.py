"""Incremental re-crawls: what the crawler knows of a source's URLs, and when to look again.

Every URL a source crawl fetches gets a :class:`~db.models.UrlState`. A re-crawl then
requests only what is new or due: known articles are re-checked with conditional
requests on an adaptive interval (a young article often, an old one rarely, none past
``recheck_max_age``); listing pages (every page that is not an article) are fetched
whenever a crawl finds them again, since they are where new links appear; failed URLs
back off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.core.sources import SourceConfig
from db import models

ARTICLE, LISTING, ALIAS, ERROR = "article", "listing", "alias", "error"
#: an article is re-checked after this share of its age (bounded by recheck_min/max)
RECHECK_FACTOR = 0.25


@dataclass(frozen=True, slots=True)
class RecheckPolicy:
    """When to look at a URL again, from a source's ``recheck_*`` settings."""

    min_interval: timedelta
    max_interval: timedelta
    max_age: timedelta
    factor: float = RECHECK_FACTOR

    @classmethod
    def of(cls, source: SourceConfig) -> RecheckPolicy:
        return cls(source.recheck_min, source.recheck_max, source.recheck_max_age)

    def next_article_check(self, now: datetime, born: datetime) -> datetime | None:
        """``now`` + a share of the article's age, bounded; ``None`` when it is too old."""
        age = max(now - born, timedelta(0))
        if age > self.max_age:
            return None
        interval = min(max(age * self.factor, self.min_interval), self.max_interval)
        return now + interval

    def next_retry(self, now: datetime, fail_count: int) -> datetime:
        """Back off a failing URL: ``min_interval`` doubled per failure, at most ``max``."""
        doubled = self.min_interval * (2 ** min(max(fail_count - 1, 0), 16))
        return now + min(doubled, self.max_interval)


@dataclass(frozen=True, slots=True)
class Recheck:
    """A known article due for a conditional request."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """What a source crawl should re-check, and which discovered URLs to leave alone."""

    rechecks: tuple[Recheck, ...] = ()
    #: known URLs not to request when discovered (not due, or fetched only as re-checks)
    skip: frozenset[str] = frozenset()


def unfinished_since(session: Session, source_name: str) -> datetime | None:
    """When the earliest crawl of the source that did not finish (stopped, killed) after
    its last finished one started; ``None`` when the last crawl finished."""
    finished = session.scalar(select(func.max(models.Crawl.started_at)).where(
        models.Crawl.source_name == source_name, models.Crawl.status == "finished"))
    conditions = [models.Crawl.source_name == source_name, models.Crawl.status != "finished"]
    if finished is not None:
        conditions.append(models.Crawl.started_at > finished)
    return session.scalar(select(func.min(models.Crawl.started_at)).where(*conditions))


def plan_crawl(session: Session, source_name: str, now: datetime) -> CrawlPlan:
    """The re-checks due at ``now`` and the known URLs a crawl of the source should skip.

    A page fetched by a crawl that did not finish is not skipped: its links may not all
    have been followed, so when the crawl finds it again it fetches it again, and goes on
    from there (nothing the interrupted crawl would have reached is lost).
    """
    rechecks: list[Recheck] = []
    skip: set[str] = set()
    rows = session.scalars(
        select(models.UrlState).where(models.UrlState.source_name == source_name)
    )
    resume_from = unfinished_since(session, source_name)
    for state in rows:
        due = state.next_check is not None and state.next_check <= now
        if state.kind == LISTING:
            continue
        if resume_from is not None and state.last_fetched >= resume_from:
            continue  # fetched by an unfinished crawl: fetch it again when found
        if state.kind == ARTICLE and due:
            rechecks.append(Recheck(state.url, state.etag, state.last_modified))
        if state.kind in (ARTICLE, ALIAS) or not due:
            skip.add(state.url)  # articles come as re-checks, aliases through their article
    return CrawlPlan(rechecks=tuple(rechecks), skip=frozenset(skip))


def _state(
    session: Session, url: str, source_name: str, fetched_at: datetime, kind: str
) -> models.UrlState:
    state = session.scalar(select(models.UrlState).where(models.UrlState.url == url))
    if state is None:
        state = models.UrlState(
            url=url, source_name=source_name, kind=kind, fail_count=0,
            first_fetched=fetched_at, last_fetched=fetched_at,
        )
        session.add(state)
    return state


def record_article(
    session: Session,
    *,
    url: str,
    source_name: str,
    article: models.Article,
    fetched_at: datetime,
    changed: bool,
    policy: RecheckPolicy,
    validators: tuple[str | None, str | None] = (None, None),
) -> models.UrlState:
    """Note that ``url`` was fetched as ``article``; ``validators`` are (ETag, Last-Modified).

    The next check comes from the article's age: since its publication date, or since
    it was first archived when the page gives none.
    """
    state = _state(session, url, source_name, fetched_at, ARTICLE)
    state.kind, state.article_id = ARTICLE, article.id
    state.etag, state.last_modified = validators
    state.last_fetched, state.fail_count = fetched_at, 0
    if changed or state.last_changed is None:
        state.last_changed = fetched_at
    born = article.published or article.first_seen
    state.next_check = policy.next_article_check(fetched_at, min(born, fetched_at))
    return state


def record_page(
    session: Session,
    *,
    url: str,
    source_name: str,
    kind: str,
    fetched_at: datetime,
    policy: RecheckPolicy,
    article_id: int | None = None,
) -> models.UrlState:
    """Note a listing, alias or failure at ``url`` and when to try it again.

    Listings are due at every crawl; aliases never (their article is re-checked under
    its own URL); failures back off.
    """
    state = _state(session, url, source_name, fetched_at, kind)
    state.kind, state.last_fetched = kind, fetched_at
    if kind == ALIAS:
        state.article_id, state.next_check = article_id, None
    elif kind == ERROR:
        state.fail_count += 1
        state.next_check = policy.next_retry(fetched_at, state.fail_count)
    else:
        state.fail_count, state.next_check = 0, fetched_at
    return state


def record_not_modified(
    session: Session, *, url: str, source_name: str, fetched_at: datetime, policy: RecheckPolicy
) -> models.Article | None:
    """A re-check answered 304: the article was seen unchanged; returns it when known."""
    state = _state(session, url, source_name, fetched_at, ARTICLE)
    state.last_fetched, state.fail_count = fetched_at, 0
    article = session.get(models.Article, state.article_id) if state.article_id else None
    if article is None:
        state.next_check = fetched_at + policy.min_interval
        return None
    article.last_seen = max(article.last_seen, fetched_at)
    born = article.published or article.first_seen
    state.next_check = policy.next_article_check(fetched_at, min(born, fetched_at))
    return article
