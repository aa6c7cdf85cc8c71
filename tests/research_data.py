"""A small collection of articles for the research tests, and archives built from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive import Archive
from tests.pg import archive_url

#: key → one JSON Lines record; titles are unique, so tests name results by key
ARTICLES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "site" / "research_articles.json").read_text(encoding="utf-8"))
KEY_BY_TITLE = {record["title"]: key for key, record in ARTICLES.items()}


def write_jsonl(path: Path, records: list[dict[str, Any]] | None = None) -> Path:
    """Write ``records`` (by default :data:`ARTICLES`) as JSON Lines to ``path``."""
    rows = records if records is not None else list(ARTICLES.values())
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


@contextmanager
def research_archive(backend: str, folder: Path) -> Iterator[Archive]:
    """An archive holding :data:`ARTICLES`, imported through ``Archive.import_jsonl``."""
    with archive_url(backend, folder, "research.db") as url:
        archive = Archive(url, create=True)
        report = archive.import_jsonl(write_jsonl(folder / "articles.jsonl"))
        assert report.new == len(ARTICLES) and not report.errors, report
        try:
            yield archive
        finally:
            archive.close()
