"""Schema migrations (Alembic) and copying archives, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, func, inspect, select

from archive import Archive, Article
from archive.cli import main
from archive.extraction.reading import FetchedPage
from archive.research.query.engine import search_matches
from archive.storage.importer import import_jsonl
from archive.storage.writer import store_article
from db import SchemaOutdated, models, open_engine, session_factory
from db.migrate import (
    BASELINE,
    HEAD,
    alembic_config,
    alembic_head,
    current_revision,
    head_revision,
)

ROOT = Path(__file__).resolve().parents[1]

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _store(sessions, number: int, text: str = "Otters swim.") -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        page = FetchedPage(f"https://example.com/a{number}", body=b"<html>x</html>",
                           fetched_at=T0 + timedelta(minutes=number))
        store_article(session, Article(text=f"{text} ({number})", title=f"Otter {number}",
                                      page_type="article", published=T0), page)


def _import(sessions, tmp_path: Path, count: int) -> None:  # type: ignore[no-untyped-def]
    """Articles written as an older schema allows (an import keeps no raw pages)."""
    lines = [json.dumps({"url": f"https://example.com/a{n}", "title": f"Otter {n}",
                         "text": f"Otters swim. ({n})", "published": T0.isoformat()})
             for n in range(count)]
    (tmp_path / "older.jsonl").write_text("\n".join(lines))
    # an older schema has no story tables
    report = import_jsonl(sessions, tmp_path / "older.jsonl", stories=False)
    assert report.new == count


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_new_archive_is_created_at_the_latest_revision(db_url: str) -> None:
    engine = open_engine(db_url)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        # the models and the migrations describe the same schema
        command.check(alembic_config(connection))
        assert "ix_raw_pages_crawl_id" in {i["name"] for i in
                                           inspect(connection).get_indexes("raw_pages")}
    engine.dispose()
    code, out = invoke("db", "current", "--db", db_url)
    assert code == 0 and out.startswith(f"{head_revision()} (") and "up to date" in out
    code, out = invoke("db", "upgrade", "--db", db_url)
    assert code == 0 and "nothing to do" in out


def _archive_at_baseline(db_url: str) -> None:
    bare = create_engine(db_url)
    with bare.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE)
    bare.dispose()


def test_an_archive_at_the_previous_revision_is_refused_then_upgraded(db_url: str,
                                                                     tmp_path: Path) -> None:
    _archive_at_baseline(db_url)
    engine = open_engine(db_url, check_schema=False)
    _import(session_factory(engine), tmp_path, 3)
    engine.dispose()

    expected = (f"This archive's schema is at revision {BASELINE} but this version of "
                f'viral-archive needs {head_revision()}; run "viral-archive db upgrade".')
    with pytest.raises(SchemaOutdated) as refused:
        open_engine(db_url)
    assert str(refused.value) == expected
    code, out = invoke("search", "otter", "--db", db_url)
    assert code == 1 and expected in out and "Traceback" not in out

    code, out = invoke("db", "upgrade", "--db", db_url)
    assert code == 0, out
    assert f"from revision {BASELINE} to {head_revision()}" in out

    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(models.Article)) == 3
        results = search_matches(session, "otter")
        assert results.total == 3
    with engine.connect() as connection:
        assert "ix_raw_pages_crawl_id" in {i["name"] for i in
                                           inspect(connection).get_indexes("raw_pages")}
    engine.dispose()


@pytest.mark.sqlite_only
def test_an_archive_made_before_migrations_counts_as_the_baseline(tmp_path: Path,
                                                                  db_url: str) -> None:
    _archive_at_baseline(db_url)
    bare = create_engine(db_url)
    with bare.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    bare.dispose()
    with pytest.raises(SchemaOutdated, match=f"at revision {BASELINE} but"):
        open_engine(db_url)
    code, out = invoke("db", "upgrade", "--db", db_url)
    assert code == 0 and f"from revision {BASELINE}" in out
    open_engine(db_url).dispose()


def test_copy_from_sqlite_resumes_and_keeps_search(db_url: str, tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'old.db'}"
    source = open_engine(source_url)
    sessions = session_factory(source)
    for number in range(25):
        _store(sessions, number)
    _store(sessions, 0, text="Otters were edited.")  # an earlier version too
    source.dispose()

    code, out = invoke("db", "copy", "--from", source_url, "--to", db_url, "--batch", "7")
    assert code == 0, out
    # 1 source, 25 articles, 26 raw pages (one article changed once), 1 version, 25
    # stories and their 25 memberships (texts too short for signatures: no band keys)
    assert "Copied 103 rows (0 already there)" in out
    # an interrupted copy: some rows never arrived; running it again adds just those
    target = open_engine(db_url)
    with session_factory(target).begin() as session:
        for article in session.scalars(select(models.Article).where(models.Article.id > 20)):
            session.delete(article)
    target.dispose()
    code, out = invoke("db", "copy", "--from", source_url, "--to", db_url, "--batch", "7")
    assert code == 0, out
    # the 5 articles with their raw pages and story memberships
    assert "Copied 15 rows (88 already there)" in out

    target = open_engine(db_url)
    with session_factory(target)() as session:
        assert session.scalar(select(func.count()).select_from(models.Article)) == 25
        assert session.scalar(select(func.count()).select_from(models.ArticleVersion)) == 1
        assert search_matches(session, "otters").total == 25
        assert search_matches(session, "edited").total == 1
    # new rows get fresh ids after the copied ones
    _store(session_factory(target), 99)
    target.dispose()


def test_head_is_alembics_head_and_opening_an_archive_needs_no_alembic(tmp_path: Path
                                                                       ) -> None:
    """``db.migrate.HEAD`` must name the last migration (bump it with a new one); an
    archive at that revision opens without loading Alembic."""
    assert alembic_head() == HEAD
    url = f"sqlite:///{tmp_path / 'a.db'}"
    Archive(url, create=True).close()
    script = ("import sys; from archive import Archive; Archive(sys.argv[1]).close(); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    out = subprocess.run([sys.executable, "-c", script, url], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"
