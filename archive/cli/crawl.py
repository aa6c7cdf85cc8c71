"""``viral-archive crawl``."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from archive.cli.distributed import crawl_via_frontier
from archive.cli.options import db_option, link_options
from archive.cli.progress import CrawlProgress, print_summary
from archive.cli.sources import crawl_from_config
from crawler import settings as defaults
from crawler.runner import run_crawl
from db import open_engine, resolve_db_url


@click.command()
@click.argument("urls", nargs=-1)
@db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Crawl the sources of this sources file instead of URLS.")
@click.option("--source", "source_names", multiple=True, metavar="NAME",
              help="With --config: only this source (repeatable) [default: all enabled].")
@link_options
@click.option("--frontier", "frontier_url", metavar="URL",
              help="Crawl through a shared Redis frontier (redis://HOST:6379/0) that "
                   "`viral-archive worker` processes elsewhere also work on.")
@click.option("--frontier-name",
              default=defaults.ARCHIVE_FRONTIER_NAME, show_default=True, metavar="NAME",
              help="Which frontier in that Redis.")
def crawl(urls: tuple[str, ...], db_url: str | None, config_path: Path | None,
          source_names: tuple[str, ...], depth: int,
          allow_domains: tuple[str, ...], frontier_url: str | None, frontier_name: str) -> None:
    """Crawl from URLS (or the sources of a sources file), following links within their
    sites, into the archive.

    Each page is cleaned and archived as it arrives; listing pages are followed but not
    archived; pages that fail are recorded with their reason. Example:

        viral-archive crawl https://example.com/news/ --depth 2 --db sqlite:///news.db
        viral-archive crawl --config sources.toml --source daily-ledger

    With --config each source is crawled once, incrementally (for cron or systemd
    timers; `viral-archive schedule` runs them when due).
    """
    if config_path is not None:
        if urls:
            raise click.UsageError("Give either URLS or --config, not both.")
        crawl_from_config(config_path, source_names, db_url)
        return
    if source_names:
        raise click.UsageError("--source needs --config.")
    if not urls:
        raise click.UsageError("Give the URLs to crawl, or --config with a sources file.")
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URLS")
    if frontier_url:
        crawl_via_frontier(urls, frontier_url, frontier_name, db_url, depth, allow_domains)
        return
    resolved = resolve_db_url(db_url)
    open_engine(resolved).dispose()  # a bad database fails here, before any request
    started = time.monotonic()
    with CrawlProgress() as progress:
        result = run_crawl(list(urls), db_url=resolved, depth=depth,
                           allow_domains=list(allow_domains), on_progress=progress)
    print_summary(Console(stderr=True), result, resolved, time.monotonic() - started)
