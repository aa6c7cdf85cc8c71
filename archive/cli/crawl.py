"""``viral-archive crawl``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from archive.cli.distributed import crawl_via_frontier
from archive.cli.options import contact_option, db_option, link_options
from archive.cli.progress import EXIT_NOTHING_FETCHED, run_shown
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
@contact_option
@click.option("--frontier", "frontier_url", metavar="URL",
              help="Crawl through a shared Redis frontier (redis://HOST:6379/0) that "
                   "`viral-archive worker` processes elsewhere also work on.")
@click.option("--frontier-name",
              default=defaults.ARCHIVE_FRONTIER_NAME, show_default=True, metavar="NAME",
              help="Which frontier in that Redis.")
def crawl(urls: tuple[str, ...], db_url: str | None, config_path: Path | None,
          source_names: tuple[str, ...], depth: int, allow_domains: tuple[str, ...],
          contact: str | None, frontier_url: str | None, frontier_name: str) -> None:
    """Crawl from URLS (or the sources of a sources file), following links within their
    sites, into the archive.

    Each page is cleaned and archived as it arrives; listing pages are followed but not
    archived; pages that fail are recorded with their reason. Example:

        viral-archive crawl https://example.com/news/ --depth 2 --db sqlite:///news.db
        viral-archive crawl --config sources.toml --source daily-ledger

    With --config each source is crawled once, incrementally (for cron or systemd
    timers; `viral-archive schedule` runs them when due).

    Exit status: 0 when pages were fetched, 3 when nothing could be (every start page
    failed, was refused or disallowed; with --config: for some source), 130 after
    Ctrl-C or SIGTERM (the crawl record is closed as stopped), 1 on other errors.
    """
    if config_path is not None:
        if urls:
            raise click.UsageError("Give either URLS or --config, not both.")
        crawl_from_config(config_path, source_names, db_url, contact=contact)
        return
    if source_names:
        raise click.UsageError("--source needs --config.")
    if not urls:
        raise click.UsageError("Give the URLs to crawl, or --config with a sources file.")
    for url in urls:
        check_start_url(url)
    if frontier_url:
        crawl_via_frontier(urls, frontier_url, frontier_name, db_url, depth, allow_domains)
        return
    resolved = resolve_db_url(db_url)
    open_engine(resolved).dispose()  # a bad database fails here, before any request
    result = run_shown(lambda progress: run_crawl(
        list(urls), db_url=resolved, depth=depth, allow_domains=list(allow_domains),
        contact=contact, on_progress=progress), resolved)
    if result.nothing_fetched:
        raise click.exceptions.Exit(EXIT_NOTHING_FETCHED)


def check_start_url(url: str) -> None:
    """Refuse a start URL that cannot be requested, with the reason.

    Raises:
        click.BadParameter: not an http(s) URL with a host, or holding spaces.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError as exc:
        raise click.BadParameter(f"{url!r} is not a URL ({exc})", param_hint="URLS") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{url!r} is not an http(s) URL with a host",
                                 param_hint="URLS")
    if any(c.isspace() for c in url):
        raise click.BadParameter(f"{url!r} holds a space; encode it as %20",
                                 param_hint="URLS")
