"""Bad input is one sentence and a non-zero exit, never a traceback: sources files,
frontier URLs and command-line arguments that are not text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main

ROOT = Path(__file__).resolve().parents[1]


def refused(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    return result.output


@pytest.mark.parametrize(("line", "message"), [
    ('interval = "99999999999999999999w"', 'key "interval" must be at most 3650 days'),
    ("recheck_max_age = 99999999999999999999", 'key "recheck_max_age" must be at most'),
    ('start_urls = ["http://[::1/"]', "not a well-formed URL: Invalid IPv6 URL"),
    ('feeds = ["https://news.example:99999/rss"]', "Port out of range"),
])
def test_a_sources_file_value_out_of_range_is_named(tmp_path: Path, line: str,
                                                    message: str) -> None:
    config = tmp_path / "sources.toml"
    start = "" if line.startswith("start_urls") else 'start_urls = ["https://news.example/"]\n'
    config.write_text(f"[sources.news]\n{start}{line}\n", encoding="utf-8")
    for command in (["sources"], ["crawl"], ["schedule", "--once"]):
        out = refused(*command, "--config", str(config), "--db", str(tmp_path / "a.db"))
        assert 'sources.toml: source "news": key' in out and message in out, out
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("url", ["redis://[::1", "redis://localhost:99999/0",
                                 "redis://localhost:port/0"])
def test_a_malformed_frontier_url_is_named(tmp_path: Path, url: str) -> None:
    for command in (["worker", "--db", str(tmp_path / "a.db")],
                    ["enqueue", "https://news.example/"]):
        out = refused(*command, "--frontier", url)
        assert f"{url!r} is not a Redis URL" in out, out


def test_an_argument_that_is_not_text_is_refused() -> None:
    # what Python makes of the byte 0xff in an argument on a UTF-8 system
    assert "The argument b'\\xff' is not UTF-8 text" in refused("search", "\udcff")
    result = subprocess.run([sys.executable, "-m", "archive", "stats", "--db", b"\xff.db"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is not UTF-8 text" in result.stderr
