"""``search`` tells the whole truth: every match in csv, json and jsonl (unless --limit),
the total in json and on standard error, the table's page "of how many", and queries
that start with "-". Real archives on both backends, through click's runner."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.cli import main
from archive.research.query.engine import iter_hits
from tests.conftest import BACKENDS
from tests.pg import archive_url
from tests.research_data import write_jsonl

MATCHES = 46


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """46 articles about google, half of them also about stadia, and 4 about neither (one
    archive per backend for the module: the tests only read it)."""
    folder = tmp_path_factory.mktemp("games")
    records = [{"url": f"https://games.example/{i}", "title": f"Story {i}",
                "text": f"google stadia story {i}" if i % 2 else f"google news {i}",
                "published": f"2026-01-{i % 28 + 1:02d}"} for i in range(MATCHES)]
    records += [{"url": f"https://games.example/other-{i}", "title": f"Other {i}",
                 "text": "stadia alone"} for i in range(4)]
    with archive_url(request.param, folder) as url, Archive(url, create=True) as arc:
        assert arc.import_jsonl(write_jsonl(folder / "games.jsonl", records)).new == 50
        yield arc


def run(archive: Archive, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, [*args, "--db", archive.url])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, result.stderr


def test_csv_json_and_jsonl_hold_every_match(archive: Archive) -> None:
    out, err = run(archive, "search", "google", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == MATCHES
    assert f"{MATCHES} of {MATCHES} result(s) written" in err
    out, err = run(archive, "search", "google", "--format", "jsonl", "--order", "newest")
    assert len(out.splitlines()) == MATCHES
    body = json.loads(run(archive, "search", "google", "--format", "json")[0])
    assert body["query"] == "google" and body["total"] == MATCHES
    assert len(body["hits"]) == MATCHES and len({h["id"] for h in body["hits"]}) == MATCHES
    assert "[google]" in body["hits"][0]["snippet"]


def test_a_limit_or_offset_is_said_on_standard_error(archive: Archive) -> None:
    out, err = run(archive, "search", "google", "--format", "csv", "--limit", "5")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 5
    assert f"5 of {MATCHES} result(s) written (--limit 5)" in err
    body = json.loads(run(archive, "search", "google", "--format", "json", "--page", "3",
                          "--limit", "20")[0])
    assert body["total"] == MATCHES and body["offset"] == 40 and len(body["hits"]) == 6
    body = json.loads(run(archive, "search", "nothing", "--format", "json")[0])
    assert body == {"query": "nothing", "total": 0, "offset": 0, "limit": None, "hits": []}


def test_the_table_says_which_page_of_how_many(archive: Archive) -> None:
    out, _ = run(archive, "search", "google")
    assert f"1–20 of {MATCHES} result(s); --page 2 for the next" in " ".join(out.split())
    out, _ = run(archive, "search", "google", "--page", "3")
    assert f"41–{MATCHES} of {MATCHES} result(s)." in out
    result = CliRunner().invoke(main, ["search", "google", "--limit", "5000", "--db",
                                       archive.url])
    assert result.exit_code == 2 and "the table shows at most 1000" in result.output


@pytest.mark.parametrize("args", [
    ["search", "-google stadia", "--format", "jsonl"],
    ["search", "--format", "jsonl", "-google stadia"],
    ["search", "--", "-google stadia", "--format", "jsonl"],
    ["search", "--format", "jsonl", "--", "-google stadia"],
])
def test_a_query_may_start_with_a_dash(archive: Archive, args: list[str]) -> None:
    out, _ = run(archive, *args)
    assert sorted(json.loads(line)["title"] for line in out.splitlines()) == [
        f"Other {i}" for i in range(4)]


def test_a_dash_query_is_not_a_short_option(archive: Archive) -> None:
    out, _ = run(archive, "search", "-hello", "--format", "jsonl")  # not -h, the help
    assert len(out.splitlines()) == 50
    out, _ = run(archive, "export", "-oslo", "--format", "jsonl", "-o", "-")  # not -o slo
    assert len(out.splitlines()) == 50


def test_count_and_export_take_a_dash_query_too(archive: Archive) -> None:
    out, _ = run(archive, "count", "-stadia", "--by", "month", "--format", "json")
    assert json.loads(out) == [{"period": "2026-01-01", "count": MATCHES // 2}]
    out, _ = run(archive, "export", "-stadia", "--format", "jsonl", "--output", "-")
    assert len(out.splitlines()) == MATCHES // 2


def test_a_query_in_pieces_or_a_misspelt_option_is_one_sentence(archive: Archive) -> None:
    result = CliRunner().invoke(main, ["search", "google", "-stadia", "--db", archive.url])
    assert result.exit_code == 2
    assert "quote it, as in viral-archive search 'google -stadia'" in result.output
    result = CliRunner().invoke(main, ["search", "google", "--formt", "csv"])
    assert result.exit_code == 2 and "No such option '--formt'" in result.output


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.sqlite_only
def test_every_match_is_streamed_in_flat_memory(tmp_path: Path) -> None:
    filler = " ".join(f"filler{n % 97}" for n in range(300))
    write_jsonl(tmp_path / "big.jsonl", [
        {"url": f"https://big.example/{i}", "title": f"Story {i}",
         "text": f"A word to find. {filler} {i}"} for i in range(3000)])
    with Archive(tmp_path / "big.db", create=True) as arc:
        assert arc.import_jsonl(tmp_path / "big.jsonl").new == 3000
        with arc.sessions() as session:
            def stream() -> None:
                assert sum(1 for _ in iter_hits(session, "word", batch=100)) == 3000

            def hold() -> None:
                assert len(list(iter_hits(session, "word", batch=100))) == 3000

            streamed, held = _peak(stream), _peak(hold)
    # the hits streamed 100 at a time take a fraction of all of them held at once
    assert streamed < held / 4, (streamed, held)
