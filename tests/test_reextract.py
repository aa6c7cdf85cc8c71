"""Re-extraction: stored raw pages cleaned again by the current extractor, no network."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from archive import EXTRACTOR_VERSION, Article, extract_article
from archive.cli import main
from archive.extraction.reading import FetchedPage
from archive.research.api import Archive
from archive.storage.reextract import reextract
from archive.storage.writer import content_hash, store_article
from crawler.runner import run_crawl
from db import models
from tests.conftest import LOCAL_CRAWL, SITES

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
NEWS = SITES / "basic" / "news"
#: what an older, worse extractor left in the text
BOILERPLATE = "\n\nShare on Facebook\n\nTweet\n\nScroll to Top"


def _page(url: str, body: bytes, at: datetime = T0) -> FetchedPage:
    return FetchedPage(url=url, status=200,
                       headers={"Content-Type": ["text/html; charset=utf-8"]},
                       body=body, fetched_at=at)


def _store_stale(sessions, url: str, body: bytes, *, version: str = "0",  # type: ignore[no-untyped-def]
                 at: datetime = T0) -> int:
    """Archive ``body`` as an older extractor would have: boilerplate kept in the text."""
    current = extract_article(body, url)
    stale = Article(text=current.text + BOILERPLATE, title=current.title,
                    published=current.published, authors=current.authors, page_type="article")
    with sessions.begin() as s:
        _, record = store_article(s, stale, _page(url, body, at))
        record.extractor_version = version
        return record.id


def _article(sessions, article_id: int) -> models.Article:  # type: ignore[no-untyped-def]
    with sessions() as s:
        article = s.get(models.Article, article_id)
        assert article is not None
        return article


def _versions(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(models.ArticleVersion)) or 0)


def _found(db_url: str, words: str) -> list[int]:
    with Archive(db_url) as archive:
        return [hit.id for hit in archive.search(words, limit=50)]


def test_an_older_extractors_text_is_replaced_in_place(sessions, db_url: str) -> None:  # type: ignore[no-untyped-def]
    url = "https://news.example/news/otter.html"
    body = (NEWS / "otter.html").read_bytes()
    article_id = _store_stale(sessions, url, body)
    assert _found(db_url, "Facebook") == [article_id]
    first_seen = _article(sessions, article_id).changed_at

    report = reextract(sessions)

    assert (report.checked, report.changed, report.unchanged) == (1, 1, 0)
    assert report.failures == [] and report.not_articles == []
    expected = extract_article(body, url)
    article = _article(sessions, article_id)
    assert article.text == expected.text
    assert "Facebook" not in article.text
    assert article.extractor_version == EXTRACTOR_VERSION
    assert article.content_hash == content_hash(expected.title, expected.text)
    assert article.changed_at == first_seen  # not an edit
    assert _versions(sessions) == 0
    # the full-text index follows the update
    assert _found(db_url, "Facebook") == []
    assert _found(db_url, "retired teacher") == [article_id]

    again = reextract(sessions)
    assert (again.checked, again.changed, again.unchanged) == (1, 0, 1)


def test_the_latest_raw_page_is_used(sessions) -> None:  # type: ignore[no-untyped-def]
    url = "https://news.example/news/otter.html"
    body = (NEWS / "otter.html").read_bytes()
    edited = body.replace(b"at dawn", b"at dusk")
    _store_stale(sessions, url, body)
    article_id = _store_stale(sessions, url, edited, at=T0 + timedelta(hours=1))
    assert _versions(sessions) == 1

    report = reextract(sessions)

    assert report.changed == 1
    assert _article(sessions, article_id).text == extract_article(edited, url).text
    assert _versions(sessions) == 1


def test_only_older_and_source_filters(sessions) -> None:  # type: ignore[no-untyped-def]
    otter = (NEWS / "otter.html").read_bytes()
    bridge = (NEWS / "bridge.html").read_bytes()
    old_a = _store_stale(sessions, "https://a.example/otter.html", otter, version="0")
    current_a = _store_stale(sessions, "https://a.example/bridge.html", bridge,
                             version=EXTRACTOR_VERSION)
    old_b = _store_stale(sessions, "https://b.example/otter.html", otter, version="0")

    only_older_of_a = reextract(sessions, source="a.example", only_older=True)
    assert (only_older_of_a.checked, only_older_of_a.changed) == (1, 1)
    assert "Facebook" not in _article(sessions, old_a).text
    assert "Facebook" in _article(sessions, current_a).text
    assert "Facebook" in _article(sessions, old_b).text

    rest = reextract(sessions)
    assert (rest.checked, rest.changed, rest.unchanged) == (3, 2, 1)
    assert all("Facebook" not in _article(sessions, i).text for i in (current_a, old_b))


def test_non_articles_and_failures_are_kept_and_reported(sessions) -> None:  # type: ignore[no-untyped-def]
    listing = (SITES / "basic" / "index.html").read_bytes()
    text = "An article once read from this page. " * 20
    with sessions.begin() as s:
        _, now_listing = store_article(s, Article(text=text, title="Once", page_type="article"),
                                       _page("https://a.example/", listing))
        _, now_binary = store_article(s, Article(text=text, title="Binary", page_type="article"),
                                      _page("https://a.example/file", b"\x89PNG\r\n\x00\x00"))
        ids = (now_listing.id, now_binary.id)

    report = reextract(sessions)

    assert (report.checked, report.changed, report.unchanged) == (2, 0, 0)
    assert [(s.article_id, s.url) for s in report.not_articles] == [(ids[0], "https://a.example/")]
    assert "finds no article" in report.not_articles[0].reason
    assert [s.article_id for s in report.failures] == [ids[1]]
    assert "binary" in report.failures[0].reason
    assert [_article(sessions, i).text for i in ids] == [text, text]


def test_a_crawled_archive_reextracts_unchanged(basic_server: str, db_url: str,  # type: ignore[no-untyped-def]
                                                 sessions) -> None:
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)

    result = CliRunner().invoke(main, ["reextract", "--db", db_url])

    assert result.exit_code == 0, result.output
    assert re.search(r"checked\s*│\s*2", result.output), result.output
    assert re.search(r"unchanged\s*│\s*2", result.output), result.output
    assert re.search(r"changed\s*│\s*0", result.output), result.output
    second = run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    assert second.counts["articles_unchanged"] == 2
    assert _versions(sessions) == 0


def test_reextract_command_on_a_missing_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reextract", "--db", f"sqlite:///{tmp_path / 'no.db'}"])
    assert result.exit_code == 1
    assert "There is no archive at" in result.output
