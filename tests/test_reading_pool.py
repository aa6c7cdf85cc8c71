"""Pages read in worker processes: a real crawl of a real local site, workers that die."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.extraction.reading import FetchedPage
from archive.extraction.workers import CRASH_MARKER_ENV, read_in_worker, reading_pool
from archive.operations.demo.server import serve_folder
from benchmarks.newssite import article_path, write_news_site
from crawler.page_reader import CRASHED
from crawler.runner import run_crawl
from db import models
from tests.conftest import LOCAL_CRAWL

ARTICLES = 24
MARKER = "make-the-reader-die"


@pytest.fixture
def news_site(tmp_path: Path) -> Iterator[str]:
    """A generated news site of ``ARTICLES`` pages; article 5 holds the crash marker."""
    folder = tmp_path / "site"
    write_news_site(folder, ARTICLES)
    page = folder / article_path(5)
    page.write_text(page.read_text("utf-8").replace("</main>", f"<!-- {MARKER} --></main>"),
                    "utf-8")
    with serve_folder(folder) as base_url:
        yield base_url


@pytest.mark.sqlite_only
def test_a_worker_dying_mid_page_fails_that_page_and_the_crawl_goes_on(
    news_site: str, db_url: str, sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CRASH_MARKER_ENV, MARKER)
    result = run_crawl([news_site], db_url=db_url,
                       settings={**LOCAL_CRAWL, "ARCHIVE_READING_PROCESSES": 2})

    assert result.reason == "finished"
    assert result.failures == {CRASHED: 1}
    assert result.counts["articles_new"] == ARTICLES - 1
    with sessions() as s:
        errors = s.execute(select(models.CrawlError.url, models.CrawlError.reason)).all()
        assert errors == [(f"{news_site}{article_path(5)}", CRASHED)]
        urls = set(s.scalars(select(models.Article.url)))
        assert f"{news_site}{article_path(5)}" not in urls
        assert f"{news_site}{article_path(4)}" in urls and f"{news_site}{article_path(6)}" in urls
        crawl = s.get_one(models.Crawl, result.crawl_id)
        assert crawl.status == "finished"
        assert crawl.error_reasons == {CRASHED: 1}


def test_pages_read_in_the_crawling_process_with_no_workers(
    news_site: str, db_url: str, sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the marker only kills worker processes: read in-process, page 5 is an article
    monkeypatch.setenv(CRASH_MARKER_ENV, MARKER)
    result = run_crawl([news_site], db_url=db_url,
                       settings={**LOCAL_CRAWL, "ARCHIVE_READING_PROCESSES": 0})

    assert result.reason == "finished"
    assert result.counts["articles_new"] == ARTICLES
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(models.Article)) == ARTICLES
        assert s.scalar(select(func.count()).select_from(models.RawPage)) == ARTICLES


#: the extraction stack: what a crawl's own process should not load when workers read
EXTRACTION_STACK = ("bs4", "soupsieve", "htmldate", "dateparser", "archive.extraction.extract",
                    "archive.extraction.pubdate")

_CRAWL_AND_LIST_MODULES = """
import json, sys
from crawler.runner import run_crawl
site, db_url, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
result = run_crawl([site], db_url=db_url, settings=settings)
print(json.dumps({"new": result.counts["articles_new"], "modules": sorted(sys.modules)}))
"""


@pytest.mark.sqlite_only
def test_the_crawling_process_does_not_load_the_extraction_stack_when_workers_read(
    news_site: str, db_url: str
) -> None:
    # a process of its own: this one has imported everything already
    settings = {**LOCAL_CRAWL, "ARCHIVE_READING_PROCESSES": 1}
    done = subprocess.run([sys.executable, "-c", _CRAWL_AND_LIST_MODULES, news_site, db_url,
                           json.dumps(settings)], capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.splitlines()[-1])

    assert report["new"] == ARTICLES
    loaded = [name for name in report["modules"]
              if any(name == m or name.startswith(f"{m}.") for m in EXTRACTION_STACK)]
    assert loaded == []


def loaded_modules() -> list[str]:
    """The modules of the process this runs in (a pool worker)."""
    return sorted(sys.modules)


def test_a_worker_imports_nothing_to_read_a_page_the_forkserver_has_it_all(
    tmp_path: Path,
) -> None:
    write_news_site(tmp_path, 1)
    page = FetchedPage(url="http://news.test/a.html",
                       body=(tmp_path / article_path(0)).read_bytes())
    pool = reading_pool(1)
    try:
        before = set(pool.submit(loaded_modules).result())
        article = pool.submit(read_in_worker, page).result()
        after = set(pool.submit(loaded_modules).result())
    finally:
        pool.shutdown()

    assert not isinstance(article, str)
    # imported in a worker, a module would be a private copy in each worker
    assert sorted(after - before) == []
