"""Stories in the archive: near-copies grouped as they are crawled and imported, edits
that move an article, rebuilds — on SQLite files and on PostgreSQL."""

from __future__ import annotations

import json
import random
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive.cli import main
from archive.core import nearcopy
from archive.operations.demo.server import serve_folder
from archive.research.api import Archive
from archive.storage.importer import import_jsonl
from archive.storage.story_rebuild import RebuildInterrupted, rebuild_stories
from archive.storage.writer import ArticleWriter, Incoming
from crawler.runner import run_crawl
from db import models
from tests import republished
from tests.conftest import LOCAL_CRAWL, SITES

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def stories_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A writable copy of ``tests/site/stories`` served on 127.0.0.1; the same server is
    another source under the name ``localhost``. Yields the folder and the port's URL."""
    folder = tmp_path / "stories-site"
    shutil.copytree(SITES / "stories", folder)
    with serve_folder(folder) as base_url:
        yield folder, base_url.rstrip("/")


def partition(sessions: sessionmaker[Session]) -> set[frozenset[str]]:
    """The archive's stories as sets of article URLs (ids of stories aside)."""
    with sessions() as session:
        rows = session.execute(
            select(models.StoryArticle.story_id, models.Article.url)
            .join(models.Article, models.Article.id == models.StoryArticle.article_id)).all()
    groups: dict[int, set[str]] = {}
    for story_id, url in rows:
        groups.setdefault(story_id, set()).add(url)
    return {frozenset(urls) for urls in groups.values()}


def test_a_crawl_of_two_sources_running_one_article_makes_one_story(
        db_url: str, stories_site: tuple[Path, str]) -> None:
    folder, base = stories_site
    other_host = base.replace("127.0.0.1", "localhost")
    origin, copy, other = (f"{base}/origin.html", f"{other_host}/copy.html",
                           f"{other_host}/other.html")
    run_crawl([origin, copy, other], db_url=db_url, depth=0, settings=LOCAL_CRAWL)

    with Archive(db_url) as archive:
        spread = archive.stories(min_sources=2)
        assert len(spread) == 1
        story = spread[0]
        assert (story.sources, story.articles) == (2, 2)
        assert story.first_seen == datetime(2026, 6, 1, 6, 30, tzinfo=UTC)
        assert story.first_seen_kind == "published"
        assert story.title == "River Alder bursts its banks, flooding the old town of Marlow Green"
        assert [m.url for m in story.members] == [origin, copy]
        assert story.spread_seconds == int(timedelta(hours=28, minutes=30).total_seconds())
        # the article on the same topic stays in a story of its own
        everything = archive.stories(limit=0)
        assert sorted(s.articles for s in everything) == [1, 2]
        # search names each article's story
        hits = {hit.url: hit for hit in archive.search("Marlow")}
        assert hits[origin].story_id == hits[copy].story_id == story.id
        assert hits[origin].story_articles == 2 and hits[other].story_articles == 1
        assert archive.article(copy).story_id == story.id

    # the copy is rewritten into another article: it leaves the story on the next crawl
    (folder / "copy.html").write_text(_unrelated_page(), encoding="utf-8")
    run_crawl([copy], db_url=db_url, depth=0, settings=LOCAL_CRAWL)
    with Archive(db_url) as archive:
        assert len(archive.stories(min_sources=2)) == 0
        assert sorted(s.articles for s in archive.stories(limit=0)) == [1, 1, 1]
        assert archive.story(story.id).members[0].url == origin


def _unrelated_page() -> str:
    text = republished.text(republished.Language(random.Random(4)).article(
        random.Random(5), republished.Language(random.Random(6)).topic(random.Random(7))))
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Something else entirely</title><meta property='og:type' content='article'>"
            "</head><body><article><h1>Something else entirely</h1>"
            f"{paragraphs}</article></body></html>")


def _corpus_file(tmp_path: Path, seed: int = 11, topics: int = 3
                 ) -> tuple[Path, list[str], list[int]]:
    texts, truth = republished.corpus(seed, topics=topics, stories_per_topic=4, copies=(1, 4))
    lines = [json.dumps({"url": f"https://site{i % 5}.example/a{i}", "title": f"Headline {i}",
                         "text": text,
                         "published": (T0 + timedelta(hours=i)).isoformat()})
             for i, text in enumerate(texts)]
    path = tmp_path / "copies.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, texts, truth


def _expected(texts: list[str]) -> set[frozenset[str]]:
    """The reference grouping: all texts grouped at once, in memory."""
    groups: dict[int, set[str]] = {}
    for i, first in enumerate(nearcopy.group_texts(texts)):
        groups.setdefault(first, set()).add(f"https://site{i % 5}.example/a{i}")
    return {frozenset(urls) for urls in groups.values()}


def test_an_import_of_copies_groups_them_as_the_reference_does(
        db_url: str, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path, texts, truth = _corpus_file(tmp_path)
    report = import_jsonl(sessions, path, batch_size=7)  # batches meet stories half placed
    assert report.new == len(texts)
    grouped = partition(sessions)
    assert grouped == _expected(texts)
    # the synthetic copies are all found, and nothing else
    assert len(grouped) == len(set(truth))
    with sessions() as session:
        sizes = dict(session.execute(select(models.Story.id, models.Story.n_articles)).all())
        counted = dict(session.execute(
            select(models.StoryArticle.story_id, func.count())
            .group_by(models.StoryArticle.story_id)).all())
    assert sizes == counted
    # exports carry each article's story
    out = tmp_path / "out.jsonl"
    with Archive(db_url) as archive:
        archive.export(None, "jsonl", out)
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        first = archive.stories(limit=1)[0]
    assert all(isinstance(r["story_id"], int) for r in records)
    assert {r["url"] for r in records if r["story_id"] == first.id} == \
        {m.url for m in first.members}


def test_a_rebuild_gives_the_same_stories_and_resumes_after_ctrl_c(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path, texts, _ = _corpus_file(tmp_path, seed=12)
    import_jsonl(sessions, path, batch_size=50)
    incremental = partition(sessions)
    with sessions() as session:
        aggregates = sorted(session.execute(
            select(models.Story.n_sources, models.Story.n_articles, models.Story.first_seen,
                   models.Story.title)).all())

    calls = []

    def stop_after_two_batches(placed: int, waiting: int) -> None:
        calls.append(placed)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(RebuildInterrupted) as interrupted:
        rebuild_stories(sessions, batch=10, on_progress=stop_after_two_batches)
    assert interrupted.value.report.placed == 20  # the report counts what is stored...
    with sessions() as session:  # ...but stored: batches are transactions of their own
        placed = session.scalar(select(func.count()).select_from(models.StoryArticle))
    assert placed == 20
    report = rebuild_stories(sessions, resume=True, batch=10)
    assert report.waiting == report.placed == len(texts) - 20
    assert partition(sessions) == incremental
    with sessions() as session:
        assert sorted(session.execute(
            select(models.Story.n_sources, models.Story.n_articles, models.Story.first_seen,
                   models.Story.title)).all()) == aggregates
    # a full rebuild starts again from nothing, and ends the same
    assert rebuild_stories(sessions).placed == len(texts)
    assert partition(sessions) == incremental


def _write(sessions: sessionmaker[Session], url: str, text: str, at: datetime) -> None:
    with sessions.begin() as session:
        ArticleWriter(session).write([_incoming(url, text, at)])


def test_an_article_that_held_a_story_together_splits_it_when_edited(
        sessions: sessionmaker[Session]) -> None:
    """A, B and C: B shares half its paragraphs with A and half with C; A and C nothing."""
    rng = random.Random(21)
    language = republished.Language(rng)
    paragraphs = language.article(rng, language.topic(rng), paragraphs=12)
    a, b, c = (republished.text(paragraphs[i:i + 6]) for i in (0, 3, 6))
    for n, text in enumerate((a, c, b)):
        _write(sessions, f"https://s{n}.example/x", text, T0 + timedelta(hours=n))
    urls = {"https://s0.example/x", "https://s1.example/x", "https://s2.example/x"}
    assert partition(sessions) == {frozenset(urls)}
    with sessions() as session:
        first = session.scalar(select(models.Story))
        assert first is not None and first.first_seen_kind == "first_seen"
        assert first.first_seen == T0 and first.n_sources == 3
    # B is rewritten: A and C have nothing left in common
    _write(sessions, "https://s2.example/x", republished.text(
        language.article(rng, language.topic(rng))), T0 + timedelta(days=1))
    assert partition(sessions) == {frozenset({u}) for u in urls}
    # B back as it was: one story again
    _write(sessions, "https://s2.example/x", b, T0 + timedelta(days=2))
    assert partition(sessions) == {frozenset(urls)}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(models.Story)) == 1


def test_writing_with_stories_off_leaves_them_to_a_resumed_rebuild(
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path, texts, _ = _corpus_file(tmp_path, seed=13)
    import_jsonl(sessions, path, stories=False)
    assert partition(sessions) == set()
    rebuild_stories(sessions, resume=True)
    assert partition(sessions) == _expected(texts)


@pytest.mark.postgresql_only
def test_two_workers_writing_copies_at_once_find_each_other(
        sessions: sessionmaker[Session]) -> None:
    """The first transaction holds the placing lock until it commits; the second waits,
    then sees the first's band keys."""
    rng = random.Random(31)
    language = republished.Language(rng)
    original = language.article(rng, language.topic(rng))
    copy = republished.text(republished.republished(rng, original))
    first_placed, second_done = threading.Event(), threading.Event()
    finished_early: list[bool] = []

    def first_worker() -> None:
        with sessions.begin() as session:
            ArticleWriter(session).write([_incoming("https://a.example/x",
                                                    republished.text(original))])
            first_placed.set()
            # the second cannot finish while this one holds the lock
            finished_early.append(second_done.wait(1.5))

    def second_worker() -> None:
        first_placed.wait(5)
        with sessions.begin() as session:
            ArticleWriter(session).write([_incoming("https://b.example/x", copy)])
        second_done.set()

    threads = [threading.Thread(target=first_worker), threading.Thread(target=second_worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert finished_early == [False] and second_done.is_set()
    assert partition(sessions) == {frozenset({"https://a.example/x", "https://b.example/x"})}


def _incoming(url: str, text: str, at: datetime = T0) -> Incoming:
    return Incoming(url=url, domain=url.split("/")[2], seen_at=at, extractor_version="import",
                    values={"title": url, "text": text, "authors": [], "published": None,
                            "modified": None, "date_source": None, "language": None,
                            "site_name": None, "description": None, "image": None,
                            "tags": [], "extra": {}})


def test_an_archive_upgraded_to_stories_gets_them_from_a_resumed_rebuild(
        db_url: str, tmp_path: Path) -> None:
    """Revision 0007 adds empty story tables; `stories rebuild --resume` fills them."""
    from alembic import command
    from sqlalchemy import create_engine

    from db import open_engine, session_factory
    from db.migrate import alembic_config

    bare = create_engine(db_url)
    with bare.begin() as connection:
        command.upgrade(alembic_config(connection), "0006")
    bare.dispose()
    path, texts, _ = _corpus_file(tmp_path, seed=14)
    engine = open_engine(db_url, check_schema=False)
    import_jsonl(session_factory(engine), path, stories=False)  # 0006 has no story tables
    engine.dispose()
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    assert partition(sessions) == set()
    result = CliRunner().invoke(main, ["stories", "rebuild", "--resume", "--db", db_url])
    assert result.exit_code == 0 and f"{len(texts)} article(s) placed" in result.output
    assert partition(sessions) == _expected(texts)
    engine.dispose()
