"""The sources file of the archivist test sites, and helpers to crawl and inspect them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive.core.sources import load_sources
from crawler.runner import CrawlResult, run_source_crawl
from db import models, open_engine, session_factory
from tests.conftest import LOCAL_CRAWL, SITES
from tests.mockserver import MockSites, serve_sites

#: crawler settings of these tests: no throttling, short backoff
TEST_CRAWL = {**LOCAL_CRAWL, "ARCHIVE_RETRY_BACKOFF": 0.1}

#: the articles of the ledger site, by path: every one must be archived once
LEDGER_ARTICLES = {
    "/news/otter.html", "/news/bridge.html", "/news/old-mill.html", "/news/heatwave.html",
    "/news/edited.html", "/news/festival.html", "/news/library.html", "/news/flaky.html",
}
QUILL_ARTICLES = {"/posts/hello.html", "/posts/second.html"}


@contextmanager
def serve_archivist(folder: Path) -> Iterator[MockSites]:
    """Serve a writable copy (in ``folder``) of the archivist sites."""
    shutil.copytree(SITES / "archivist", folder / "archivist")
    with serve_sites(folder / "archivist") as sites:
        yield sites


def sources_toml(sites: MockSites, *, ledger_extra: str = "", quill_extra: str = "") -> str:
    """A sources file for the two sites: the ledger found through robots.txt, feeds and
    links, the quill through its JSON Feed, with a cleaning rule."""
    return f'''
contact = "mailto:archivist@example.org"

[defaults]
recheck_min = "1h"
recheck_max = "7d"
recheck_max_age = "30d"

[sources.ledger]
start_urls = ["{sites.url("ledger")}"]
feeds = ["{sites.url("ledger", "/rss.xml")}", "{sites.url("ledger", "/atom.xml")}"]
depth = 1
interval = "1h"
{ledger_extra}

[sources.quill]
feeds = ["{sites.url("quill", "/feed.json")}"]
depth = 0
interval = "6h"
cleaning = {{ drop = [".support-box"] }}
{quill_extra}
'''


def write_sources(folder: Path, sites: MockSites, **extra: str) -> Path:
    path = folder / "sources.toml"
    path.write_text(sources_toml(sites, **extra), encoding="utf-8")
    return path


def crawl_source(
    config: Path, name: str, db_url: str, *, now: datetime | None = None, **settings: Any
) -> CrawlResult:
    """Crawl the source ``name`` of ``config`` as ``viral-archive crawl --config`` does."""
    sources = load_sources(config)
    return run_source_crawl(sources.get(name), db_url=db_url, contact=sources.contact,
                            settings={**TEST_CRAWL, **settings}, now=now)


def archived(db_url: str) -> list[models.Article]:
    """Every article of the archive, sources loaded."""
    engine = open_engine(db_url)
    try:
        with session_factory(engine)() as session:
            rows = list(session.scalars(select(models.Article).order_by(models.Article.url)))
            for row in rows:
                _ = row.source.domain, row.versions
            return rows
    finally:
        engine.dispose()


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
