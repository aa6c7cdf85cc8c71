"""Item pipelines: read each fetched page, then archive it and keep the crawl's record
(:mod:`crawler.record`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from archive.core.processes import reading_processes
from archive.core.sources import SourceConfig
from archive.core.urls import listing_hint, normalize_url
from archive.exceptions import ExtractionError
from archive.storage import recrawl
from archive.storage.batches import BatchWriter
from archive.storage.writer import Outcome, store_article
from crawler.items import NotModifiedItem, PageErrorItem, PageItem
from crawler.page_reader import CRASHED, PageReader, ReaderCrashed
from crawler.reactor import deferred_of
from crawler.record import CRAWL_ID_STAT, STAT_KEYS, close_crawl, note_failure, open_crawl
from db import DatabaseError, models, open_engine, reason_of, session_factory

logger = logging.getLogger(__name__)

T = TypeVar("T")

def _source_of(crawler: Crawler) -> SourceConfig | None:
    """The source a ``source`` spider crawls; ``None`` for plain URL crawls."""
    source = getattr(crawler.spider, "source", None)
    return source if isinstance(source, SourceConfig) else None


class ExtractPipeline:
    """Read each :class:`PageItem` into an :class:`~archive.Article`, or note why not.

    The reading is :func:`~archive.extraction.reading.read_page`, the same that
    ``reextract`` and the archive's re-reads use, run in ``ARCHIVE_READING_PROCESSES``
    worker processes (:mod:`crawler.page_reader`).
    """

    def __init__(self, processes: int) -> None:
        self.reader = PageReader(processes)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        configured = crawler.settings.get("ARCHIVE_READING_PROCESSES")
        return cls(reading_processes(configured))

    def open_spider(self) -> None:
        self.reader.start()

    def close_spider(self) -> None:
        self.reader.stop()

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            try:
                item.article = await self.reader.read(item.page)
            except ExtractionError as exc:
                item.problem = ("extraction_failed", str(exc))
            except ReaderCrashed as exc:
                item.problem = (CRASHED, str(exc))
        return item


class ArchivePipeline:
    """Write articles to the archive and record the crawl.

    A ``Crawl`` row is opened when the spider opens and closed with its counts when it
    closes; every page that could not be archived becomes a ``CrawlError`` with its reason.
    Every write goes through one writer thread (:class:`~archive.storage.batches.BatchWriter`)
    in short batched transactions, each article all-or-nothing; a page's item leaves the
    pipeline once its batch is committed.
    """

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.db_url: str | None = crawler.settings.get("ARCHIVE_DB")
        self.stories: bool = crawler.settings.getbool("ARCHIVE_STORIES")
        self.stats: StatsCollector = crawler.stats
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None
        self.writer: BatchWriter | None = None
        self.crawl_id: int | None = None
        self.source: SourceConfig | None = None
        self.policy: recrawl.RecheckPolicy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def _write(self, job: Callable[[Session], T]) -> Deferred[T]:
        """Run ``job`` in the writer's next batch; fires once it is committed."""
        assert self.writer is not None
        return deferred_of(self.writer.submit(job))

    def request_dropped(self, request: Request) -> None:
        """A request the scheduler dropped as already seen. After redirects back to a URL
        of its own chain it is a redirect loop, recorded as the first URL's failure;
        after a redirect to a page this crawl already requested, the old URLs are
        remembered as aliases, so later crawls do not follow the redirect again.

        The write is handed to the writer without waiting (a signal handler cannot); it
        is committed before the crawl record is closed, and a failure is logged."""
        redirected = request.meta.get("redirect_urls")
        if not redirected:
            return
        if normalize_url(request.url) in {normalize_url(url) for url in redirected}:
            written = self._record_error(redirected[0], "redirect_loop",
                                         f"redirects lead back to {request.url}")
            written.addErrback(_log_lost_write, request.url)
            return
        source, policy = self.source, self.policy
        if source is None or policy is None:
            return
        now = models.utcnow()

        def remember_aliases(session: Session) -> None:
            for url in redirected:
                recrawl.record_page(session, url=normalize_url(url), source_name=source.name,
                                    kind=recrawl.ALIAS, fetched_at=now, policy=policy)

        self._write(remember_aliases).addErrback(_log_lost_write, request.url)

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
        self.writer = BatchWriter(self.sessions)
        for key in STAT_KEYS.values():
            self.stats.set_value(key, 0)
        self.stats.set_value(CRAWL_ID_STAT, self.crawl_id)

    def _count(self, name: str) -> None:
        self.stats.inc_value(STAT_KEYS[name])

    def _record_error(self, url: str, reason: str, detail: str) -> Deferred[None]:
        crawl_id, source, policy = self.crawl_id, self.source, self.policy
        assert crawl_id is not None
        logger.info("Not archived: %s (%s: %s)", url, reason, detail)
        note_failure(self.stats, url, reason, detail)

        def record(session: Session) -> None:
            session.add(models.CrawlError(crawl_id=crawl_id, url=url, reason=reason,
                                          detail=detail))
            if source is not None and policy is not None:
                recrawl.record_page(
                    session, url=normalize_url(url), source_name=source.name,
                    kind=recrawl.ERROR, fetched_at=models.utcnow(), policy=policy,
                )

        return self._write(record)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageErrorItem):
            await self._record_error(item.url, item.reason, item.detail)
        elif isinstance(item, PageItem):
            self._count("pages_fetched")
            await self._archive(item)
        elif isinstance(item, NotModifiedItem):
            self._count("pages_fetched")
            await self._not_modified(item)
        return item

    async def _not_modified(self, item: NotModifiedItem) -> None:
        source, policy = self.source, self.policy
        if source is None or policy is None:
            return

        def record(session: Session) -> None:
            recrawl.record_not_modified(
                session, url=item.url, source_name=source.name,
                fetched_at=item.fetched_at, policy=policy,
            )

        await self._write(record)
        self._count("articles_unchanged")
        logger.info("Not modified: %s", item.url)

    async def _record_page(self, item: PageItem, kind: str) -> None:
        """Remember a non-article page of a source, and when to look at it again."""
        source, policy = self.source, self.policy
        if source is None or policy is None:
            return

        def record(session: Session) -> None:
            for url in {normalize_url(item.url), *item.redirected_from}:
                recrawl.record_page(session, url=url, source_name=source.name,
                                    kind=kind, fetched_at=item.page.fetched_at,
                                    policy=policy)

        await self._write(record)

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

    async def _archive(self, item: PageItem) -> None:
        if item.problem is not None:
            await self._record_error(item.url, *item.problem)
            return
        article = item.article
        listing = article is not None and article.page_type == "listing"
        if self.source is not None and listing_hint(item.url):
            listing = True  # a tag, category, author or paging URL, whatever its text
        if article is None or not article.is_article or listing:
            logger.debug("Not an article (%s): %s", article and article.page_type, item.url)
            self._count("non_articles")
            await self._record_page(item, recrawl.LISTING)
            return

        def store(session: Session) -> tuple[Outcome, str]:
            outcome, record = store_article(session, article, item.page,
                                            crawl_id=self.crawl_id, stories=self.stories)
            if self.source is not None:
                self._record_article(session, item, record, outcome)
            return outcome, record.url

        try:
            outcome, url = await self._write(store)
        except SQLAlchemyError as exc:
            await self._record_error(item.url, "store_failed", reason_of(exc))
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
        logger.info("Archived (%s): %s", outcome.value, url)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.sessions is None or self.crawl_id is None:
            return
        if self.writer is not None:
            # the writes handed over so far are committed before the record is closed
            await deferToThread(self.writer.close)
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        close_crawl(self.sessions, self.crawl_id, self.stats.get_stats(), status)
        if self.engine is not None:
            self.engine.dispose()


def _log_lost_write(failure: Failure, url: str) -> None:
    logger.error("Could not record what happened to %s: %s", url, failure.getErrorMessage())


def _validator(item: PageItem, name: str) -> str | None:
    """The response's ``ETag`` or ``Last-Modified`` value, as stored for re-checks."""
    value = item.page.header(name)
    return value[:512] if value is not None else None
