"""WARC export: stored raw pages written by warcio, read back with warcio."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive import Article
from archive.cli import main
from archive.exceptions import ExportError, UnknownSource
from archive.extraction.reading import FetchedPage
from archive.research.warc import export_warc
from archive.storage.writer import store_article
from crawler.runner import run_crawl
from db import models
from tests.conftest import LOCAL_CRAWL

T0 = datetime(2026, 6, 1, 12, 0, 5, tzinfo=UTC)


def _read(path: Path) -> list[Any]:
    """Every record of a WARC file, digests checked, with its payload read."""
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            record.payload = record.content_stream().read()
            records.append(record)
    return records


def _raw_pages(sessions) -> list[models.RawPage]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return list(s.scalars(select(models.RawPage).order_by(models.RawPage.id)))


def test_crawled_pages_round_trip(basic_site: Path, basic_server: str, db_url: str,  # type: ignore[no-untyped-def]
                                  sessions, tmp_path: Path) -> None:
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    otter = basic_site / "news" / "otter.html"
    otter.write_text(otter.read_text(encoding="utf-8").replace("at dawn", "at dusk"),
                     encoding="utf-8")
    run_crawl([basic_server], db_url=db_url, settings=LOCAL_CRAWL)
    stored = _raw_pages(sessions)
    assert len(stored) == 3  # two articles, one of them edited

    path = tmp_path / "pages.warc.gz"
    result = export_warc(sessions, path)

    assert (result.responses, result.skipped) == (3, 0)
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip members
    records = _read(path)
    assert [r.rec_type for r in records] == ["warcinfo", "response", "response", "response"]
    assert b"viral-archive" in records[0].payload
    responses = records[1:]
    assert [r.rec_headers.get_header("WARC-Target-URI") for r in responses] == [
        p.url for p in stored
    ]
    for record, page in zip(responses, stored, strict=True):
        body = zlib.decompress(page.body)
        assert record.payload == body
        assert record.http_headers.protocol == "HTTP/1.1"
        assert record.http_headers.get_statuscode() == "200"
        assert record.http_headers.get_header("Content-Length") == str(len(body))
        assert record.http_headers.get_header("Content-Type") == "text/html"
        assert record.rec_headers.get_header("WARC-Date") == (
            page.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    assert b"at dawn" in responses[0].payload or b"at dawn" in responses[1].payload
    assert b"at dusk" in responses[2].payload


def _store(sessions, url: str, headers: dict[str, list[str]], body: bytes,  # type: ignore[no-untyped-def]
           *, status: int = 200, at: datetime = T0) -> None:
    page = FetchedPage(url=url, status=status, headers=headers, body=body, fetched_at=at)
    with sessions.begin() as s:
        store_article(s, Article(text=url, title=url, page_type="article"), page)


def test_headers_are_rebuilt_for_the_stored_body(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "<html><p>Café</p></html>".encode()
    _store(sessions, "https://a.example/story", {
        "Content-Type": ["text/html; charset=utf-8"],
        "Content-Encoding": ["gzip"],
        "Transfer-Encoding": ["chunked"],
        "Content-Length": ["12"],
        "Set-Cookie": ["a=1; Path=/", "b=2; Path=/"],
    }, body, status=203)

    path = tmp_path / "pages.warc"
    export_warc(sessions, path, gzip=False)

    assert path.read_bytes().startswith(b"WARC/1.0\r\n")
    (response,) = _read(path)[1:]
    headers = response.http_headers
    assert headers.statusline == "203 Non-Authoritative Information"
    assert headers.get_header("Content-Encoding") is None
    assert headers.get_header("Transfer-Encoding") is None
    assert headers.get_header("Content-Length") == str(len(body))
    assert [v for k, v in headers.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    assert response.payload == body


def test_source_and_since_select_pages(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = {"Content-Type": ["text/html"]}
    _store(sessions, "https://a.example/old", html, b"<p>old</p>", at=T0)
    _store(sessions, "https://a.example/new", html, b"<p>new</p>", at=T0 + timedelta(days=2))
    _store(sessions, "https://b.example/new", html, b"<p>b</p>", at=T0 + timedelta(days=2))

    def uris(**filters: Any) -> list[str]:
        path = tmp_path / "pages.warc.gz"
        export_warc(sessions, path, overwrite=True, **filters)
        return [r.rec_headers.get_header("WARC-Target-URI") for r in _read(path)[1:]]

    assert uris(source="a.example") == ["https://a.example/old", "https://a.example/new"]
    assert uris(since=T0 + timedelta(days=1)) == ["https://a.example/new", "https://b.example/new"]
    assert uris(source="a.example", since=T0 + timedelta(days=1)) == ["https://a.example/new"]
    with pytest.raises(UnknownSource):
        uris(source="c.example")


def test_an_existing_file_is_not_overwritten(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(sessions, "https://a.example/x", {"Content-Type": ["text/html"]}, b"<p>x</p>")
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "pages.warc.gz"
    path.write_bytes(b"keep me")

    with pytest.raises(ExportError, match="already exists"):
        export_warc(sessions, path)
    assert path.read_bytes() == b"keep me"

    export_warc(sessions, path, overwrite=True)
    assert len(_read(path)) == 2
    assert list(folder.iterdir()) == [path]  # no .part file left behind


def test_export_warc_command(sessions, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(sessions, "https://a.example/x", {"Content-Type": ["text/html"]}, b"<p>x</p>")
    path = tmp_path / "out.warc.gz"

    result = CliRunner().invoke(main, ["export-warc", str(path), "--db", db_url,
                                       "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 response record(s)" in result.output
    assert len(_read(path)) == 2

    result = CliRunner().invoke(main, ["export-warc", str(path), "--db", db_url])
    assert result.exit_code == 1
    assert "already exists; choose another path or pass --overwrite" in result.output

    missing = tmp_path / "no" / "such" / "folder.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", str(missing), "--db", db_url])
    assert result.exit_code == 1 and "Cannot write" in result.output
    assert "Traceback" not in result.output


def test_a_corrupt_stored_page_is_skipped_not_fatal(sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = {"Content-Type": ["text/html"]}
    _store(sessions, "https://a.example/broken", html, b"<p>broken</p>")
    _store(sessions, "https://a.example/fine", html, b"<p>fine</p>")
    with sessions.begin() as s:
        broken = s.scalars(select(models.RawPage).where(
            models.RawPage.url == "https://a.example/broken")).one()
        broken.body = b"not zlib data"

    result = export_warc(sessions, tmp_path / "pages.warc.gz")

    assert (result.responses, result.skipped) == (1, 1)
    (response,) = _read(result.path)[1:]
    assert response.rec_headers.get_header("WARC-Target-URI") == "https://a.example/fine"
