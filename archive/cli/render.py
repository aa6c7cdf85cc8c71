"""Showing results to people and programs: tables, JSON, CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import fields
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.research.export import csv_row
from archive.research.results import ArticleView, SearchHit

#: the columns of hits written as CSV: every field but the HTML snippet
HIT_FIELDS = [f.name for f in fields(SearchHit) if f.name != "snippet_html"]


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def story_label(story_id: int | None, size: int | None) -> str:
    """``12 (3 articles)``: an article's story and its size; ``—`` without one."""
    if story_id is None:
        return "—"
    return f"{story_id} ({size} article{'' if size == 1 else 's'})"


def hit_row(hit: SearchHit) -> dict[str, Any]:
    """A search hit as plain JSON-ready values."""
    return hit.to_dict()


def write_hits(hits: Iterable[SearchHit], fmt: str, out: TextIO, console: Console, *,
               query: str = "", total: int | None = None, offset: int = 0,
               limit: int | None = None) -> int:
    """Write ``hits`` as a ``table`` (to ``console``), ``json``, ``jsonl`` or ``csv``, one
    at a time as they come; returns how many were written.

    ``json`` is one object holding the ``query``, the ``total`` of matches, the ``offset``
    and ``limit`` asked for, and the ``hits``, as the web API's search answers.
    """
    written = 0
    if fmt == "json":
        head = {"query": query, "total": total, "offset": offset, "limit": limit}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": [')
        for hit in hits:
            out.write(("," if written else "") + "\n  " + json.dumps(hit_row(hit),
                                                                       ensure_ascii=False))
            written += 1
        out.write("\n]}\n" if written else "]}\n")
    elif fmt == "jsonl":
        for hit in hits:
            out.write(json.dumps(hit_row(hit), ensure_ascii=False) + "\n")
            written += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=HIT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for hit in hits:
            writer.writerow(csv_row(hit_row(hit)))
            written += 1
    else:
        table = Table(show_lines=False)
        for column in ("id", "published", "source", "title", "snippet"):
            table.add_column(column, overflow="fold")
        for hit in hits:
            # Text(), not str: titles and snippets hold brackets rich would read as markup
            snippet = Text(hit.snippet)
            if hit.story_articles and hit.story_articles > 1:  # copies elsewhere: say so
                snippet.append(f"\nstory {story_label(hit.story_id, hit.story_articles)}",
                               style="dim")
            table.add_row(
                str(hit.id), _day(hit.published), Text(hit.source), Text(hit.title or ""),
                snippet,
            )
            written += 1
        console.print(table)
    return written


def articles_table(hits: Iterable[SearchHit], title: str | None = None) -> Table:
    """A table of articles: id, date, source, language, title."""
    table = Table(title=title)
    for column in ("id", "published", "source", "language", "title"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        table.add_row(str(hit.id), _day(hit.published), Text(hit.source_name or hit.source),
                      hit.language or "", Text(hit.title or ""))
    return table


def write_article(article: ArticleView, fmt: str, out: TextIO, console: Console) -> None:
    """Write one article with all its fields, as ``text`` or ``json``."""
    data = article.to_dict()
    if fmt == "json":
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    text, versions = data.pop("text"), data.pop("versions")
    grid = Table.grid(padding=(0, 2))
    for key, value in data.items():
        if isinstance(value, dict):
            shown = json.dumps(value, ensure_ascii=False) if value else ""
        elif isinstance(value, list):
            shown = ", ".join(value)
        else:
            shown = "" if value is None else str(value)
        grid.add_row(Text(key, style="bold"), Text(shown))
    grid.add_row(Text("earlier versions", style="bold"), str(len(versions)))
    console.print(grid)
    console.print()
    console.print(text, markup=False, highlight=False)
