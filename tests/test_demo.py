"""The bundled demo: every demo article archived clean, no listing page, idempotent."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive.cli import main
from archive.operations.demo.run import crawl_demo, serve_demo_sites
from archive.operations.demo.server import SITE_ROOT
from db import models

MANIFEST = json.loads((SITE_ROOT / "manifest.json").read_text(encoding="utf-8"))
BOILERPLATE = [
    "see more", "scroll to top", "back to top", "read also", "advertisement",
    "subscribe", "cookie", "trending", "you may also like", "leave a comment",
    "share on", "continue reading", "related coverage", "most read",
]


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    with serve_demo_sites() as sites:
        first = crawl_demo(db_url, sites)
        second = crawl_demo(db_url, sites)
        yield db_url, {"sites": sites, "first": first, "second": second}


def _stored(db_url: str) -> dict[tuple[str, str], models.Article]:
    from db import open_engine, session_factory

    engine = open_engine(db_url, create=False)
    with session_factory(engine)() as session:
        rows = session.scalars(select(models.Article)).all()
        for row in rows:
            _ = row.source.domain
    engine.dispose()
    return {(r.source.domain, urlsplit(r.url).path): r for r in rows}


def test_every_demo_article_is_archived_clean(demo_archive: tuple[str, dict]) -> None:
    db_url, run = demo_archive
    stored = _stored(db_url)
    expected_keys = set()
    for site, info in MANIFEST["sites"].items():
        domain = urlsplit(run["sites"][site]).netloc
        for path, truth in info["articles"].items():
            expected_keys.add((domain, path))
            article = stored.get((domain, path))
            assert article is not None, f"{site}{path} was not archived"
            assert article.title == truth["title"], path
            assert article.published is not None and article.published.tzinfo is not None
            assert article.published.date().isoformat() == truth["published"], path
            assert article.authors == truth["authors"], path
            assert article.language == truth["language"], path
            assert article.source.name == info["name"]
            text = article.text
            assert text.startswith(truth["first_paragraph"]), path
            assert text.endswith(truth["last_paragraph"]), path
            assert truth["title"] not in text, f"headline repeated in {path}"
            lowered = text.lower()
            for phrase in BOILERPLATE:
                assert phrase not in lowered, f"{phrase!r} left in {path}"
            assert "\n\n" in text and "\n\n\n" not in text
    # and nothing else: no listing page became an article
    assert set(stored) == expected_keys


def test_listing_pages_are_not_archived(demo_archive: tuple[str, dict]) -> None:
    db_url, run = demo_archive
    paths = {path for _, path in _stored(db_url)}
    for info in MANIFEST["sites"].values():
        for listing in info["listings"]:
            assert listing not in paths
    assert run["first"].counts["non_articles"] >= sum(
        len(info["listings"]) for info in MANIFEST["sites"].values()
    )


def test_crawling_the_demo_twice_adds_nothing(demo_archive: tuple[str, dict]) -> None:
    _, run = demo_archive
    total = sum(len(info["articles"]) for info in MANIFEST["sites"].values())
    assert total >= 20
    assert run["first"].counts["articles_new"] == total
    assert run["first"].counts["errors"] == 0
    assert run["second"].counts["articles_new"] == 0
    assert run["second"].counts["articles_updated"] == 0
    assert run["second"].counts["articles_unchanged"] == total


def test_demo_command(tmp_path: Path) -> None:
    db_file = tmp_path / "demo.db"
    result = CliRunner().invoke(main, ["demo", "--db", str(db_file)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert str(db_file) in result.output
    total = sum(len(info["articles"]) for info in MANIFEST["sites"].values())
    assert f"{total} articles archived" in result.output
    assert re.search(r"Example search: .*\n", result.output)
    assert "[scientists]" in result.output  # the example search found something
    # the story the three sites ran, and nothing else
    stories = result.output.split("Stories run by 2 sites or more")[1]
    assert "1 story(ies)." in stories
    first_title = MANIFEST["sites"]["viralbuzz"]["articles"][
        MANIFEST["stories"][0]["first"]["path"]]["title"]
    assert " ".join(first_title.split()[:4]) in " ".join(stories.split())
    assert re.search(r"│ *3 *│ *3 *│ 2026-11-03", stories), stories
    again = CliRunner().invoke(main, ["demo", "--db", f"sqlite:///{db_file}"])  # a URL too
    assert again.exit_code == 1 and f"{db_file} already exists" in again.output
    for db, message in [(f"sqlite:///{tmp_path}/no/such/folder/d.db", "does not exist"),
                        ("postgresql+psycopg://db1/archive", "the demo makes a SQLite file")]:
        refused = CliRunner().invoke(main, ["demo", "--db", db])
        assert refused.exit_code in (1, 2) and message in refused.output, refused.output
        assert "Serving demo site" not in refused.output


def test_the_archive_holds_the_story_with_its_first_source(
        demo_archive: tuple[str, dict]) -> None:
    from archive import Archive

    db_url, run = demo_archive
    (story,) = MANIFEST["stories"]
    expected = [(urlsplit(run["sites"][a["site"]]).netloc, a["path"])
                for a in [story["first"], *story["copies"]]]
    with Archive(db_url) as archive:
        (found,) = archive.stories(min_sources=2)
        everything = archive.stories(limit=0)
    assert (found.sources, found.articles) == (3, 3)
    # members in the order they appeared: the content farm first, then its copiers
    assert [(urlsplit(m.url).netloc, urlsplit(m.url).path) for m in found.members] == expected
    first = MANIFEST["sites"][story["first"]["site"]]["articles"][story["first"]["path"]]
    assert found.title == first["title"]
    assert found.members[0].source_name == MANIFEST["sites"][story["first"]["site"]]["name"]
    assert found.first_seen.date().isoformat() == first["published"]
    # every other demo article is a story of its own
    total = sum(len(info["articles"]) for info in MANIFEST["sites"].values())
    assert len(everything) == total - 2


def test_one_story_spreads_across_the_three_sites(demo_archive: tuple[str, dict]) -> None:
    """The republished copies are near-copies of their first publication once crawled,
    and no other two demo articles are (the grouping the archive's stories use)."""
    from archive.core.nearcopy import group_texts

    db_url, run = demo_archive
    stored = _stored(db_url)
    keys = sorted(stored)
    groups: dict[int, set[tuple[str, str]]] = {}
    for key, group in zip(keys, group_texts(stored[k].text for k in keys), strict=True):
        groups.setdefault(group, set()).add(key)
    shared = [members for members in groups.values() if len(members) > 1]
    (story,) = MANIFEST["stories"]
    expected = {(urlsplit(run["sites"][a["site"]]).netloc, a["path"])
                for a in [story["first"], *story["copies"]]}
    assert shared == [expected]
    first = stored[(urlsplit(run["sites"][story["first"]["site"]]).netloc,
                    story["first"]["path"])]
    assert all(first.published < stored[key].published for key in expected - {
        (first.source.domain, urlsplit(first.url).path)})
