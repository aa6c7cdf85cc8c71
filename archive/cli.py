"""The ``viral-archive`` command: a thin layer over the library.

Each command's docstring is its ``--help``. Errors the library raises on purpose become
one sentence on stderr and exit status 1; usage errors exit with 2.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from archive import __version__
from archive.articles import count_articles, find_article, latest_articles
from archive.exceptions import ArchiveError
from archive.progress import LABELS, CrawlProgress
from archive.render import articles_table, write_article, write_hits
from archive.search import search_articles
from crawler.runner import CrawlResult, run_crawl
from db import DatabaseError, open_engine, resolve_db_url, session_factory

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class ArchiveGroup(click.Group):
    """Turns the library's named errors into a clean message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ArchiveError, DatabaseError) as exc:
            raise click.ClickException(str(exc)) from exc


def _console() -> Console:
    return Console(highlight=False)


def db_option(function: Any) -> Any:
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        help="Archive database URL [default: $VIRAL_ARCHIVE_DB, else sqlite:///archive.db].",
    )(function)


def _aware(value: datetime | None, *, end_of_day: bool = False) -> datetime | None:
    if value is None:
        return None
    if end_of_day and value.hour == value.minute == value.second == 0:
        value = value + timedelta(days=1) - timedelta(microseconds=1)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Scrapy's own INFO lines repeat our counters; show them from -vv on
    logging.getLogger("scrapy").setLevel(max(level, logging.WARNING if verbose < 2 else level))


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="viral-archive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for Scrapy's too).")
def main(verbose: int) -> None:
    """Crawl, clean, archive and query viral and news articles.

    Start with `viral-archive demo`, then `viral-archive crawl URL` on a site of yours
    and `viral-archive search WORDS`.
    """
    _setup_logging(verbose)


def _print_summary(console: Console, result: CrawlResult, db_url: str, seconds: float) -> None:
    table = Table(title=f"Crawl {result.crawl_id} ({result.reason}, {seconds:.1f}s)")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, label in LABELS.items():
        table.add_row(label, str(result.counts.get(key, 0)))
    console.print(table)
    console.print(f"Archive: {db_url}")


@main.command()
@click.argument("urls", nargs=-1, required=True)
@db_option
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0, 50),
              help="How many links deep to follow from the start URLs (0: start pages only).")
@click.option("--allow-domain", "allow_domains", multiple=True, metavar="DOMAIN",
              help="Also follow links into this domain (repeatable).")
def crawl(urls: tuple[str, ...], db_url: str | None, depth: int,
          allow_domains: tuple[str, ...]) -> None:
    """Crawl from URLS, following links within their sites, into the archive.

    Each page is cleaned and archived as it arrives; listing pages are followed but not
    archived; pages that fail are recorded with their reason. Example:

        viral-archive crawl https://example.com/news/ --depth 2 --db sqlite:///news.db
    """
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URLS")
    resolved = resolve_db_url(db_url)
    open_engine(resolved).dispose()  # a bad database fails here, before any request
    console = Console(stderr=True)
    started = time.monotonic()
    with CrawlProgress() as progress:
        result = run_crawl(list(urls), db_url=resolved, depth=depth,
                           allow_domains=list(allow_domains), on_progress=progress)
    _print_summary(console, result, resolved, time.monotonic() - started)


@main.command()
@click.argument("query")
@db_option
@click.option("--source", metavar="DOMAIN", help="Only articles from this domain or source name.")
@click.option("--since", type=click.DateTime(DATE_FORMATS), help="Published on or after (UTC).")
@click.option("--until", type=click.DateTime(DATE_FORMATS), help="Published on or before (UTC).")
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
        hits = search_articles(session, query, source=source, since=_aware(since),
                               until=_aware(until, end_of_day=True), limit=limit,
                               order="newest" if order == "newest" else "relevance")
    console = _console()
    write_hits(hits, fmt, sys.stdout, console)
    if fmt == "table":
        console.print(f"{len(hits)} result(s).")


@main.command()
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
        write_article(article, fmt, sys.stdout, _console())


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file to create [default: a new file in a temporary folder].")
def demo(db_path: Path | None) -> None:
    """Crawl the bundled demo sites into a fresh SQLite archive and search it.

    Three small news sites, full of the boilerplate of viral content farms, are served
    on 127.0.0.1 for the length of the demo; nothing leaves this machine.
    """
    from archive.demo.run import DEMO_QUERY, crawl_demo, serve_demo_sites

    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="viral-archive-demo-")) / "demo.db"
    if db_path.exists():
        raise click.ClickException(f"{db_path} already exists; the demo needs a fresh file.")
    db_url = f"sqlite:///{db_path.resolve()}"
    console = _console()
    console.print(f"Archive for the demo: [bold]{db_path}[/]")
    started = time.monotonic()
    with serve_demo_sites() as sites:
        for name, url in sites.items():
            console.print(f"Serving demo site {name} at {url}")
        with CrawlProgress() as progress:
            result = crawl_demo(db_url, sites, on_progress=progress)
    _print_summary(Console(stderr=True), result, db_url, time.monotonic() - started)
    sessions = session_factory(open_engine(db_url, create=False))
    with sessions() as session:
        total = count_articles(session)
        console.print(articles_table(latest_articles(session, limit=100),
                                     title=f"{total} articles archived"))
        hits = search_articles(session, DEMO_QUERY, limit=5)
    console.print(f'Example search: viral-archive search "{DEMO_QUERY}" --db {db_url}')
    write_hits(hits, "table", sys.stdout, console)
    console.print(f"Next: viral-archive show {hits[0].id if hits else 1} --db {db_url}")
