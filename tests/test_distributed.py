"""Distributed crawling: worker processes sharing a Redis frontier, into PostgreSQL.

A generated site of 2,000 article pages is served locally; three ``viral-archive worker``
processes crawl it. Every page must be archived exactly once — also when one worker is
killed (SIGKILL) half-way, leaving requests it had leased that the others must take over.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive.cli import main
from archive.operations.demo.server import serve_folder
from benchmarks.newssite import write_news_site
from crawler.frontier import Frontier
from db import models, open_engine, session_factory
from tests.pg import fresh_schema, pg_unreachable_reason
from tests.services import port_open, require_service

ARTICLES = 2_000
WORKERS = 3
REDIS_URL = os.environ.get("VIRAL_ARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
#: generous: three workers take well under a minute for the site on two cores
WORKERS_TIMEOUT = 240


@pytest.fixture(scope="module")
def news_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, set[str]]]:
    """The base URL of the generated site, and the URLs of its article pages."""
    folder = tmp_path_factory.mktemp("newssite")
    paths = write_news_site(folder, ARTICLES)
    with serve_folder(folder) as base_url:
        yield base_url, {base_url + path for path in paths}


@pytest.fixture
def frontier() -> Iterator[Frontier]:
    """A frontier of its own on the test Redis, deleted afterwards."""
    host_port = REDIS_URL.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    require_service("Redis", port_open(host, int(port or 6379)), f"nothing listens at {REDIS_URL}")
    frontier = Frontier(REDIS_URL, f"test-{uuid.uuid4().hex[:10]}")
    yield frontier
    frontier.reset()
    frontier.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    with fresh_schema("va_dist") as url:
        open_engine(url).dispose()  # the schema is created once, not raced by the workers
        yield url


def _start_workers(
    count: int, frontier: Frontier, db_url: str, logs: Path
) -> list[subprocess.Popen[bytes]]:
    workers = []
    for number in range(count):
        log = (logs / f"worker{number}.log").open("wb")
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "archive", "worker", "--frontier", frontier.url,
             "--frontier-name", frontier.name, "--db", db_url, "--idle-timeout", "3",
             "--concurrency", "24", "--per-domain", "24", "--no-autothrottle",
             "--lease-ttl", "5"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        ))
    return workers


def _wait(workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + WORKERS_TIMEOUT
    for process in workers:
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for other in workers:
                other.kill()
            pytest.fail(f"workers did not finish within {WORKERS_TIMEOUT}s")


def _archived(db_url: str) -> int:
    engine = open_engine(db_url, create=False)
    try:
        with session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(models.Article)) or 0)
    finally:
        engine.dispose()


def _assert_archived_exactly_once(db_url: str, expected: set[str], frontier: Frontier) -> None:
    engine = open_engine(db_url, create=False)
    with session_factory(engine)() as session:
        urls = list(session.scalars(select(models.Article.url)))
        raw_pages = list(session.scalars(select(models.RawPage.url)))
        errors = [(e.url, e.reason) for e in session.scalars(select(models.CrawlError))]
    engine.dispose()
    assert errors == []
    assert len(urls) == len(set(urls)) == ARTICLES
    assert set(urls) == expected
    # a page fetched twice (a dead worker's lease re-done) would add no second raw page
    # only if its content was unchanged; either way each article has exactly one
    assert sorted(raw_pages) == sorted(urls)
    status = frontier.status()
    assert (status.start_pages, status.queued, status.leased) == (0, 0, 0)


def _enqueue(frontier: Frontier, base_url: str) -> None:
    result = CliRunner().invoke(main, ["enqueue", base_url, "--frontier", frontier.url,
                                       "--frontier-name", frontier.name, "--depth", "3"])
    assert result.exit_code == 0, result.output
    assert "Enqueued 1 start pages" in result.output


def _enqueue_and_start(news_site: tuple[str, set[str]], frontier: Frontier, pg_url: str,
                       tmp_path: Path) -> tuple[set[str], list[subprocess.Popen[bytes]]]:
    """The news site enqueued, and :data:`WORKERS` workers started on it."""
    base_url, expected = news_site
    _enqueue(frontier, base_url)
    return expected, _start_workers(WORKERS, frontier, pg_url, tmp_path)


def test_three_workers_archive_every_page_once(
    news_site: tuple[str, set[str]], frontier: Frontier, pg_url: str, tmp_path: Path
) -> None:
    expected, workers = _enqueue_and_start(news_site, frontier, pg_url, tmp_path)
    _wait(workers)
    logs = "\n".join(p.read_text("utf-8", "replace") for p in tmp_path.glob("worker*.log"))
    assert [w.returncode for w in workers] == [0] * WORKERS, logs
    _assert_archived_exactly_once(pg_url, expected, frontier)
    engine = open_engine(pg_url, create=False)
    with session_factory(engine)() as session:
        crawls = list(session.scalars(select(models.Crawl)))
    engine.dispose()
    assert len(crawls) == WORKERS
    assert all(c.status == "finished" for c in crawls)
    # the work was shared: every worker archived a fair part
    assert sum(c.articles_new for c in crawls) == ARTICLES
    assert min(c.articles_new for c in crawls) > ARTICLES // 20, [
        c.articles_new for c in crawls
    ]


def test_a_killed_worker_loses_nothing(
    news_site: tuple[str, set[str]], frontier: Frontier, pg_url: str, tmp_path: Path
) -> None:
    expected, workers = _enqueue_and_start(news_site, frontier, pg_url, tmp_path)
    victim = workers[0]
    deadline = time.monotonic() + WORKERS_TIMEOUT
    while _archived(pg_url) < ARTICLES * 0.35:
        assert time.monotonic() < deadline, "the crawl made no progress"
        assert victim.poll() is None, "the worker to kill finished early"
        time.sleep(0.2)
    workers_ids = [w.decode() for w in frontier.client.smembers(frontier.workers_key)]
    victim_id = next(w for w in workers_ids if f"-{victim.pid}-" in w)
    leased_at_kill = frontier.client.hlen(frontier.processing_key(victim_id))
    victim.send_signal(signal.SIGKILL)
    _wait(workers)
    logs = {p.name: p.read_text("utf-8", "replace") for p in tmp_path.glob("worker*.log")}
    assert victim.returncode == -signal.SIGKILL
    assert [w.returncode for w in workers[1:]] == [0] * (WORKERS - 1), logs
    assert leased_at_kill > 0, "the killed worker held no leases: nothing was tested"
    assert any("Re-queued" in text for name, text in logs.items() if name != "worker0.log")
    _assert_archived_exactly_once(pg_url, expected, frontier)


@pytest.mark.sqlite_only
def test_crawl_through_a_frontier(basic_server: str, db_url: str, frontier: Frontier) -> None:
    result = CliRunner().invoke(main, ["crawl", basic_server, "--depth", "1", "--db", db_url,
                                       "--frontier", frontier.url,
                                       "--frontier-name", frontier.name])
    assert result.exit_code == 0, result.output
    assert re.search(r"new\s*│\s*2", result.output), result.output
    assert re.search(r"errors\s*│\s*2", result.output), result.output
    # the frontier remembers what it saw: a second crawl re-fetches only the start page
    result = CliRunner().invoke(main, ["crawl", basic_server, "--depth", "1", "--db", db_url,
                                       "--frontier", frontier.url,
                                       "--frontier-name", frontier.name])
    assert result.exit_code == 0, result.output
    assert re.search(r"pages fetched\s*│\s*1\b", result.output), result.output


def test_a_frontier_url_that_is_not_redis_is_one_sentence() -> None:
    result = CliRunner().invoke(main, ["enqueue", "https://example.com/", "--frontier",
                                       "http://localhost:6379/"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: 'http://localhost:6379/' is not a Redis URL; use e.g. redis://localhost:6379/0."
    )


@pytest.mark.parametrize("key, value", [("sitemaps", '["https://a.example/sitemap.xml"]'),
                                        ("feeds", '["https://a.example/rss"]'),
                                        ("deny", '["/live/"]'),
                                        ("cleaning", '{ drop = [".promo"] }')])
def test_enqueue_refuses_source_keys_a_frontier_crawl_cannot_carry_out(
    tmp_path: Path, key: str, value: str
) -> None:
    """A shared frontier crawls links from start pages; a source that asks for more is
    refused with a sentence naming what, rather than crawled without it."""
    config = tmp_path / "sources.toml"
    config.write_text(f'[sources.a]\nstart_urls = ["https://a.example/"]\n{key} = {value}\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["enqueue", "--config", str(config),
                                       "--frontier", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 1
    assert f'source "a" uses {key}' in result.output and "crawl --config" in result.output
