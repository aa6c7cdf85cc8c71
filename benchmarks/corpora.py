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
READER = "reader-pages"
DATES = "publication-dates"


@dataclass(frozen=True, slots=True)
class BodyPage:
    """One page of a body corpus: its raw bytes, its true body and what else is known.

    ``kind`` is ``"site"`` for a real site's page, ``"feature"`` for a page built to
    test one behaviour (reader-pages); ``title`` and ``published`` are the true title
    and publication time where the corpus gives them.
    """

    id: str
    url: str
    html: bytes
    truth: str
    kind: str = "site"
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class BodyCorpus:
    """A named body corpus."""

    name: str
    pages: list[BodyPage]


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


def _known(value: str | None) -> str | None:
    """The truth's field, ``None`` where it says it is unknown."""
    return None if value in (None, "", "None") else value


def load_reader_pages(root: Path, limit: int | None = None) -> list[BodyPage]:
    """The reader-pages pages under ``root``, sorted by name; the first ``limit`` if given.

    They have no URL; the truth's text is one block per line.
    """
    folder = root / READER
    truth: dict[str, dict[str, str]] = json.loads(
        (folder / "truth.json").read_text(encoding="utf-8"))
    names = sorted(truth)[:limit] if limit is not None else sorted(truth)
    return [
        BodyPage(
            id=name,
            url="",
            html=_read_gzip(folder / "html" / f"{name}.html.gz"),
            truth=truth[name]["text"] or "",
            kind=truth[name]["kind"],
            title=_known(truth[name].get("title")),
            published=_known(truth[name].get("published")),
        )
        for name in names
    ]


def load_body_corpora(root: Path, limit: int | None = None) -> list[BodyCorpus]:
    """Every body corpus under ``root``: article-bodies, then reader-pages."""
    return [
        BodyCorpus(BODIES, load_bodies(root, limit)),
        BodyCorpus(READER, load_reader_pages(root, limit)),
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
