"""The ``viral-archive`` command: a thin layer over the library.

Each subcommand lives in ``archive/commands/`` and its docstring is its ``--help``.
Errors the library raises on purpose become one sentence on stderr and exit status 1;
usage errors exit with 2.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import click

from archive import __version__
from archive.cli.articles import search, show
from archive.cli.crawl import crawl
from archive.cli.database import db_group
from archive.cli.demo import demo
from archive.cli.distributed import enqueue, worker
from archive.cli.history import history
from archive.cli.progress import EXIT_INTERRUPTED
from archive.cli.raw import export_warc_command, reextract_command
from archive.cli.research import count, export, import_command, stats
from archive.cli.sources import schedule, sources
from archive.cli.stories import stories, story
from archive.cli.web import serve
from archive.exceptions import ArchiveError
from crawler.runner import CrawlInterrupted
from db import DatabaseError


class ArchiveGroup(click.Group):
    """Turns the library's named errors into a clean message and exit status 1, and
    refuses arguments that are not text (bytes the system's encoding cannot decode)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:  # Python keeps undecodable bytes as lone surrogates
                raw = os.fsencode(arg)
                raise click.UsageError(
                    f"The argument {raw!r} is not UTF-8 text; give names, queries and "
                    "paths as UTF-8.", ctx=ctx) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ArchiveError, DatabaseError) as exc:
            raise click.ClickException(str(exc)) from exc
        except CrawlInterrupted:
            click.echo("Interrupted: the crawl record is closed as stopped.", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Scrapy's lines repeat our counters, and its failures (with their tracebacks) end up
    # in the crawl record and its summary: its warnings show from -v on, the rest at -vv
    scrapy_level = {0: logging.CRITICAL, 1: logging.WARNING}.get(verbose, level)
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(scrapy_level)


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="viral-archive")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for Scrapy's too).")
def main(verbose: int) -> None:
    """Crawl, clean, archive and query viral and news articles.

    Start with `viral-archive demo`, then `viral-archive crawl URL` on a site of yours
    and `viral-archive search WORDS`.
    """
    _setup_logging(verbose)


for _command in (crawl, search, show, demo, history, reextract_command, export_warc_command,
                 serve, count, export, stats, import_command, worker, enqueue, sources,
                 schedule, db_group, stories, story):
    main.add_command(_command)
