"""Dates at both ends of the calendar, everywhere a date is taken: the Python API, the
CLI and the web API, on SQLite and PostgreSQL. The first and last days are ordinary
input; a time that leaves the calendar in UTC is a sentence, never a traceback or a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive import Archive, QueryError
from archive.cli import main
from archive.web import create_app
from tests.research_data import ARTICLES, research_archive, write_jsonl

EDGES = [
    {"url": "https://daily.example/first-day", "title": "The first day", "source": "daily.example",
     "text": "An otter at the dawn of the calendar.", "published": "0001-01-01T00:00:00Z"},
    {"url": "https://daily.example/last-day", "title": "The last day", "source": "daily.example",
     "text": "An otter at the end of the calendar.", "published": "9999-12-31T23:59:59Z"},
]


@pytest.fixture
def archive(db_backend: str, tmp_path: Path) -> Iterator[Archive]:
    with research_archive(db_backend, tmp_path) as arc:
        report = arc.import_jsonl(write_jsonl(tmp_path / "edges.jsonl", EDGES))
        assert report.new == 2 and not report.errors, report.errors
        yield arc


def test_the_api_takes_the_first_and_last_days(archive: Archive) -> None:
    everything = len(ARTICLES) + 2
    assert archive.total(since="0001-01-01", until="9999-12-31") == everything
    results = archive.search("otter", since="0001-01-01", until="9999-12-31", order="oldest")
    assert [hit.title for hit in results][:1] == ["The first day"]
    assert [hit.title for hit in results][-1:] == ["The last day"]
    assert archive.total(since="9999-12-31") == 1
    assert archive.total(until="0001-01-01") == 1
    for by in ("day", "week", "month"):
        rows = archive.count(by=by, until="9999-12-31")  # type: ignore[arg-type]
        assert sum(row.count for row in rows) == everything, by
        assert rows[0].period == "0001-01-01" and rows[-1].period.startswith("9999-12")
        per_source = archive.count("otter", by=by, per_source=True)  # type: ignore[arg-type]
        assert per_source[-1].period.startswith("9999-12")


@pytest.mark.parametrize("value", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"])
def test_a_time_beyond_the_calendar_in_utc_is_a_query_error(archive: Archive,
                                                            value: str) -> None:
    with pytest.raises(QueryError, match="out of range"):
        archive.search("otter", until=value)
    with pytest.raises(QueryError, match="out of range"):
        archive.count(since=value)


def test_the_cli_takes_the_last_day(archive: Archive) -> None:
    runner = CliRunner()
    for args in (["search", "otter", "--until", "9999-12-31", "--format", "json"],
                 ["count", "--until", "9999-12-31", "--by", "month", "--format", "json"],
                 ["export", "--until", "9999-12-31", "--format", "jsonl", "--output", "-"]):
        result = runner.invoke(main, [*args, "--db", archive.url])
        assert result.exit_code == 0, (args, result.output)
        assert "9999-12-" in result.stdout, args
    result = runner.invoke(main, ["search", "otter", "--since", "9999-12-31", "--db",
                                  archive.url, "--format", "json"])
    assert [hit["title"] for hit in json.loads(result.stdout)["hits"]] == ["The last day"]


def test_the_web_api_takes_the_last_day(archive: Archive) -> None:
    with TestClient(create_app(archive.url), raise_server_exceptions=False) as client:
        edges = {"since": "0001-01-01", "until": "9999-12-31"}
        search = client.get("/api/search", params={"q": "otter", **edges})
        assert search.status_code == 200 and search.json()["total"] == 2 + sum(
            "otter" in r["text"].lower() for r in ARTICLES.values())
        count = client.get("/api/count", params={"by": "week", **edges})
        assert count.status_code == 200
        assert count.json()["rows"][-1]["period"].startswith("9999-12")
        export = client.get("/api/export", params={"q": "otter", "format": "csv", **edges})
        assert export.status_code == 200 and "The last day" in export.text
        assert client.get("/api/search", params={"q": "otter",
                                                  "until": "10000-01-01"}).status_code == 422
