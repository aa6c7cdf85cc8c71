"""Edit history: versions kept by real crawls of a page that changes, listed and diffed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Article
from archive.cli import main
from archive.exceptions import ArticleNotFound, VersionNotFound
from archive.extraction.reading import FetchedPage
from archive.research.history import article_history, diff_versions, version_label
from archive.storage.writer import store_article
from crawler.runner import run_crawl
from tests.conftest import LOCAL_CRAWL

T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
FILMED = "The animal was filmed near the mill bridge at dawn"


def _edit(page: Path, old: str, new: str) -> None:
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.write_text(html.replace(old, new), encoding="utf-8")


@pytest.fixture
def edited_archive(basic_site: Path, basic_server: str, db_url: str) -> str:
    """The otter article crawled four times: text edited, whitespace only, title edited."""
    otter = basic_site / "news" / "otter.html"
    url = f"{basic_server}news/otter.html"

    def crawl() -> None:
        result = run_crawl([url], db_url=db_url, depth=0, settings=LOCAL_CRAWL)
        assert result.reason == "finished"

    crawl()
    _edit(otter, FILMED, "The animal was filmed under the old mill bridge at dusk")
    crawl()
    _edit(otter, "who walks her dog", "who   walks\n  her dog")  # whitespace: no new version
    crawl()
    _edit(otter, "<h1>Otter returns to city river</h1>", "<h1>Otter seen in city river</h1>")
    _edit(otter, "<title>Otter returns to city river", "<title>Otter seen in city river")
    crawl()
    return url


def test_crawls_of_an_edited_page_make_versions(edited_archive: str, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        history = article_history(s, edited_archive)

    assert [v.number for v in history] == [1, 2, 3]
    assert [v.current for v in history] == [False, False, True]
    assert [v.title for v in history] == [
        "Otter returns to city river", "Otter returns to city river", "Otter seen in city river"
    ]
    assert FILMED in history[0].text
    assert "under the old mill bridge at dusk" in history[1].text
    assert history[0].fetched_at < history[1].fetched_at < history[2].fetched_at
    assert len({v.content_hash for v in history}) == 3

    text_diff = diff_versions(history, 1, 2)
    assert re.search(r"^--- version 1 \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$", text_diff, re.M)
    assert re.search(r"^\+\+\+ version 2 \(", text_diff, re.M)
    assert f"\n-{FILMED} by a retired teacher" in text_diff
    assert "\n+The animal was filmed under the old mill bridge at dusk" in text_diff
    assert "\n-Otter" not in text_diff  # the title did not change

    title_diff = diff_versions(history, 2, 3)
    assert "\n-Otter returns to city river\n+Otter seen in city river" in title_diff
    assert diff_versions(history, 3, 3) == ""


def _store(sessions, url: str, title: str, text: str, at: datetime) -> int:  # type: ignore[no-untyped-def]
    page = FetchedPage(url=url, status=200, headers={"Content-Type": ["text/html"]},
                       body=b"<html></html>", fetched_at=at)
    with sessions.begin() as s:
        _, record = store_article(s, Article(text=text, title=title, page_type="article"), page)
        return record.id


def test_bad_version_and_unknown_article_are_named_errors(sessions, three_versions: int) -> None:  # type: ignore[no-untyped-def]
    article_id = three_versions
    with sessions() as s:
        history = article_history(s, article_id)
        with pytest.raises(ArticleNotFound):
            article_history(s, "https://example.com/nothing-here")

    assert [v.fetched_at for v in history] == [T0, T0 + timedelta(hours=1),
                                               T0 + timedelta(hours=2)]
    assert version_label(history[0]) == "version 1 (2026-11-03 10:00 UTC)"
    with pytest.raises(VersionNotFound) as error:
        diff_versions(history, 1, 5)
    assert str(error.value) == f"Article {article_id} has versions 1–3; there is no version 5."
    with pytest.raises(VersionNotFound):
        diff_versions(history, 0, 2)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def three_versions(sessions) -> int:  # type: ignore[no-untyped-def]
    """An article stored three times: text edited, then title edited; returns its id."""
    url = "https://example.com/news/otter"
    first = f"For the first time in forty years.\n\n{FILMED}.\n\nThe fish came back."
    second = first.replace("at dawn", "at dusk")
    _store(sessions, url, "Otter returns", first, T0)
    _store(sessions, url, "Otter returns", second, T0 + timedelta(hours=1))
    return _store(sessions, url, "Otter seen", second, T0 + timedelta(hours=2))


def test_history_command(three_versions: int, db_url: str) -> None:
    ref = str(three_versions)
    code, out = _invoke("history", ref, "--db", db_url)
    assert code == 0, out
    assert "3 version(s)" in out and "3 (current)" in out
    assert "2026-11-03 12:00 UTC" in out and "Otter seen" in out

    code, out = _invoke("history", "https://example.com/news/otter", "--db", db_url,
                        "--diff", "1", "2")
    assert code == 0, out
    assert "\x1b[" not in out  # no colour codes when not on a terminal
    assert out.startswith(
        "--- version 1 (2026-11-03 10:00 UTC)\n+++ version 2 (2026-11-03 11:00 UTC)\n"
    )
    assert f"\n-{FILMED}.\n+" in out

    code, out = _invoke("history", ref, "--db", db_url, "--latest-diff")
    assert code == 0 and "\n-Otter returns\n+Otter seen\n" in out

    code, out = _invoke("history", ref, "--db", db_url, "--format", "json", "--diff", "2", "3")
    assert code == 0, out
    data = json.loads(out)
    assert [v["number"] for v in data["versions"]] == [1, 2, 3]
    assert data["versions"][2]["current"] is True
    assert data["versions"][0]["fetched_at"] == "2026-11-03T10:00:00+00:00"
    assert data["diff"]["from"] == 2 and "+Otter seen" in data["diff"]["unified"]

    code, out = _invoke("history", ref, "--db", db_url, "--diff", "1", "7")
    assert code == 1
    assert f"Article {ref} has versions 1–3; there is no version 7." in out
    assert "Traceback" not in out
    code, out = _invoke("history", "999", "--db", db_url)
    assert code == 1 and "No article with id or URL '999'" in out


def test_history_of_an_article_never_edited(sessions, db_url: str) -> None:  # type: ignore[no-untyped-def]
    article_id = _store(sessions, "https://example.com/once", "Once", "Only text.", T0)
    code, out = _invoke("history", str(article_id), "--db", db_url)
    assert code == 0 and "1 (current)" in out
    code, out = _invoke("history", str(article_id), "--db", db_url, "--latest-diff")
    assert code == 1 and "has one version; there is nothing to compare" in out
