"""Item pipelines: read each fetched page, then archive it and keep the crawl's record
(:mod:`crawler.record`)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.core.sources import SourceConfig
from archive.core.urls import listing_hint, normalize_url
from archive.exceptions import ExtractionError
from archive.extraction.reading import read_page
from archive.storage import recrawl
from archive.storage.writer import Outcome, store_article
from crawler.items import NotModifiedItem, PageErrorItem, PageItem
from crawler.record import CRAWL_ID_STAT, STAT_KEYS, close_crawl, note_failure, open_crawl
from db import DatabaseError, models, open_engine, reason_of, session_factory

logger = logging.getLogger(__name__)

def _source_of(crawler: Crawler) -> SourceConfig | None:
    """The source a ``source`` spider crawls; ``None`` for plain URL crawls."""
    source = getattr(crawler.spider, "source", None)
    return source if isinstance(source, SourceConfig) else None


class ExtractPipeline:
    """Read each :class:`PageItem` into an :class:`~archive.Article`, or note why not.

    The reading is :func:`~archive.extraction.reading.read_page`, the same that
    ``reextract`` and the archive's re-reads use.
    """

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            try:
                item.article = read_page(item.page)
            except ExtractionError as exc:
                item.problem = ("extraction_failed", str(exc))
        return item


class ArchivePipeline:
    """Write articles to the archive, one transaction each, and record the crawl.

    A ``Crawl`` row is opened when the spider opens and closed with its counts when it
    closes; every page that could not be archived becomes a ``CrawlError`` with its reason.
    """

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.db_url: str | None = crawler.settings.get("ARCHIVE_DB")
        self.stories: bool = crawler.settings.getbool("ARCHIVE_STORIES")
        self.stats: StatsCollector = crawler.stats
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.crawl_id: int | None = None
        self.source: SourceConfig | None = None
        self.policy: recrawl.RecheckPolicy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def request_dropped(self, request: Request) -> None:
        """A request the scheduler dropped as already seen. After redirects back to a URL
        of its own chain it is a redirect loop, recorded as the first URL's failure;
        after a redirect to a page this crawl already requested, the old URLs are
        remembered as aliases, so later crawls do not follow the redirect again."""
        redirected = request.meta.get("redirect_urls")
        if not redirected:
            return
        if normalize_url(request.url) in {normalize_url(url) for url in redirected}:
            self._record_error(redirected[0], "redirect_loop",
                               f"redirects lead back to {request.url}")
            return
        if self.source is None or self.policy is None:
            return
        assert self.sessions is not None
        now = models.utcnow()
        with self.sessions.begin() as session:
            for url in redirected:
                recrawl.record_page(session, url=normalize_url(url), source_name=self.source.name,
                                    kind=recrawl.ALIAS, fetched_at=now, policy=self.policy)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.source = _source_of(self.crawler)
        self.policy = recrawl.RecheckPolicy.of(self.source) if self.source else None
        self.engine = open_engine(self.db_url)
        self.sessions = session_factory(self.engine)
        try:
            self.crawl_id = open_crawl(self.sessions,
                                       start_urls=list(getattr(spider, "start_urls", [])),
                                       source_name=getattr(spider, "source_name", None))
        except SQLAlchemyError as exc:
            self.engine.dispose()
            reason = reason_of(exc)
            raise DatabaseError(f"The crawl cannot write to the archive: {reason}.") from exc
        for key in STAT_KEYS.values():
            self.stats.set_value(key, 0)
        self.stats.set_value(CRAWL_ID_STAT, self.crawl_id)

    def _count(self, name: str) -> None:
        self.stats.inc_value(STAT_KEYS[name])

    def _record_error(self, url: str, reason: str, detail: str) -> None:
        assert self.sessions is not None and self.crawl_id is not None
        logger.info("Not archived: %s (%s: %s)", url, reason, detail)
        note_failure(self.stats, url, reason, detail)
        with self.sessions.begin() as session:
            session.add(
                models.CrawlError(crawl_id=self.crawl_id, url=url, reason=reason, detail=detail)
            )
            if self.source is not None and self.policy is not None:
                recrawl.record_page(
                    session, url=normalize_url(url), source_name=self.source.name,
                    kind=recrawl.ERROR, fetched_at=models.utcnow(), policy=self.policy,
                )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageErrorItem):
            self._record_error(item.url, item.reason, item.detail)
        elif isinstance(item, PageItem):
            self._count("pages_fetched")
            self._archive(item)
        elif isinstance(item, NotModifiedItem):
            self._count("pages_fetched")
            self._not_modified(item)
        return item

    def _not_modified(self, item: NotModifiedItem) -> None:
        assert self.sessions is not None
        if self.source is None or self.policy is None:
            return
        with self.sessions.begin() as session:
            recrawl.record_not_modified(
                session, url=item.url, source_name=self.source.name,
                fetched_at=item.fetched_at, policy=self.policy,
            )
        self._count("articles_unchanged")
        logger.info("Not modified: %s", item.url)

    def _record_page(self, item: PageItem, kind: str) -> None:
        """Remember a non-article page of a source, and when to look at it again."""
        if self.source is None or self.policy is None:
            return
        assert self.sessions is not None
        with self.sessions.begin() as session:
            for url in {normalize_url(item.url), *item.redirected_from}:
                recrawl.record_page(session, url=url, source_name=self.source.name,
                                    kind=kind, fetched_at=item.page.fetched_at,
                                    policy=self.policy)

    def _record_article(
        self, session: Session, item: PageItem, record: models.Article, outcome: Outcome
    ) -> None:
        """Remember the article's URL (with the validators for re-checks) and its aliases."""
        assert self.source is not None and self.policy is not None
        fetched = normalize_url(item.url)
        same = fetched == record.url
        validators = (_validator(item, "ETag"), _validator(item, "Last-Modified")) if same else (
            None, None)
        recrawl.record_article(
            session, url=record.url, source_name=self.source.name, article=record,
            fetched_at=item.page.fetched_at, changed=outcome in (Outcome.NEW, Outcome.UPDATED),
            policy=self.policy, validators=validators,
        )
        for alias in {fetched, *item.redirected_from} - {record.url}:
            recrawl.record_page(session, url=alias, source_name=self.source.name,
                                kind=recrawl.ALIAS, fetched_at=item.page.fetched_at,
                                policy=self.policy, article_id=record.id)

    def _archive(self, item: PageItem) -> None:
        assert self.sessions is not None
        if item.problem is not None:
            self._record_error(item.url, *item.problem)
            return
        article = item.article
        listing = article is not None and article.page_type == "listing"
        if self.source is not None and listing_hint(item.url):
            listing = True  # a tag, category, author or paging URL, whatever its text
        if article is None or not article.is_article or listing:
            logger.debug("Not an article (%s): %s", article and article.page_type, item.url)
            self._count("non_articles")
            self._record_page(item, recrawl.LISTING)
            return
        try:
            with self.sessions.begin() as session:
                outcome, record = store_article(session, article, item.page,
                                                crawl_id=self.crawl_id, stories=self.stories)
                if self.source is not None:
                    self._record_article(session, item, record, outcome)
        except SQLAlchemyError as exc:
            reason = reason_of(exc)
            self._record_error(item.url, "store_failed", reason)
            return
        self._count(
            {
                Outcome.NEW: "articles_new",
                Outcome.UPDATED: "articles_updated",
                Outcome.UNCHANGED: "articles_unchanged",
                # re-read by a newer extractor, not edited
                Outcome.REEXTRACTED: "articles_unchanged",
            }[outcome]
        )
        logger.info("Archived (%s): %s", outcome.value, record.url)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.sessions is None or self.crawl_id is None:
            return
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        close_crawl(self.sessions, self.crawl_id, self.stats.get_stats(), status)
        if self.engine is not None:
            self.engine.dispose()


def _validator(item: PageItem, name: str) -> str | None:
    """The response's ``ETag`` or ``Last-Modified`` value, as stored for re-checks."""
    value = item.page.header(name)
    return value[:512] if value is not None else None
