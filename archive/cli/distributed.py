"""``viral-archive worker`` and ``viral-archive enqueue``: crawling with a shared frontier.

``crawl --frontier`` (in :mod:`archive.cli.crawl`) is ``enqueue`` followed by one
``worker`` in the same process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive.cli.options import db_option, link_options
from archive.cli.progress import run_shown
from archive.core.optional import require
from archive.core.sources import load_sources
from archive.exceptions import ArchiveError
from crawler import settings as defaults
from db import open_engine, resolve_db_url

if TYPE_CHECKING:
    from crawler.frontier import Frontier, StartPage

FRONTIER_ENV = "VIRAL_ARCHIVE_FRONTIER"
#: ``crawl --frontier`` stops this many seconds after the frontier ran dry: it crawls what
#: it enqueued (with any workers elsewhere), it does not wait for more
CRAWL_IDLE_TIMEOUT = 5.0


def frontier_options(function: Any) -> Any:
    """``--frontier URL`` (required) and ``--frontier-name NAME``."""
    function = click.option(
        "--frontier-name",
        default=defaults.ARCHIVE_FRONTIER_NAME, show_default=True, metavar="NAME",
        help="Which frontier in that Redis (keys viral-archive:NAME:*); one per crawl job.",
    )(function)
    return click.option(
        "--frontier", "frontier_url", envvar=FRONTIER_ENV, required=True, metavar="URL",
        help=f"Redis holding the shared frontier, e.g. redis://HOST:6379/0 [${FRONTIER_ENV}].",
    )(function)


def _require_distributed() -> None:
    """The frontier needs the optional scrapy-redis: ``crawler.frontier`` and
    ``crawler.distributed`` are imported in the functions that use them, after this."""
    require("scrapy_redis", feature="Distributed crawling", extra="distributed")


def open_frontier(url: str, name: str) -> Frontier:
    """The frontier, connected; a Redis that does not answer is one sentence.

    Raises:
        ArchiveError: the URL is not Redis, or Redis is unreachable.
    """
    _require_distributed()
    from crawler.frontier import Frontier, FrontierError

    try:
        frontier = Frontier(url, name)
        frontier.client  # noqa: B018 - connect now, before any work
    except FrontierError as exc:
        raise ArchiveError(str(exc)) from exc
    return frontier


def start_pages(urls: tuple[str, ...], *, depth: int, allow_domains: tuple[str, ...],
                config: Path | None) -> list[StartPage]:
    """Start pages from URLs and from the enabled sources of a sources file."""
    _require_distributed()
    from crawler.distributed import source_start_pages, url_start_pages

    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URLS")
    pages = url_start_pages(list(urls), depth=depth, allow_domains=list(allow_domains))
    if config is not None:
        pages.extend(source_start_pages(load_sources(config)))
    return pages


@click.command()
@click.argument("urls", nargs=-1)
@frontier_options
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also enqueue the start_urls of every enabled source of this sources file.")
@link_options
@click.option("--reset", is_flag=True,
              help="First forget the frontier's queue and every URL it has seen.")
def enqueue(urls: tuple[str, ...], frontier_url: str, frontier_name: str, config: Path | None,
            depth: int, allow_domains: tuple[str, ...], reset: bool) -> None:
    """Add start pages to a shared frontier, for `viral-archive worker` processes.

    Start pages are always fetched again; the links found are queued only if the
    frontier has not seen them before (use --reset to start afresh). Example:

        viral-archive enqueue https://example.com/news/ --frontier redis://db1:6379/0
    """
    if not urls and config is None:
        raise click.UsageError("Give URLs to enqueue, or --config sources.toml.")
    pages = start_pages(urls, depth=depth, allow_domains=allow_domains, config=config)
    frontier = open_frontier(frontier_url, frontier_name)
    if reset:
        frontier.reset()
    added = frontier.enqueue(pages)
    status = frontier.status()
    click.echo(f"Enqueued {added} start pages on frontier {frontier_name!r}: "
               f"{status.start_pages} start pages and {status.queued} requests waiting, "
               f"{status.leased} in flight, {status.seen} URLs seen.")


def run_frontier_worker(frontier: Frontier, db_url: str | None, *, idle_timeout: float,
                        concurrency: int, per_domain: int, delay: float,
                        autothrottle: bool = True,
                        lease_ttl: float = defaults.ARCHIVE_LEASE_TTL) -> None:
    """Run one worker with a live progress display, then print its summary."""
    _require_distributed()
    from crawler.distributed import WorkerOptions, run_worker

    resolved = resolve_db_url(db_url)
    open_engine(resolved).dispose()  # a bad database fails here, before any request
    options = WorkerOptions(db_url=resolved, idle_timeout=idle_timeout, concurrency=concurrency,
                            per_domain=per_domain, lease_ttl=lease_ttl)
    settings: dict[str, Any] = {"AUTOTHROTTLE_ENABLED": autothrottle}
    if delay or not autothrottle:
        settings["DOWNLOAD_DELAY"] = delay
    run_shown(lambda progress: run_worker(frontier, options, settings=settings,
                                          on_progress=progress), resolved)


def worker_options(function: Any) -> Any:
    """The options every worker takes (``worker`` and ``crawl --frontier``)."""
    for option in reversed([
        click.option("--idle-timeout",
                     default=defaults.ARCHIVE_IDLE_TIMEOUT, show_default=True, metavar="SECONDS",
                     type=click.FloatRange(0),
                     help="Stop once the whole frontier has been empty this long (0: never)."),
        click.option("--concurrency", default=defaults.CONCURRENT_REQUESTS,
                     show_default=True, type=click.IntRange(1),
                     help="Requests in flight in this worker."),
        click.option("--per-domain", default=defaults.CONCURRENT_REQUESTS_PER_DOMAIN,
                     show_default=True, type=click.IntRange(1),
                     help="Requests in flight per site in this worker (N workers: N times "
                          "this per site)."),
        click.option("--delay", default=0.0, type=click.FloatRange(0), metavar="SECONDS",
                     help="Seconds between requests to one site, in this worker."),
        click.option("--lease-ttl",
                     default=defaults.ARCHIVE_LEASE_TTL, show_default=True, metavar="SECONDS",
                     type=click.FloatRange(3),
                     help="A worker silent this long is taken for dead and its pages are "
                          "re-queued (it beats every second)."),
        click.option("--autothrottle/--no-autothrottle", default=True, show_default=True,
                     help="Adapt the delay to each site's response times (off only for "
                          "sites you run yourself)."),
    ]):
        function = option(function)
    return function


@click.command()
@frontier_options
@db_option
@worker_options
def worker(frontier_url: str, frontier_name: str, db_url: str | None, idle_timeout: float,
           concurrency: int, per_domain: int, delay: float, lease_ttl: float,
           autothrottle: bool) -> None:
    """Crawl from a shared frontier into the archive, alongside any number of workers.

    Run one per core on as many machines as you like, all with the same --frontier and
    --db (PostgreSQL); feed them with `viral-archive enqueue`. A worker that dies has
    its pages taken over by the others. Example:

        viral-archive worker --frontier redis://db1:6379/0 --db postgresql+psycopg://db1/archive
    """
    frontier = open_frontier(frontier_url, frontier_name)
    run_frontier_worker(frontier, db_url, idle_timeout=idle_timeout, concurrency=concurrency,
                        per_domain=per_domain, delay=delay, autothrottle=autothrottle,
                        lease_ttl=lease_ttl)


def crawl_via_frontier(urls: tuple[str, ...], frontier_url: str, frontier_name: str,
                       db_url: str | None, depth: int, allow_domains: tuple[str, ...]) -> None:
    """``crawl --frontier``: enqueue ``urls``, then work on the frontier until it is empty."""
    frontier = open_frontier(frontier_url, frontier_name)
    frontier.enqueue(start_pages(urls, depth=depth, allow_domains=allow_domains, config=None))
    run_frontier_worker(frontier, db_url, idle_timeout=CRAWL_IDLE_TIMEOUT,
                        concurrency=defaults.CONCURRENT_REQUESTS,
                        per_domain=defaults.CONCURRENT_REQUESTS_PER_DOMAIN, delay=0.0)
