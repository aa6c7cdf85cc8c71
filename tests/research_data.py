"""A small collection of articles for the research tests, and archives built from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive import Archive
from tests.pg import fresh_schema, pg_unreachable_reason
from tests.services import require_service

#: key → one JSON Lines record; titles are unique, so tests name results by key
ARTICLES: dict[str, dict[str, Any]] = {
    "heat": {
        "url": "https://daily.example/heatwave", "title": "Heatwave grips the city",
        "text": "Temperatures rose above forty degrees.\n\nClimate scientists link the "
                "heatwave to climate change.",
        "published": "2026-03-10T08:00:00Z", "authors": ["Jane Doe"],
        "source": "daily.example", "source_name": "The Daily", "language": "en",
    },
    "flood": {
        "url": "https://daily.example/flood", "title": "Flood defences tested",
        "text": "Heavy rain tested the flood defences. A change in climate brings more floods.",
        "published": "2026-04-02T12:30:00+02:00", "authors": ["John Smith"],
        "source": "daily.example", "language": "en",
    },
    "cafe": {
        "url": "https://blog.example/cafe", "title": "Le café rouvre",
        "text": "Le café rouvre ses portes après la rénovation, dit Marie.",
        "published": "2026-04-15", "authors": ["Marie Curie-Dubois"],
        "source": "The Blog", "language": "fr",
    },
    "climb": {
        "url": "https://weekly.example/prices", "title": "Climbing prices",
        "text": "Prices climbed again and climbers complained. Nothing about the weather.",
        "published": "2026-05-20T00:00:00Z", "authors": ["Ann Lee"],
        "source": "weekly.example", "language": "en",
    },
    "vaccine": {
        "url": "https://weekly.example/vaccine", "title": "Covid-19 vaccine rollout",
        "text": "The covid-19 vaccine rollout continues. Vaccination centres opened.",
        "published": "2025-12-01T09:00:00Z", "authors": ["Jane Doe", "Bob Ray"],
        "source": "weekly.example", "language": "en",
    },
    "storm": {
        "url": "https://news.daily.example/storm", "title": "Storm warning",
        "text": "Forecasters wrote <script>alert(1)</script> & warned of a heatwave "
                "followed by storms.",
        "published": "2026-03-11T23:30:00Z", "authors": [], "language": "en",
        "section": "weather", "rating": 4,
    },
}
KEY_BY_TITLE = {record["title"]: key for key, record in ARTICLES.items()}


def write_jsonl(path: Path, records: list[dict[str, Any]] | None = None) -> Path:
    """Write ``records`` (by default :data:`ARTICLES`) as JSON Lines to ``path``."""
    rows = records if records is not None else list(ARTICLES.values())
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


@contextmanager
def archive_url(backend: str, folder: Path) -> Iterator[str]:
    """A fresh empty archive on ``backend`` (a file in ``folder``, or a PostgreSQL schema)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'research.db'}"
        return
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    with fresh_schema() as url:
        yield url


@contextmanager
def research_archive(backend: str, folder: Path) -> Iterator[Archive]:
    """An archive holding :data:`ARTICLES`, imported through ``Archive.import_jsonl``."""
    with archive_url(backend, folder) as url:
        archive = Archive(url, create=True)
        report = archive.import_jsonl(write_jsonl(folder / "articles.jsonl"))
        assert report.new == len(ARTICLES) and not report.errors, report
        try:
            yield archive
        finally:
            archive.close()
