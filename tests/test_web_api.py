"""The JSON API through FastAPI's test client, over a real SQLite archive file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from sqlalchemy import text
from sqlalchemy.exc import InternalError, OperationalError

from archive.cli import main
from archive.web import create_app
from db import DatabaseError
from tests.pg import fresh_schema, pg_unreachable_reason
from tests.services import require_service
from tests.web_archive import XSS_TEXT, XSS_TITLE, fill_archive, make_archive


@pytest.fixture(scope="module")
def archive_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_archive(tmp_path_factory.mktemp("web") / "archive.db")


@pytest.fixture(scope="module")
def client(archive_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(archive_url), raise_server_exceptions=False) as test_client:
        yield test_client


def test_search_finds_and_pages(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "otter", "order": "newest"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert [hit["title"] for hit in body["hits"]] == [
        "Otter pups seen near the old weir", "Otter returns to city river",
        "Vier-Tage-Woche im Rathaus", XSS_TITLE,
    ]
    first = body["hits"][0]
    assert first["source"] == "riverside.example" and first["source_name"] == "Riverside News"
    assert first["published"].startswith("2026-03-20")
    assert "<mark>otter</mark>" in first["snippet_html"]
    assert "[otter]" in first["snippet"]

    page = client.get("/api/search", params={"q": "otter", "order": "newest", "page": 2,
                                              "page_size": 3}).json()
    assert page["total"] == 4 and page["page"] == 2 and len(page["hits"]) == 1
    assert page["hits"][0]["title"] == XSS_TITLE


def test_search_filters(client: TestClient) -> None:
    def titles(**params: str) -> list[str]:
        response = client.get("/api/search", params={"q": "otter", **params})
        assert response.status_code == 200, response.text
        return sorted(hit["title"] for hit in response.json()["hits"])

    assert titles(lang="de") == ["Vier-Tage-Woche im Rathaus"]
    assert titles(source="ledger.example") == ["Vier-Tage-Woche im Rathaus"]
    assert titles(since="2026-03-01", until="2026-03-02") == ["Otter returns to city river"]
    assert titles(since="2026-05-01") == []
    # no host at all, nor any name: one sentence, not a server error
    answer = client.get("/api/search", params={"q": "otter", "source": "["})
    assert answer.status_code == 400 and "No source of this archive" in answer.json()["detail"]


def test_snippets_escape_html(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "payload"}).json()["hits"]
    assert [hit["title"] for hit in hits] == [XSS_TITLE]  # JSON carries the text as it is
    snippet_html = hits[0]["snippet_html"]
    assert "<script" not in snippet_html and "<img" not in snippet_html
    assert "&lt;script&gt;" in snippet_html and "&lt;img src=x onerror=alert(1)&gt;" in snippet_html
    assert "<mark>payload</mark>" in snippet_html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 1001}, "q"),
        ({"q": "otter\x00"}, "q"),
        ({"q": "otter", "page_size": 0}, "page_size"),
        ({"q": "otter", "page_size": 101}, "page_size"),
        ({"q": "otter", "page": 0}, "page"),
        ({"q": "otter", "since": "01/03/2026"}, "since"),
        ({"q": "otter", "until": "2026-3-1"}, "until"),
        ({"q": "otter", "since": "2026-02-30"}, "since"),
        ({"q": "otter", "since": "1767225600"}, "since"),
        ({"q": "otter", "until": "2026-03-01T10:00:00"}, "until"),
        ({"q": "otter", "lang": "english!"}, "lang"),
        ({"q": "otter", "order": "random"}, "order"),
        ({"q": "otter", "source": "s" * 256}, "source"),
    ],
)
def test_parameters_are_validated(client: TestClient, params: dict[str, object],
                                  field: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422, response.text
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"q": '"unclosed phrase'}, "quote"),
        ({"q": "otter", "since": "2026-04-01", "until": "2026-03-01"}, "since is after until"),
    ],
)
def test_malformed_queries_are_400_with_the_sentence(client: TestClient,
                                                     params: dict[str, str], words: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and words in detail.lower()
    assert "Traceback" not in response.text


def test_article_with_versions(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "pups"}).json()["hits"][0]
    response = client.get(f"/api/articles/{hit['id']}")
    assert response.status_code == 200
    article = response.json()
    assert article["title"] == "Otter pups seen near the old weir"
    assert article["text"] == "Two otter pups were filmed near the old weir at dawn."
    assert article["source"] == "riverside.example"
    assert [(v["number"], v["title"]) for v in article["versions"]] == [
        (1, "Otter pups seen near the weir")
    ]

    assert client.get("/api/articles/999999").status_code == 404
    assert "No article" in client.get("/api/articles/999999").json()["detail"]
    assert client.get("/api/articles/0").status_code == 422
    assert client.get("/api/articles/abc").status_code == 422


def test_count_over_time(client: TestClient) -> None:
    body = client.get("/api/count", params={"by": "month"}).json()
    assert [(r["period"], r["count"]) for r in body["rows"]] == [
        ("2026-01-01", 1), ("2026-02-01", 1), ("2026-03-01", 2), ("2026-04-01", 1),
    ]
    body = client.get("/api/count", params={"q": "otter", "by": "month",
                                            "per_source": "true"}).json()
    assert {(r["period"], r["source"], r["count"]) for r in body["rows"]} == {
        ("2026-01-01", "quill.example", 1), ("2026-02-01", "ledger.example", 1),
        ("2026-03-01", "riverside.example", 2),
    }
    assert client.get("/api/count", params={"by": "year"}).status_code == 422


def test_export_streams_csv_and_jsonl(client: TestClient) -> None:
    response = client.get("/api/export", params={"q": "otter", "format": "jsonl"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == 4
    assert {row["title"] for row in rows} >= {XSS_TITLE, "Otter returns to city river"}
    assert any(row["text"] == XSS_TEXT for row in rows)

    response = client.get("/api/export", params={"q": "source:ledger.example",
                                                 "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    titles = sorted(row["title"] for row in csv.DictReader(io.StringIO(response.text)))
    assert titles == ["Bridge reopens after repairs", "Vier-Tage-Woche im Rathaus"]


def test_export_refuses_more_than_max_rows(client: TestClient) -> None:
    response = client.get("/api/export", params={"q": "otter", "max_rows": 3})
    assert response.status_code == 400
    assert "4 articles match" in response.json()["detail"]
    assert client.get("/api/export", params={"q": "otter", "max_rows": 100_001}
                      ).status_code == 422
    assert client.get("/api/export", params={"q": "otter", "format": "xml"}
                      ).status_code == 422


def test_stats(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 5 and stats["sources"] == 3 and stats["versions"] == 1
    assert {s["domain"]: s["articles"] for s in stats["by_source"]} == {
        "riverside.example": 2, "ledger.example": 2, "quill.example": 1,
    }


def test_page_and_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.js", "/static/style.css"):
        response = client.get(asset)
        assert response.status_code == 200 and response.headers["x-content-type-options"]
    # nothing on the page comes from another host
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "https://" not in page.text
    api = client.get("/api/stats")
    assert api.headers["content-security-policy"] == csp
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_openapi_spec_is_valid(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    assert set(paths) == {"/api/search", "/api/articles/{article_id}", "/api/count",
                          "/api/export", "/api/stats", "/api/stories",
                          "/api/stories/{story_id}"}
    assert all(set(methods) == {"get"} for methods in paths.values())
    page_size = next(p for p in paths["/api/search"]["get"]["parameters"]
                     if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 100 and page_size["schema"]["minimum"] == 1


def test_only_get_is_allowed(client: TestClient) -> None:
    for path in ("/api/search?q=otter", "/api/articles/1", "/api/stats", "/api/stories",
                 "/api/stories/1"):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


def test_the_server_cannot_write(client: TestClient, archive_url: str) -> None:
    engine = client.app.state.archive.engine  # type: ignore[attr-defined]
    with engine.connect() as connection, pytest.raises(OperationalError, match="readonly"):
        connection.execute(text("DELETE FROM articles"))
    database = archive_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM articles").fetchone() == (5,)


def test_a_missing_archive_fails_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no archive"):
        create_app(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()


def test_a_postgres_archive_is_served_read_only() -> None:
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    with fresh_schema("va_web") as url:
        fill_archive(url)
        with TestClient(create_app(url), raise_server_exceptions=False) as pg_client:
            body = pg_client.get("/api/search", params={"q": "otter"}).json()
            assert body["total"] == 4
            assert pg_client.get("/api/stats").json()["articles"] == 5
            engine = pg_client.app.state.archive.engine  # type: ignore[attr-defined]
            with engine.connect() as connection, pytest.raises(
                    InternalError, match="read-only transaction"):
                connection.execute(text("DELETE FROM articles"))


def test_serve_refuses_a_missing_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 1
    assert "There is no archive" in result.output and "Traceback" not in result.output
