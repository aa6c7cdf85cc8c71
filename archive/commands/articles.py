"""``viral-archive search`` and ``show``: finding and reading archived articles."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from archive.articles import find_article
from archive.commands.options import aware, date_option, db_option, stdout_console
from archive.render import write_article, write_hits
from archive.search import search_articles
from db import open_engine, session_factory


@click.command()
@click.argument("query")
@db_option
@click.option("--source", metavar="DOMAIN", help="Only articles from this domain or source name.")
@date_option("--since", "Published on or after this date (UTC).")
@date_option("--until", "Published on or before this date (UTC, the whole day).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--order", type=click.Choice(["relevance", "newest"]), default="relevance",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True)
def search(query: str, db_url: str | None, source: str | None, since: datetime | None,
           until: datetime | None, limit: int, order: str, fmt: str) -> None:
    """Full-text search over titles and texts; every word must match.

        viral-archive search "prison officers" --since 2026-01-01 --format csv
    """
    sessions = session_factory(open_engine(db_url, create=False))
    with sessions() as session:
        hits = search_articles(session, query, source=source, since=aware(since),
                               until=aware(until, end_of_day=True), limit=limit,
                               order="newest" if order == "newest" else "relevance")
    console = stdout_console()
    write_hits(hits, fmt, sys.stdout, console)
    if fmt == "table":
        console.print(f"{len(hits)} result(s).")


@click.command()
@click.argument("ref", metavar="ID_OR_URL")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def show(ref: str, db_url: str | None, fmt: str) -> None:
    """Show one article, by id or URL, with all its metadata and its clean text.

        viral-archive show 12
    """
    sessions = session_factory(open_engine(db_url, create=False))
    with sessions() as session:
        article = find_article(session, ref)
        write_article(article, fmt, sys.stdout, stdout_console())
