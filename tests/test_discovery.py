"""Discovery and URL identity: real crawls of the archivist sites into real SQLite files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.core.urls import article_url, is_amp_url, listing_hint, normalize_url, strip_amp
from archive.extraction import extract_article
from db import models, open_engine, session_factory
from tests.archivist import (
    LEDGER_ARTICLES,
    QUILL_ARTICLES,
    archived,
    crawl_source,
    path_of,
    serve_archivist,
    write_sources,
)
from tests.mockserver import MockSites


@dataclass
class Crawled:
    sites: MockSites
    db_url: str


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Both sources crawled once into a SQLite archive, for the tests that only look."""
    folder = tmp_path_factory.mktemp("discovery")
    db_url = f"sqlite:///{folder / 'archive.db'}"
    with serve_archivist(folder) as sites:
        config = write_sources(folder, sites)
        for name in ("ledger", "quill"):
            assert crawl_source(config, name, db_url).reason == "finished"
        yield Crawled(sites, db_url)


def test_exactly_the_articles_are_archived_once(archivist: MockSites, tmp_path: Path,
                                                 db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    for name in ("ledger", "quill"):
        assert crawl_source(config, name, db_url).reason == "finished"
    articles = archived(db_url)
    urls = [a.url for a in articles]
    assert len(urls) == len(set(urls)), "an article was archived twice"
    ledger = {path_of(a.url) for a in articles if a.source.domain.startswith("127.0.0.1")}
    quill = {path_of(a.url) for a in articles if a.source.domain.startswith("localhost")}
    # the AMP edition, the tracking-parameter and redirect URLs all map to their article;
    # listing, tag, author and paging pages are not archived
    assert ledger == LEDGER_ARTICLES
    assert quill == QUILL_ARTICLES


def test_discovery_used_robots_sitemaps_gzip_news_and_feeds(crawled: Crawled) -> None:
    ledger = crawled.sites.paths("ledger")
    for path in ("/robots.txt", "/sitemap_index.xml", "/sitemaps/articles.xml.gz",
                 "/sitemaps/news.xml", "/rss.xml", "/atom.xml", "/news/library.amp.html"):
        assert path in ledger
    # old-mill is only in the gzip sitemap, heatwave only in the news sitemap
    assert "/news/old-mill.html" in ledger and "/news/heatwave.html" in ledger
    assert crawled.sites.paths("quill").count("/feed.json") == 1


def test_disallowed_and_offsite_pages_are_never_requested(crawled: Crawled) -> None:
    assert not [p for p in crawled.sites.paths() if p.startswith("/private/")]
    # the ledger links to the quill, which only the quill source may crawl (by its feed)
    assert crawled.sites.paths("quill").count("/posts/hello.html") == 1


def test_no_page_is_requested_twice(crawled: Crawled) -> None:
    counts = Counter((r.site, r.path) for r in crawled.sites.requests)
    # robots.txt: once by Scrapy's robots.txt check, once for its Sitemap lines;
    # flaky.html: answered 429 first, then retried
    allowed_twice = {("ledger", "/robots.txt"), ("quill", "/robots.txt"),
                     ("ledger", "/news/flaky.html")}
    assert {k for k, n in counts.items() if n > 1} == allowed_twice
    assert all(n == 2 for n in counts.values() if n > 1)
    # tracking parameters were dropped before requesting
    assert not [p for p in crawled.sites.paths() if "utm_" in p or "fbclid" in p]


def test_news_sitemap_date_fills_a_missing_publication_date(crawled: Crawled) -> None:
    heatwave = next(a for a in archived(crawled.db_url) if a.url.endswith("/heatwave.html"))
    assert heatwave.published is not None
    assert heatwave.date_source == "sitemap"
    otter = next(a for a in archived(crawled.db_url) if a.url.endswith("/news/otter.html"))
    assert otter.date_source == "meta"


def test_cleaning_rules_drop_residual_boilerplate(crawled: Crawled) -> None:
    posts = [a for a in archived(crawled.db_url) if "/posts/" in a.url]
    assert len(posts) == 2
    for post in posts:
        assert "Support the Quill" not in post.text
        assert post.text.count("\n\n") == 2  # the three paragraphs of the post remain
    # without the rule the cleaner keeps the box: the rule is what removes it
    page = (crawled.sites.root / "quill" / "posts" / "hello.html").read_bytes()
    assert "Support the Quill" in extract_article(page, "http://localhost/posts/hello.html").text


def test_listing_pages_are_recorded_as_discovery_only(crawled: Crawled) -> None:
    engine = open_engine(crawled.db_url)
    with session_factory(engine)() as session:
        states = {path_of(s.url): s for s in session.scalars(select(models.UrlState))}
        crawl = session.scalars(
            select(models.Crawl).where(models.Crawl.source_name == "ledger")).one()
    engine.dispose()
    for path in ("/", "/news/", "/tag/wildlife/", "/author/jane/", "/news/page/2/"):
        assert states[path].kind == "listing", path
        assert states[path].article_id is None
    assert states["/news/library.amp.html"].kind == "alias"
    assert states["/old/festival"].kind == "alias"
    assert {p for p, s in states.items() if s.kind == "article"} >= LEDGER_ARTICLES
    assert states["/news/old-mill.html"].next_check is None  # older than recheck_max_age
    assert crawl.requests == len(crawled.sites.paths("ledger"))
    assert crawl.articles_new == len(LEDGER_ARTICLES)
    assert crawl.non_articles == 5
    assert crawl.errors == 0 and crawl.error_reasons == {}
    assert crawl.discovered > len(LEDGER_ARTICLES)


def test_author_page_with_prose_is_told_from_an_article_by_its_url(crawled: Crawled) -> None:
    page = (crawled.sites.root / "ledger" / "author" / "jane" / "index.html").read_bytes()
    assert extract_article(page, "http://127.0.0.1/author/jane/").page_type == "article"
    assert listing_hint("http://127.0.0.1/author/jane/")


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://Example.COM:80/a?utm_source=x&b=2&a=1&fbclid=z#top", "http://example.com/a?a=1&b=2"),
    ("https://example.com/x?gclid=1&mc_cid=2&mc_eid=3&_ga=4&igshid=5&ref=home",
     "https://example.com/x?ref=home"),
    ("https://example.com:443/story?amp=1", "https://example.com/story"),
    ("http://127.0.0.1:8080/news/", "http://127.0.0.1:8080/news/"),
])
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", [
    "https://example.com/news/story/amp", "https://example.com/amp/news/story",
    "https://amp.example.com/news/story", "https://example.com/news/story.amp.html",
    "https://example.com/news/story?outputType=amp",
])
def test_amp_urls_map_to_the_regular_edition(url: str) -> None:
    assert is_amp_url(url)
    assert strip_amp(url) in ("https://example.com/news/story", "https://example.com/news/story.html")
    assert article_url(url, None) == strip_amp(url)
    assert not is_amp_url(strip_amp(url))


def test_article_url_prefers_a_same_site_canonical() -> None:
    fetched = "https://amp.example.com/a.amp.html?utm_medium=social"
    assert article_url(fetched, "https://example.com/a.html") == "https://example.com/a.html"
    assert article_url("https://example.com/a", "https://other.org/a") == "https://example.com/a"


@pytest.mark.parametrize(("url", "listing"), [
    ("https://x.org/tag/otters/", True), ("https://x.org/category/news", True),
    ("https://x.org/author/jane-doe/", True), ("https://x.org/news/page/3/", True),
    ("https://x.org/2026/05/", True), ("https://x.org/news/2026/05/otter-returns", False),
    ("https://x.org/news/otter.html", False),
])
def test_listing_hints(url: str, listing: bool) -> None:
    assert listing_hint(url) is listing
