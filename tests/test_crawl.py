"""Real crawls of a real local HTTP server into a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from crawler.runner import run_crawl
from db import models
from tests.conftest import LOCAL_CRAWL


def _articles(sessions) -> dict[str, models.Article]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        rows = s.scalars(select(models.Article)).all()
        for row in rows:
            _ = row.source.domain
        return {r.url.rsplit("/", 1)[-1]: r for r in rows}


def test_crawl_archives_exactly_the_articles(basic_server: str, db_url: str, sessions) -> None:
    result = run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)

    assert result.reason == "finished"
    articles = _articles(sessions)
    assert sorted(articles) == ["bridge.html", "otter.html"]
    host = basic_server.split("/")[2]

    otter = articles["otter.html"]
    assert otter.url == f"{basic_server}news/otter.html"
    assert otter.title == "Otter returns to city river"
    assert otter.published == datetime(2026, 3, 14, 8, 30, tzinfo=UTC)
    assert otter.authors == ["Jane Doe"]
    assert otter.source.domain == host
    assert otter.source.name == "Basic Times"
    assert otter.text.startswith("For the first time in forty years, an otter")
    assert otter.text.endswith("the fish have brought the otters.")
    for boilerplate in ("see more", "Scroll to Top", "Share on Facebook", "Related"):
        assert boilerplate.lower() not in otter.text.lower()
    assert "Otter returns to city river" not in otter.text

    bridge = articles["bridge.html"]
    assert bridge.published == datetime(2026, 5, 2, 18, 0, tzinfo=UTC)
    assert bridge.authors == ["Sam Smith"]
    assert "cookies" not in bridge.text
    assert bridge.text.count("\n\n") == 2  # three paragraphs


def test_crawl_records_counts_and_errors(basic_server: str, db_url: str, sessions) -> None:
    result = run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)

    with sessions() as s:
        crawl = s.get(models.Crawl, result.crawl_id)
        assert crawl is not None
        assert crawl.status == "finished"
        assert crawl.finished_at is not None
        assert crawl.articles_new == 2
        assert crawl.articles_unchanged == 0
        # the home page and the /news/ folder listing are pages, not articles
        assert crawl.non_articles == 2
        assert crawl.pages_fetched == 4
        errors = {(e.url.rsplit("/", 1)[-1], e.reason) for e in crawl.error_records}
    assert errors == {("missing.html", "http_404"), ("download", "not_html")}
    assert crawl.errors == 2
    assert result.counts["errors"] == 2


def test_second_crawl_adds_nothing(basic_server: str, db_url: str, sessions) -> None:
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    before = _articles(sessions)

    second = run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)

    assert second.counts["articles_new"] == 0
    assert second.counts["articles_unchanged"] == 2
    after = _articles(sessions)
    assert sorted(after) == sorted(before)
    otter_before, otter_after = before["otter.html"], after["otter.html"]
    assert otter_after.id == otter_before.id
    assert otter_after.last_seen > otter_before.last_seen
    assert otter_after.changed_at == otter_before.changed_at
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(models.ArticleVersion)) == 0
        assert s.scalar(select(func.count()).select_from(models.RawPage)) == 2


def test_changed_page_updates_its_article(
    basic_site: Path, basic_server: str, db_url: str, sessions
) -> None:
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    page = basic_site / "news" / "otter.html"
    page.write_text(
        page.read_text().replace("forty years", "fifty years"), encoding="utf-8"
    )

    second = run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)

    assert second.counts["articles_updated"] == 1
    assert second.counts["articles_unchanged"] == 1
    articles = _articles(sessions)
    assert len(articles) == 2
    assert "fifty years" in articles["otter.html"].text
    with sessions() as s:
        versions = s.scalars(select(models.ArticleVersion)).all()
        assert [v.number for v in versions] == [1]
        assert "forty years" in versions[0].text
        assert s.scalar(select(func.count()).select_from(models.RawPage)) == 3


def test_depth_zero_fetches_only_the_start_page(basic_server: str, db_url: str) -> None:
    result = run_crawl(
        [f"{basic_server}news/otter.html"], db_url=db_url, depth=0, settings=LOCAL_CRAWL
    )
    assert result.counts["pages_fetched"] == 1
    assert result.counts["articles_new"] == 1
