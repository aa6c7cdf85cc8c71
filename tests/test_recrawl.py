"""Incremental re-crawls: only new and due pages are requested, with conditional requests."""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from archive.core.sources import parse_sources
from archive.storage.recrawl import RecheckPolicy
from db import models, open_engine, session_factory
from tests.archivist import LEDGER_ARTICLES, archived, crawl_source, path_of, write_sources
from tests.mockserver import MockSites

#: requested at every crawl of the ledger: robots.txt (by the robots.txt check and for
#: its Sitemap lines), the sitemaps and feeds, the start page and the listings it links to
DISCOVERY = [
    "/robots.txt", "/robots.txt", "/sitemap_index.xml", "/sitemaps/articles.xml.gz",
    "/sitemaps/news.xml", "/rss.xml", "/atom.xml", "/", "/news/", "/tag/wildlife/",
    "/author/jane/", "/news/page/2/",
]
#: published 1-3 days before the first crawl: due again two days later
DUE = ["/news/heatwave.html", "/news/edited.html", "/news/festival.html", "/news/flaky.html"]


def _edit(sites: MockSites, path: str, old: str, new: str) -> None:
    page = sites.root / "ledger" / path.lstrip("/")
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new), encoding="utf-8")


def test_second_crawl_requests_only_new_and_due_pages(archivist: MockSites, tmp_path: Path,
                                                      db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    first = crawl_source(config, "ledger", db_url)
    assert first.counts["articles_new"] == len(LEDGER_ARTICLES)
    first_requests = len(archivist.requests)
    before = {path_of(a.url): a for a in archived(db_url)}
    # between the crawls: one article edited, one re-saved with whitespace changes only,
    # and a new one listed in the news sitemap
    _edit(archivist, "/news/edited.html", "eleven votes to nine", "twelve votes to eight")
    _edit(archivist, "/news/festival.html", "<p>The summer festival", "<p>\n   The summer festival")
    _edit(archivist, "/sitemaps/news.xml", "<!-- NEW ARRIVALS -->",
          "<url><loc>{{ledger}}/news/new-arrival.html</loc></url>")
    mark = len(archivist.requests)

    second = crawl_source(config, "ledger", db_url, now=first_started(db_url) + timedelta(days=2))

    requested = archivist.paths("ledger", since=mark)
    assert Counter(requested) == Counter(DISCOVERY + DUE + ["/news/new-arrival.html"])
    conditional = {r.path for r in archivist.requests[mark:] if "If-None-Match" in r.headers}
    assert conditional == set(DUE)
    assert second.counts == {
        "pages_fetched": len(DUE) + 1 + 5,
        "articles_new": 1,
        "articles_updated": 1,  # edited.html
        "articles_unchanged": 3,  # heatwave and flaky answered 304; festival's whitespace
        "non_articles": 5,
        "errors": 0,
    }
    after = {path_of(a.url): a for a in archived(db_url)}
    assert set(after) == LEDGER_ARTICLES | {"/news/new-arrival.html"}
    assert all(after[p].id == before[p].id for p in before)

    edited = after["/news/edited.html"]
    assert [v.number for v in edited.versions] == [1]
    old = edited.versions[0]
    assert old.fetched_at == before["/news/edited.html"].changed_at
    diff = [line for line in difflib.unified_diff(old.text.split("\n\n"),
                                                  edited.text.split("\n\n"), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert diff == [
        "-The council approved its budget on Tuesday night by eleven votes to nine, after a "
        "debate that lasted almost four hours.",
        "+The council approved its budget on Tuesday night by twelve votes to eight, after a "
        "debate that lasted almost four hours.",
    ]
    assert edited.changed_at > before["/news/edited.html"].changed_at
    for path in ("/news/festival.html", "/news/heatwave.html"):
        assert after[path].versions == [], f"{path} got a version without a change"
        assert after[path].last_seen > before[path].last_seen
    assert after["/news/otter.html"].last_seen == before["/news/otter.html"].last_seen

    # straight after, nothing is due: only the discovery pages are fetched again
    mark = len(archivist.requests)
    third = crawl_source(config, "ledger", db_url)
    assert Counter(archivist.paths("ledger", since=mark)) == Counter(DISCOVERY)
    assert third.counts["articles_new"] == third.counts["articles_unchanged"] == 0
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        crawls = session.scalars(select(models.Crawl).order_by(models.Crawl.id)).all()
    engine.dispose()
    assert [c.requests for c in crawls] == [
        first_requests, len(DISCOVERY) + len(DUE) + 1, len(DISCOVERY)]


def first_started(db_url: str) -> datetime:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        started = session.scalars(select(models.Crawl.started_at)).first()
    engine.dispose()
    assert started is not None
    return started


def test_recheck_interval_grows_with_age_and_stops() -> None:
    source = parse_sources('''
[sources.s]
start_urls = ["https://example.com/"]
recheck_min = "1h"
recheck_max = "7d"
recheck_max_age = "30d"
''', Path("sources.toml")).sources[0]
    policy = RecheckPolicy.of(source)
    now = models.utcnow().replace(microsecond=0)
    assert policy.next_article_check(now, now) == now + timedelta(hours=1)  # brand new
    assert policy.next_article_check(now, now - timedelta(days=1)) == now + timedelta(hours=6)
    assert policy.next_article_check(now, now - timedelta(days=20)) == now + timedelta(days=5)
    assert policy.next_article_check(now, now - timedelta(days=29)) == now + timedelta(days=7)
    assert policy.next_article_check(now, now - timedelta(days=31)) is None
    assert policy.next_retry(now, 1) == now + timedelta(hours=1)
    assert policy.next_retry(now, 3) == now + timedelta(hours=4)
    assert policy.next_retry(now, 30) == now + timedelta(days=7)

