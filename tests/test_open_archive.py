"""Opening an archive never creates or changes a database that is not ours, and a wrong
``--db`` is one sentence: real SQLite files, PostgreSQL schemas and the CLI."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from archive.cli import main
from archive.research.api import Archive
from db import DatabaseError, NoArchive, NotAnArchive

LINE = '{"url": "https://example.com/a", "text": "An otter in the river."}\n'


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text(LINE, encoding="utf-8")
    return path


def test_db_upgrade_makes_no_archive_from_a_typo(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    code, out = invoke("db", "upgrade", "--db", f"sqlite:///{typo}")
    assert code == 1 and "There is no archive at" in out and "--create" in out
    assert not typo.exists()
    code, out = invoke("db", "upgrade", "--create", "--db", f"sqlite:///{typo}")
    assert code == 0 and "Created a new archive at revision" in out
    code, out = invoke("db", "upgrade", "--db", f"sqlite:///{typo}")
    assert code == 0 and "nothing to do" in out


def test_db_upgrade_refuses_an_empty_database_without_create(db_url: str) -> None:
    code, out = invoke("db", "upgrade", "--db", db_url)
    assert code == 1 and "no archive" in out and "db upgrade --create" in out
    code, out = invoke("db", "upgrade", "--create", "--db", db_url)
    assert code == 0, out


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_a_database_with_other_tables_is_left_alone(db_url: str, jsonl: Path) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)"))
    engine.dispose()
    for args in (["import", str(jsonl)], ["search", "otter"], ["stats"],
                 ["db", "upgrade", "--create"], ["db", "current"]):
        code, out = invoke(*args, "--db", db_url)
        assert code == 1, (args, out)
        assert "holds other tables (invoices), not an archive" in out, (args, out)
    assert _tables(db_url) == {"invoices"}
    with pytest.raises(NotAnArchive):
        Archive(db_url, create=True)
    assert _tables(db_url) == {"invoices"}


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_for_writing(url: str, jsonl: Path) -> None:
    code, out = invoke("import", str(jsonl), "--db", url)
    assert code == 1 and "in-memory database" in out and "give a file" in out
    code, out = invoke("db", "upgrade", "--create", "--db", url)
    assert code == 1 and "in-memory database" in out
    code, out = invoke("search", "otter", "--db", url)
    assert code == 1 and "holds no archive" in out


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path, jsonl: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke("import", str(jsonl), "--db", "news.db")
    assert code == 0, out
    assert (tmp_path / "news.db").is_file()
    code, out = invoke("search", "otter", "--db", "news.db", "--format", "jsonl")
    assert code == 0 and "example.com/a" in out
    code, out = invoke("stats", "--db", str(tmp_path / "news.db"))
    assert code == 0 and "articles" in out
    code, out = invoke("search", "otter", "--db", "missing.db")
    assert code == 1 and "There is no archive at missing.db" in out
    assert not (tmp_path / "missing.db").exists()


def test_a_read_only_archive_is_refused_by_writing_commands(tmp_path: Path,
                                                            jsonl: Path) -> None:
    archive = tmp_path / "archive.db"
    code, _ = invoke("import", str(jsonl), "--db", f"sqlite:///{archive}")
    assert code == 0
    read_only = f"sqlite:///file:{archive}?mode=ro&uri=true"
    other = tmp_path / "other.jsonl"
    other.write_text(LINE.replace("/a", "/b"), encoding="utf-8")
    code, out = invoke("import", str(other), "--db", read_only)
    assert code == 1 and "opened read-only" in out
    code, out = invoke("reextract", "--db", read_only)
    assert code == 1 and "opened read-only" in out
    code, out = invoke("search", "otter", "--db", read_only)  # reading is fine
    assert code == 0 and "1 result" in out
    if os.geteuid() != 0:  # root may write to any file
        archive.chmod(0o444)
        code, out = invoke("import", str(other), "--db", f"sqlite:///{archive}")
        assert code == 1 and "is read-only" in out
    with sqlite3.connect(archive) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (1,)


@pytest.mark.parametrize("url", ["postgresql+psycopg://user@host:port/db", "not://a url:x"])
def test_a_malformed_url_is_one_sentence(url: str) -> None:
    code, out = invoke("stats", "--db", url)
    assert code == 1 and "is not a database URL" in out


def test_a_missing_archive_is_named_in_the_api(tmp_path: Path) -> None:
    with pytest.raises(NoArchive, match="There is no archive at"):
        Archive(tmp_path / "nothing.db")


def test_a_write_the_database_refuses_stops_the_import_with_a_sentence(
        tmp_path: Path, jsonl: Path) -> None:
    archive = tmp_path / "archive.db"
    Archive(archive, create=True).close()
    # opened for reading (so not refused up front), then asked to import: every write fails
    with Archive(f"sqlite:///file:{archive}?mode=ro&uri=true") as reader, pytest.raises(
            DatabaseError, match=r"Cannot write to the archive \(attempt to write a readonly "
                                 r"database\); 0 of the 1 line\(s\) read were stored"):
        reader.import_jsonl(jsonl)
