"""Item pipelines: clean each fetched page, then archive it and keep the crawl's record."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.exceptions import ExtractionError
from archive.extraction import extract_article
from archive.store import FetchedPage, Outcome, store_article
from crawler.items import PageErrorItem, PageItem
from db import models, open_engine, session_factory

logger = logging.getLogger(__name__)

#: stats keys the pipelines keep; the CLI reads them for its progress display
STAT_KEYS = {
    "pages_fetched": "archive/pages_fetched",
    "articles_new": "archive/articles_new",
    "articles_updated": "archive/articles_updated",
    "articles_unchanged": "archive/articles_unchanged",
    "non_articles": "archive/non_articles",
    "errors": "archive/errors",
}
CRAWL_ID_STAT = "archive/crawl_id"


class ExtractPipeline:
    """Clean each :class:`PageItem` into an :class:`~archive.Article`, or note why not."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            try:
                item.article = extract_article(item.body, item.url)
            except ExtractionError as exc:
                item.problem = ("extraction_failed", str(exc))
            except RecursionError:
                item.problem = ("extraction_failed", "the page is nested too deeply to parse")
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
        self.stats: StatsCollector = crawler.stats
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.crawl_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.engine = open_engine(self.db_url)
        self.sessions = session_factory(self.engine)
        with self.sessions.begin() as session:
            crawl = models.Crawl(
                start_urls=list(getattr(spider, "start_urls", [])),
                source_name=getattr(spider, "source_name", None),
            )
            session.add(crawl)
            session.flush()
            self.crawl_id = crawl.id
        for key in STAT_KEYS.values():
            self.stats.set_value(key, 0)
        self.stats.set_value(CRAWL_ID_STAT, self.crawl_id)

    def _count(self, name: str) -> None:
        self.stats.inc_value(STAT_KEYS[name])

    def _record_error(self, url: str, reason: str, detail: str) -> None:
        assert self.sessions is not None and self.crawl_id is not None
        logger.warning("Not archived: %s (%s: %s)", url, reason, detail)
        self._count("errors")
        with self.sessions.begin() as session:
            session.add(
                models.CrawlError(crawl_id=self.crawl_id, url=url, reason=reason, detail=detail)
            )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageErrorItem):
            self._record_error(item.url, item.reason, item.detail)
        elif isinstance(item, PageItem):
            self._count("pages_fetched")
            self._archive(item)
        return item

    def _archive(self, item: PageItem) -> None:
        assert self.sessions is not None
        if item.problem is not None:
            self._record_error(item.url, *item.problem)
            return
        article = item.article
        if article is None or not article.is_article:
            logger.debug("Not an article (%s): %s", article and article.page_type, item.url)
            self._count("non_articles")
            return
        page = FetchedPage(item.url, item.status, item.headers, item.body, item.fetched_at)
        try:
            with self.sessions.begin() as session:
                outcome, record = store_article(session, page, article, crawl_id=self.crawl_id)
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            self._record_error(item.url, "store_failed", reason)
            return
        self._count(
            {
                Outcome.NEW: "articles_new",
                Outcome.UPDATED: "articles_updated",
                Outcome.UNCHANGED: "articles_unchanged",
            }[outcome]
        )
        logger.info("Archived (%s): %s", outcome.value, record.url)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.sessions is None or self.crawl_id is None:
            return
        with self.sessions.begin() as session:
            crawl = session.get(models.Crawl, self.crawl_id)
            assert crawl is not None
            for column, key in STAT_KEYS.items():
                setattr(crawl, column, self.stats.get_value(key, 0))
            crawl.finished_at = datetime.now(UTC)
            crawl.status = "finished" if reason == "finished" else f"stopped: {reason}"
        if self.engine is not None:
            self.engine.dispose()
