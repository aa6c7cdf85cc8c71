"""Showing results to people and programs: tables, JSON, CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.research.results import SearchHit
from db import models

HIT_FIELDS = ["id", "published", "source", "source_name", "title", "url", "authors", "language",
              "snippet"]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def hit_row(hit: SearchHit) -> dict[str, Any]:
    """A search hit as plain JSON-ready values."""
    return hit.to_dict()


def write_hits(hits: Sequence[SearchHit], fmt: str, out: TextIO, console: Console) -> None:
    """Write ``hits`` as a ``table`` (to ``console``), ``json``, ``jsonl`` or ``csv``."""
    if fmt == "json":
        json.dump([hit_row(h) for h in hits], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for hit in hits:
            out.write(json.dumps(hit_row(hit), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=HIT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for hit in hits:
            row = hit_row(hit)
            row["authors"] = "; ".join(hit.authors)
            writer.writerow(row)
    else:
        table = Table(show_lines=False)
        for column in ("id", "published", "source", "title", "snippet"):
            table.add_column(column, overflow="fold")
        for hit in hits:
            # Text(), not str: titles and snippets hold brackets rich would read as markup
            table.add_row(
                str(hit.id), _day(hit.published), Text(hit.source), Text(hit.title or ""),
                Text(hit.snippet),
            )
        console.print(table)


def articles_table(articles: Iterable[models.Article], title: str | None = None) -> Table:
    """A table of stored articles: id, date, source, words, title."""
    table = Table(title=title)
    for column in ("id", "published", "source", "words", "title"):
        table.add_column(column, overflow="fold")
    for article in articles:
        table.add_row(
            str(article.id),
            _day(article.published),
            Text(article.source.name or article.source.domain),
            str(len(article.text.split())),
            Text(article.title or ""),
        )
    return table


def article_dict(article: models.Article) -> dict[str, Any]:
    """Every stored field of ``article`` as JSON-ready values."""
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source.domain,
        "source_name": article.source.name,
        "title": article.title,
        "authors": list(article.authors or []),
        "published": _iso(article.published) or None,
        "modified": _iso(article.modified) or None,
        "date_source": article.date_source,
        "language": article.language,
        "site_name": article.site_name,
        "description": article.description,
        "image": article.image,
        "tags": list(article.tags or []),
        "first_seen": _iso(article.first_seen),
        "last_seen": _iso(article.last_seen),
        "changed_at": _iso(article.changed_at),
        "extractor_version": article.extractor_version,
        "content_hash": article.content_hash,
        "text": article.text,
    }


def write_article(article: models.Article, fmt: str, out: TextIO, console: Console) -> None:
    """Write one article with all its metadata and text, as ``text`` or ``json``."""
    data = article_dict(article)
    if fmt == "json":
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    text = data.pop("text")
    grid = Table.grid(padding=(0, 2))
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else ("" if value is None else value)
        grid.add_row(Text(key, style="bold"), Text(str(shown)))
    console.print(grid)
    console.print()
    console.print(text, markup=False, highlight=False)
