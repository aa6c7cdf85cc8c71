"""``viral-archive search`` and ``show``: finding and reading archived articles."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from archive.cli.options import QueryCommand, aware, date_option, db_option, stdout_console
from archive.cli.render import write_article, write_hits
from archive.research.api import Archive
from archive.research.query.engine import MAX_LIMIT, MAX_OFFSET, ORDERS, Order
from archive.research.results import SearchResults

#: results per page of the table (and per --page of the other formats)
PAGE_SIZE = 20
#: formats written whole: every match, unless --limit says otherwise
STREAMED = ("json", "jsonl", "csv")


@click.command(cls=QueryCommand)
@click.argument("query")
@db_option
@click.option("--source", metavar="DOMAIN", help="Only articles from this domain or source name.")
@date_option("--since", "Published on or after this date (UTC).")
@date_option("--until", "Published on or before this date (UTC, the whole day).")
@click.option("--lang", metavar="CODE", help="Only articles in this language (e.g. en, de).")
@click.option("--limit", type=click.IntRange(1, None), metavar="N",
              help=f"At most N results [default: {PAGE_SIZE} per page in the table, every "
                   f"match in json, jsonl and csv; the table shows at most {MAX_LIMIT}].")
@click.option("--page", type=click.IntRange(1, None),
              help=f"Which page of --limit (default {PAGE_SIZE}) results, from 1.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, MAX_OFFSET),
              help="Results to skip (instead of --page).")
@click.option("--order", type=click.Choice(ORDERS), default="relevance", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", *STREAMED]),
              default="table", show_default=True,
              help="table: one page; json, jsonl, csv: every match (or --limit).")
def search(query: str, db_url: str | None, source: str | None, since: datetime | None,
           until: datetime | None, lang: str | None, limit: int | None, page: int | None,
           offset: int, order: Order, fmt: str) -> None:
    """Full-text search over titles and texts, in the query language of the README:
    words (all must match), "exact phrases", OR, NOT or -word, prefix*, parentheses,
    and title:, author:, source:, lang: filters.

    The table shows one page (--page N for more); json, jsonl and csv write every match
    unless --limit says otherwise, and json carries the total. A query may start with
    "-"; "--" marks the next argument as the query.

        viral-archive search '"climate change" (flood OR drought) -opinion' --since 2026-01-01
        viral-archive search 'title:vaccin* source:bbc.co.uk' --order newest --format csv
        viral-archive search '-sport stadium' --format jsonl > stadiums.jsonl
    """
    if fmt == "table" and limit is not None and limit > MAX_LIMIT:
        raise click.BadParameter(f"the table shows at most {MAX_LIMIT} results; use "
                                 "--format csv, json or jsonl for more", param_hint="--limit")
    if page is not None:
        offset = (page - 1) * (limit or PAGE_SIZE)
        limit = limit or PAGE_SIZE
    first, last = aware(since), aware(until, end_of_day=True)
    with Archive(db_url) as archive:
        # the first page checks the query and filters, and gives the total
        results = archive.search(query, source=source, since=first, until=last, lang=lang,
                                 order=order, offset=offset,
                                 limit=min(limit or PAGE_SIZE, MAX_LIMIT))
        if fmt == "table":
            _table_page(results)
            return
        hits = archive.iter_search(query, source=source, since=first, until=last, lang=lang,
                                   order=order, offset=offset, limit=limit)
        written = write_hits(hits, fmt, sys.stdout, stdout_console(), total=results.total,
                             query=query, offset=offset, limit=limit)
    _report_written(written, results.total, offset, limit)


def _table_page(results: SearchResults) -> None:
    """One page as a table, and which of how many results it shows."""
    console = stdout_console()
    write_hits(results.hits, "table", sys.stdout, console)
    first, last = results.offset + 1, results.offset + len(results)
    if not results.hits:
        console.print(f"{results.total} result(s).")
    elif last < results.total:
        following = (f"--page {results.offset // results.limit + 2}"
                     if results.offset % results.limit == 0 else f"--offset {last}")
        console.print(f"{first}–{last} of {results.total} result(s); {following} for the "
                      "next, --format csv, json or jsonl for all.")
    else:
        console.print(f"{first}–{last} of {results.total} result(s).")


def _report_written(written: int, total: int, offset: int, limit: int | None) -> None:
    """Say on standard error how much of the result was written: never silently a part."""
    if offset == 0 and written == total:
        click.echo(f"{written} of {total} result(s) written.", err=True)
        return
    why = ", ".join(part for part in (f"--offset {offset}" if offset else "",
                                      f"--limit {limit}" if limit else "") if part)
    click.echo(f"{written} of {total} result(s) written ({why}).", err=True)


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
