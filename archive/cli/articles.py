"""``viral-archive search`` and ``show``: finding and reading archived articles."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from archive.cli.options import aware, date_option, db_option, stdout_console
from archive.cli.render import write_article, write_hits
from archive.research.api import Archive
from archive.research.query.engine import MAX_LIMIT, MAX_OFFSET, ORDERS, Order


@click.command()
@click.argument("query")
@db_option
@click.option("--source", metavar="DOMAIN", help="Only articles from this domain or source name.")
@date_option("--since", "Published on or after this date (UTC).")
@date_option("--until", "Published on or before this date (UTC, the whole day).")
@click.option("--lang", metavar="CODE", help="Only articles in this language (e.g. en, de).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help="Results per page.")
@click.option("--page", type=click.IntRange(1, None), help="Which page of results (from 1).")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, MAX_OFFSET),
              help="Results to skip (instead of --page).")
@click.option("--order", type=click.Choice(ORDERS), default="relevance", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True)
def search(query: str, db_url: str | None, source: str | None, since: datetime | None,
           until: datetime | None, lang: str | None, limit: int, page: int | None, offset: int,
           order: Order, fmt: str) -> None:
    """Full-text search over titles and texts, in the query language of the README:
    words (all must match), "exact phrases", OR, NOT or -word, prefix*, parentheses,
    and title:, author:, source:, lang: filters.

        viral-archive search '"climate change" (flood OR drought) -opinion' --since 2026-01-01
        viral-archive search 'title:vaccin* source:bbc.co.uk' --order newest --format csv
    """
    if page is not None:
        offset = (page - 1) * limit
    with Archive(db_url) as archive:
        results = archive.search(query, source=source, since=aware(since),
                                 until=aware(until, end_of_day=True), lang=lang, order=order,
                                 limit=limit, offset=offset)
    console = stdout_console()
    write_hits(results.hits, fmt, sys.stdout, console)
    if fmt == "table":
        last = offset + len(results)
        shown = f"{offset + 1}–{last} of " if results.hits else ""
        console.print(f"{shown}{results.total} result(s).")


@click.command()
@click.argument("ref", metavar="ID_OR_URL")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def show(ref: str, db_url: str | None, fmt: str) -> None:
    """Show one article, by id or URL, with all its metadata and its clean text.

        viral-archive show 12
    """
    with Archive(db_url) as archive:
        article = archive.article(ref)
    write_article(article, fmt, sys.stdout, stdout_console())
