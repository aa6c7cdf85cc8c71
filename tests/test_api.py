"""The research API for notebooks: ``archive.Archive`` and its typed results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import (
    Archive,
    ArchiveStats,
    ArticleNotFound,
    ArticleView,
    CountRow,
    SearchHit,
    SearchResults,
)
from db import DatabaseError
from tests.research_data import ARTICLES, research_archive


@pytest.fixture
def archive(db_backend: str, tmp_path: Path) -> Iterator[Archive]:
    with research_archive(db_backend, tmp_path) as arc:
        yield arc


def test_search_returns_typed_results(archive: Archive) -> None:
    results = archive.search("climate", since="2026-01-01", source="daily.example")
    assert isinstance(results, SearchResults)
    assert (results.total, len(results), results.query) == (2, 2, "climate")
    hit = results[0]
    assert isinstance(hit, SearchHit)
    assert (hit.title, hit.source, hit.source_name) == ("Heatwave grips the city",
                                                        "daily.example", "The Daily")
    assert hit.url == "https://daily.example/heatwave" and hit.authors == ["Jane Doe"]
    assert hit.published == datetime(2026, 3, 10, 8, tzinfo=UTC) and hit.language == "en"
    assert "[climate]" in hit.snippet.lower()
    assert [h.id for h in results] == [h["id"] for h in results.to_dicts()]
    assert results.to_dicts()[1]["published"] == "2026-04-02T10:30:00+00:00"


def test_search_accepts_dates_and_datetimes(archive: Archive) -> None:
    from datetime import date

    assert archive.search("climate", until=date(2026, 3, 10)).total == 1
    assert archive.search("climate", since=datetime(2026, 4, 2, 10, 30, tzinfo=UTC)).total == 1
    assert archive.search("climate", since=datetime(2026, 4, 2, 10, 31)).total == 0  # UTC


def test_to_pandas(archive: Archive) -> None:
    frame = archive.search("heatwave OR vaccine", order="newest").to_pandas()
    assert list(frame.columns)[:5] == ["id", "url", "source", "source_name", "title"]
    assert list(frame["title"]) == ["Storm warning", "Heatwave grips the city",
                                    "Covid-19 vaccine rollout"]
    assert str(frame["published"].dtype) .startswith("datetime64") and \
        str(frame["published"].dt.tz) == "UTC"


def test_count_by_period_and_source(archive: Archive) -> None:
    by_month = archive.count(by="month")
    assert all(isinstance(row, CountRow) for row in by_month)
    assert [(r.period, r.source, r.count) for r in by_month] == [
        ("2025-12-01", None, 1), ("2026-03-01", None, 2), ("2026-04-01", None, 2),
        ("2026-05-01", None, 1)]
    # 2026-03-10 is a Tuesday, 2026-03-11 a Wednesday: one week starting Monday the 9th
    assert [(r.period, r.count) for r in archive.count("heatwave", by="week")] == [
        ("2026-03-09", 2)]
    assert [(r.period, r.count) for r in archive.count("heatwave", by="day")] == [
        ("2026-03-10", 1), ("2026-03-11", 1)]
    per_source = archive.count("-nothingatall", by="month", per_source=True,
                               since="2026-03-01", until="2026-04-30")
    assert [(r.period, r.source, r.count) for r in per_source] == [
        ("2026-03-01", "daily.example", 1), ("2026-03-01", "news.daily.example", 1),
        ("2026-04-01", "blog.example", 1), ("2026-04-01", "daily.example", 1)]
    assert archive.count("lang:fr", by="month", source="weekly.example") == []


@pytest.mark.parametrize("by", ["day", "week", "month"])
def test_counting_by_date_ranges_agrees_with_grouping(archive: Archive, by: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # large archives count each period's index range; force that path on this small one
    from archive.research.query import periods

    for since, until in [(None, None), ("2026-03-11", "2026-04-15")]:
        monkeypatch.setattr(periods, "ROWS_PER_STATEMENT", 10**9)
        grouped = archive.count(by=by, since=since, until=until)  # type: ignore[arg-type]
        monkeypatch.setattr(periods, "ROWS_PER_STATEMENT", 0)
        ranged = archive.count(by=by, since=since, until=until)  # type: ignore[arg-type]
        assert ranged == grouped and sum(r.count for r in ranged) == (6 if since is None else 3)


def test_article_view(archive: Archive) -> None:
    view = archive.article(ARTICLES["storm"]["url"])
    assert isinstance(view, ArticleView)
    assert view.title == "Storm warning" and view.source == "news.daily.example"
    assert view.extra == {"section": "weather", "rating": 4}
    assert view.versions == [] and archive.article(view.id).url == view.url
    assert view.to_dict()["published"] == "2026-03-11T23:30:00+00:00"
    with pytest.raises(ArticleNotFound):
        archive.article(9999)


def test_stats(archive: Archive) -> None:
    stats = archive.stats()
    assert isinstance(stats, ArchiveStats)
    assert (stats.articles, stats.sources, stats.versions, stats.undated) == (6, 4, 0, 0)
    assert stats.first_published == datetime(2025, 12, 1, 9, tzinfo=UTC)
    assert stats.last_published == datetime(2026, 5, 20, tzinfo=UTC)
    assert [(s.domain, s.articles) for s in stats.by_source] == [
        ("daily.example", 2), ("weekly.example", 2), ("blog.example", 1),
        ("news.daily.example", 1)]
    assert stats.by_source[0].name == "The Daily"
    assert [(lang.language, lang.articles) for lang in stats.by_language] == [("en", 5),
                                                                             ("fr", 1)]
    assert stats.to_dict()["by_source"][0]["first_published"] == "2026-03-10T08:00:00+00:00"


def test_total(archive: Archive) -> None:
    assert archive.total() == 6
    assert archive.total("climate", lang="en") == 2
    assert archive.total("author:doe", until="2026-01-01") == 1


@pytest.mark.sqlite_only
def test_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="There is no archive at"):
        Archive(f"sqlite:///{tmp_path / 'nothing.db'}")
