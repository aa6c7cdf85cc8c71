"""Storing articles: identity, whitespace-insensitive change detection, atomic writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive import EXTRACTOR_VERSION, Article, extract_article
from archive.extraction.reading import FetchedPage
from archive.storage.writer import Outcome, content_hash, store_article
from db import models

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _page(url: str = "https://www.example.com/a?utm=1#frag", at: datetime = T0) -> FetchedPage:
    return FetchedPage(url=url, status=200, headers={"Content-Type": ["text/html"]},
                       body=b"<html>raw</html>", fetched_at=at)


def _article(text: str = "First paragraph.\n\nSecond paragraph.", **kw: object) -> Article:
    return Article(text=text, title="A title", page_type="article", **kw)  # type: ignore[arg-type]


def _count(sessions, model: type) -> int:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_whitespace_only_change_is_unchanged() -> None:
    assert content_hash("A  title", "one\n\ntwo ") == content_hash("A title", "one two")
    assert content_hash("A title", "one two") != content_hash("A title", "one three")


def test_new_then_unchanged_then_updated(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        outcome, record = store_article(s, _article(site_name="Example"), _page())
        assert outcome is Outcome.NEW
        assert record.source.domain == "example.com"
        assert record.source.name == "Example"
    with sessions.begin() as s:
        page = _page(at=T0 + timedelta(hours=1))
        outcome, record = store_article(s, _article("First  paragraph.\nSecond paragraph."), page)
        assert outcome is Outcome.UNCHANGED
        assert record.last_seen == T0 + timedelta(hours=1)
        assert record.changed_at == T0
    with sessions.begin() as s:
        page = _page(at=T0 + timedelta(hours=2))
        outcome, record = store_article(s, _article("First paragraph, edited."), page)
        assert outcome is Outcome.UPDATED
    assert _count(sessions, models.Article) == 1
    assert _count(sessions, models.RawPage) == 2
    with sessions() as s:
        version = s.scalars(select(models.ArticleVersion)).one()
        assert version.text == "First paragraph.\n\nSecond paragraph."
        assert version.fetched_at == T0


def test_canonical_on_same_site_wins(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        _, a = store_article(s, _article(canonical_url="https://example.com/a"),
                             _page("https://example.com/amp/a"))
        _, b = store_article(s, _article(), _page("https://example.com/a"))
        _, c = store_article(s, _article(canonical_url="https://elsewhere.org/a"),
                             _page("https://example.com/b"))
        assert a.id == b.id
        assert c.url == "https://example.com/b"


def test_a_failed_write_leaves_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), sessions.begin() as s:
        store_article(s, _article(), _page())
        raise RuntimeError("crash in the middle of archiving")
    assert _count(sessions, models.Article) == 0
    assert _count(sessions, models.RawPage) == 0
    assert _count(sessions, models.Source) == 0


def test_naive_datetimes_are_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError), sessions.begin() as s:
        store_article(s, _article(), _page(at=datetime(2026, 1, 1)))


OTTER = (Path(__file__).parent / "site" / "basic" / "news" / "otter.html").read_bytes()


def _store_as_older_extractor(sessions) -> int:  # type: ignore[no-untyped-def]
    """Archive the otter page as an older extractor read it: with its share bar left in."""
    page = FetchedPage("https://example.com/news/otter.html", body=OTTER, fetched_at=T0,
                       headers={"Content-Type": ["text/html; charset=utf-8"]})
    current = extract_article(OTTER, page.url)
    older = replace(current, text=current.text + "\n\nShare on Facebook Tweet")
    with sessions.begin() as s:
        outcome, record = store_article(s, older, page)
        assert outcome is Outcome.NEW
        record.extractor_version = "0"
        return record.id


def test_a_newer_extractor_reading_is_not_an_edit(sessions) -> None:  # type: ignore[no-untyped-def]
    article_id = _store_as_older_extractor(sessions)
    page = FetchedPage("https://example.com/news/otter.html", status=200, headers={}, body=OTTER,
                       fetched_at=T0 + timedelta(days=1))
    with sessions.begin() as s:
        outcome, record = store_article(s, extract_article(OTTER, page.url), page)
        assert outcome is Outcome.REEXTRACTED
        assert "Share on Facebook" not in record.text
        assert record.extractor_version == EXTRACTOR_VERSION
        assert record.changed_at == T0
    assert _count(sessions, models.ArticleVersion) == 0
    with sessions() as s:
        assert s.get(models.Article, article_id) is not None


def test_an_edit_after_a_newer_extractor_compares_like_with_like(sessions) -> None:  # type: ignore[no-untyped-def]
    _store_as_older_extractor(sessions)
    edited = OTTER.replace(b"forty years", b"fifty years")
    page = FetchedPage("https://example.com/news/otter.html", status=200, headers={}, body=edited,
                       fetched_at=T0 + timedelta(days=1))
    with sessions.begin() as s:
        outcome, record = store_article(s, extract_article(edited, page.url), page)
        assert outcome is Outcome.UPDATED
        assert "fifty years" in record.text
    with sessions() as s:
        version = s.scalars(select(models.ArticleVersion)).one()
        # the earlier state as the current extractor reads it: the edit is the only change
        assert version.text == extract_article(OTTER).text
        assert version.extractor_version == EXTRACTOR_VERSION
        assert version.fetched_at == T0
