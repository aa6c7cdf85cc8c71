"""Politeness: robots.txt, Retry-After and backoff, an identifying User-Agent, size limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.middlewares.contact import user_agent_with_contact
from crawler.middlewares.retry_after import retry_after_seconds
from db import models, open_engine, session_factory
from tests.archivist import archived, crawl_source
from tests.mockserver import MockSites

pytestmark = pytest.mark.sqlite_only  # about the crawler, not the database


def one_page_source(folder: Path, sites: MockSites, path: str) -> Path:
    config = folder / "sources.toml"
    config.write_text(f'''
contact = "https://lab.example.org/crawler"
[sources.page]
start_urls = ["{sites.url("ledger", path)}"]
depth = 0
robots_sitemaps = false
''', encoding="utf-8")
    return config


def crawl_errors(db_url: str) -> list[tuple[str, str]]:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        rows = [(e.url.rsplit("/", 1)[-1], e.reason)
                for e in session.scalars(select(models.CrawlError))]
    engine.dispose()
    return rows


def arrivals(sites: MockSites, path: str) -> list[float]:
    return [r.at for r in sites.requests if r.path == path]


def test_429_is_retried_after_the_retry_after_delay(archivist: MockSites, tmp_path: Path,
                                                    db_url: str) -> None:
    result = crawl_source(one_page_source(tmp_path, archivist, "/news/flaky.html"), "page", db_url)

    first, second = arrivals(archivist, "/news/flaky.html")
    assert second - first >= 0.95  # Retry-After: 1
    assert result.counts["articles_new"] == 1 and result.counts["errors"] == 0


def test_5xx_is_retried_with_exponential_backoff(archivist: MockSites, tmp_path: Path,
                                                 db_url: str) -> None:
    archivist.failing["/news/bridge.html"] = 2
    config = one_page_source(tmp_path, archivist, "/news/bridge.html")

    result = crawl_source(config, "page", db_url, ARCHIVE_RETRY_BACKOFF=0.3)

    times = arrivals(archivist, "/news/bridge.html")
    assert len(times) == 3
    assert times[1] - times[0] >= 0.29 and times[2] - times[1] >= 0.59
    assert result.counts["articles_new"] == 1


def test_a_too_long_retry_after_is_not_waited_for(archivist: MockSites, tmp_path: Path,
                                                  db_url: str) -> None:
    archivist.flaky["/news/flaky.html"] = "3600"
    config = one_page_source(tmp_path, archivist, "/news/flaky.html")

    result = crawl_source(config, "page", db_url, ARCHIVE_MAX_RETRY_AFTER=5)

    assert len(arrivals(archivist, "/news/flaky.html")) == 1
    assert result.counts["errors"] == 1
    assert crawl_errors(db_url) == [("flaky.html", "http_429")]


def test_robots_txt_is_obeyed_and_the_user_agent_names_the_contact(
    archivist: MockSites, tmp_path: Path, db_url: str
) -> None:
    config = one_page_source(tmp_path, archivist, "/private/secret.html")

    crawl_source(config, "page", db_url)

    assert archivist.paths() == ["/robots.txt"]
    agent = archivist.requests[0].headers["User-Agent"]
    assert agent.startswith("viral-archive/")
    assert agent.endswith("; +https://lab.example.org/crawler)")
    assert archived(db_url) == []


def test_pages_over_the_size_limit_are_recorded_not_archived(
    archivist: MockSites, tmp_path: Path, db_url: str
) -> None:
    config = one_page_source(tmp_path, archivist, "/news/otter.html")

    result = crawl_source(config, "page", db_url, DOWNLOAD_MAXSIZE=600)

    assert result.counts["articles_new"] == 0 and result.counts["errors"] == 1
    assert crawl_errors(db_url) == [("otter.html", "too_large")]


def test_retry_after_values() -> None:
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    date = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(date, now) == 90.0
    assert retry_after_seconds("yesterday") is None
    assert retry_after_seconds(None) is None


def test_contact_goes_inside_the_user_agent_comment() -> None:
    assert user_agent_with_contact("bot/1 (research; +https://x.org)", "mailto:a@b.org") == (
        "bot/1 (research; +https://x.org; +mailto:a@b.org)")
    assert user_agent_with_contact("bot/1", "a@b.org") == "bot/1 (+a@b.org)"
