"""The command line, through click's test runner, against real archive files."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from archive import __version__
from archive.cli import main
from crawler.runner import run_crawl
from tests.conftest import LOCAL_CRAWL

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def crawled(basic_server: str, db_url: str) -> str:
    """An archive holding the basic test site; returns its URL."""
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    return db_url


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def written(*args: str) -> str:
    """What the command wrote to standard output (its report on standard error aside)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_help_and_version() -> None:
    code, out = invoke("--help")
    assert code == 0 and "crawl" in out and "search" in out
    code, out = invoke("--version")
    assert code == 0 and __version__ in out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    context = click.Context(main)
    names = main.list_commands(context)
    assert names, "no commands registered"
    for name in names:
        command = main.get_command(context, name)
        assert command is not None and command.name == name, f"{name} is not its name"
        assert command.help and len(command.help) > 20, f"{name} has no help text"
        code, out = invoke(name, "--help")
        assert code == 0, f"{name} --help failed"
        assert re.search(rf"viral-archive {name}\b", readme), f"{name} is not in the README"


def test_crawl_command_prints_a_summary(basic_server: str, db_url: str) -> None:
    code, out = invoke("crawl", basic_server, "--db", db_url, "--depth", "1")
    assert code == 0, out
    assert re.search(r"new\s*│\s*2", out), out
    assert re.search(r"errors\s*│\s*2", out), out


def test_crawl_refuses_a_non_http_url(db_url: str) -> None:
    code, out = invoke("crawl", "ftp://example.com/", "--db", db_url)
    assert code == 2 and "not an http(s) URL" in out


def test_search_formats(crawled: str) -> None:
    body = json.loads(written("search", "otter", "--db", crawled, "--format", "json"))
    hits = body["hits"]
    assert body["total"] == 1 and [h["title"] for h in hits] == ["Otter returns to city river"]
    assert "[otter]" in hits[0]["snippet"]

    out = written("search", "the", "--db", crawled, "--format", "csv", "--order", "newest")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["Bridge reopens after repairs",
                                          "Otter returns to city river"]

    out = written("search", "the", "--db", crawled, "--format", "jsonl", "--since", "2026-04-01")
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        "Bridge reopens after repairs"
    ]
    out = written("search", "the", "--db", crawled, "--format", "jsonl", "--until", "2026-03-14")
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        "Otter returns to city river"
    ]
    code, out = invoke("search", "otter", "--db", crawled)
    assert code == 0 and "Otter returns" in out and "1–1 of 1 result(s)" in out


def test_search_by_source(crawled: str, basic_server: str) -> None:
    host = basic_server.split("/")[2]
    out = written("search", "the", "--db", crawled, "--source", host, "--format", "json")
    assert len(json.loads(out)["hits"]) == 2
    code, out = invoke("search", "the", "--db", crawled, "--source", "nowhere.org",
                       "--format", "json")
    assert code == 1 and "No source of this archive is called 'nowhere.org'" in out


def test_show_by_id_and_url(crawled: str, basic_server: str) -> None:
    code, out = invoke("show", f"{basic_server}news/otter.html", "--db", crawled,
                       "--format", "json")
    assert code == 0
    article = json.loads(out)
    assert article["title"] == "Otter returns to city river"
    assert article["authors"] == ["Jane Doe"]
    assert article["published"] == "2026-03-14T08:30:00+00:00"
    code, out = invoke("show", str(article["id"]), "--db", crawled)
    assert code == 0 and "mill bridge" in out and "Jane Doe" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "otter", "--db", "sqlite://x:port/a.db"], "is not a database URL"),
        (["search", "otter", "--db", "sqlite:////nonexistent/dir/a.db"], "no archive at"),
        (["show", "999", "--db", "{db}"], "No article with id or URL '999'"),
        (["search", "?!", "--db", "{db}"], "has no words to search for"),
        (["search", "x", "--since", "yesterday", "--db", "{db}"], "Invalid value for '--since'"),
    ],
)
def test_bad_input_gets_one_sentence(crawled: str, args: list[str], message: str) -> None:
    args = [a.replace("{db}", crawled) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unreadable_database_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(main, ["search", "otter", "--db", f"sqlite:///{bad}"])
    assert result.exit_code == 1
    assert "file is not a database" in result.output
    assert isinstance(result.exception, SystemExit)


def test_python_dash_m_archive() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "archive", "--version"], capture_output=True,
                         text=True, check=True)
    assert __version__ in out.stdout


def test_importing_the_cli_loads_neither_scrapy_nor_sqlalchemy() -> None:
    # each page-reading worker of a crawl re-runs the viral-archive script, which imports
    # archive.cli: whatever that loads, every worker holds a copy of (archive/cli/main.py)
    done = subprocess.run([sys.executable, "-c", "import sys, archive.cli\n"
                           "print(' '.join(sys.modules))"],
                          capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert loaded.isdisjoint({"scrapy", "twisted", "sqlalchemy", "alembic", "numpy", "crawler",
                              "db", "rich"})
