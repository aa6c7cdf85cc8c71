"""Reading the shared corpora that ``../shared/corpora/README.md`` describes.

The corpora live outside the repository (next to it, in ``shared/corpora``) and are never
copied into it. Every page is read and decompressed here, before anything is timed.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

#: ``<parent of the repository>/shared/corpora``
DEFAULT_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

BODIES = "article-bodies"
DATES = "publication-dates"


@dataclass(frozen=True, slots=True)
class BodyPage:
    """One page of the article-bodies corpus: its raw bytes and its true body."""

    id: str
    url: str
    html: bytes
    truth: str


@dataclass(frozen=True, slots=True)
class DatePage:
    """One page of the publication-dates corpus: its raw bytes and its true day."""

    id: str
    url: str
    html: bytes
    truth: str


def _read_json(path: Path) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _read_gzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def load_bodies(root: Path, limit: int | None = None) -> list[BodyPage]:
    """The article-bodies pages under ``root``, sorted by id; the first ``limit`` if given."""
    folder = root / BODIES
    truth = _read_json(folder / "ground-truth.json")
    ids = sorted(truth)[:limit] if limit is not None else sorted(truth)
    return [
        BodyPage(
            id=page_id,
            url=truth[page_id]["url"],
            html=_read_gzip(folder / "html" / f"{page_id}.html.gz"),
            truth=truth[page_id]["articleBody"],
        )
        for page_id in ids
    ]


def load_dates(root: Path, limit: int | None = None) -> list[DatePage]:
    """The publication-dates pages under ``root``, sorted by file; the first ``limit`` if given.

    A page's id is its file name without ``.html.gz``.
    """
    folder = root / DATES
    truth = _read_json(folder / "ground-truth.json")
    entries = sorted(truth.items(), key=lambda item: item[1]["file"])
    if limit is not None:
        entries = entries[:limit]
    return [
        DatePage(
            id=entry["file"].removesuffix(".html.gz"),
            url=url,
            html=_read_gzip(folder / "html" / entry["file"]),
            truth=entry["date"],
        )
        for url, entry in entries
    ]
