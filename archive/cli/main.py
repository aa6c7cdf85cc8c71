"""The ``viral-archive`` command: a thin layer over the library.

Each subcommand lives in ``archive/commands/`` and its docstring is its ``--help``.
Errors the library raises on purpose become one sentence on stderr and exit status 1;
usage errors exit with 2.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

import click

from archive import __version__
from archive.core.processes import reading_processes
from archive.exceptions import ArchiveError

#: the subcommands, ``name: "module:attribute"``, each imported when it is run or listed:
#: a page-reading worker process re-runs the ``viral-archive`` script (multiprocessing
#: imports its parent's main module in every worker), and importing this module must
#: then load neither Scrapy nor SQLAlchemy (~80 MB in each worker)
COMMANDS = {
    "count": "archive.cli.research:count",
    "crawl": "archive.cli.crawl:crawl",
    "db": "archive.cli.database:db_group",
    "demo": "archive.cli.demo:demo",
    "enqueue": "archive.cli.distributed:enqueue",
    "export": "archive.cli.research:export",
    "export-warc": "archive.cli.raw:export_warc_command",
    "history": "archive.cli.history:history",
    "import": "archive.cli.research:import_command",
    "reextract": "archive.cli.raw:reextract_command",
    "schedule": "archive.cli.sources:schedule",
    "search": "archive.cli.articles:search",
    "serve": "archive.cli.web:serve",
    "show": "archive.cli.articles:show",
    "sources": "archive.cli.sources:sources",
    "stats": "archive.cli.research:stats",
    "stories": "archive.cli.stories:stories",
    "story": "archive.cli.stories:story",
    "worker": "archive.cli.distributed:worker",
}


class ArchiveGroup(click.Group):
    """Turns the library's named errors into a clean message and exit status 1, and
    refuses arguments that are not text (bytes the system's encoding cannot decode).
    Its subcommands are imported on first use (:data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

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
        # here, not at the top: see COMMANDS
        from archive.cli.progress import EXIT_INTERRUPTED
        from crawler.runner import CrawlInterrupted
        from db import DatabaseError

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
    reading_processes()  # a bad $VIRAL_ARCHIVE_READING_PROCESSES is refused before any work
