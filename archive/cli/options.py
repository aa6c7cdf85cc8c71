"""Options and helpers shared by the subcommands."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import click
from rich.console import Console

from archive.research.query.filters import as_utc
from crawler import settings as defaults

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def db_option(function: Any) -> Any:
    """``--db URL``: which archive a command works on."""
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        help="Archive database URL [default: $VIRAL_ARCHIVE_DB, else sqlite:///archive.db].",
    )(function)


CONTACT_ENV = "VIRAL_ARCHIVE_CONTACT"


def contact_option(function: Any) -> Any:
    """``--contact URL_OR_EMAIL``: who runs the crawler, named in its User-Agent."""
    return click.option(
        "--contact", envvar=CONTACT_ENV, metavar="URL_OR_EMAIL",
        help=f"Who runs this crawl, added to the User-Agent so site owners can reach you "
             f"[${CONTACT_ENV}; a sources file's `contact` otherwise].",
    )(function)


def link_options(function: Any) -> Any:
    """``--depth N`` and ``--allow-domain D``: how far a crawl follows links."""
    function = click.option(
        "--allow-domain", "allow_domains", multiple=True, metavar="DOMAIN",
        help="Also follow links into this domain (repeatable).")(function)
    return click.option(
        "--depth", default=defaults.ARCHIVE_DEPTH, show_default=True,
        type=click.IntRange(0, 50),
        help="How many links deep to follow from the start URLs (0: start pages only).",
    )(function)


def date_option(name: str, help_text: str) -> Any:
    """A ``--since``/``--until`` style option taking ``YYYY-MM-DD`` (or with a time)."""
    return click.option(name, type=click.DateTime(DATE_FORMATS), help=help_text)


def aware(value: datetime | None, *, end_of_day: bool = False) -> datetime | None:
    """``value`` as a UTC-aware datetime; with ``end_of_day`` a bare date (midnight) means
    its last instant (see :func:`archive.research.query.filters.as_utc`).

    Raises:
        QueryError: the date is out of range.
    """
    if value is None:
        return None
    bare = value.time() == time() and value.tzinfo is None
    return as_utc(value.date() if bare else value, name="the date", end_of_day=end_of_day)


def stdout_console() -> Console:
    """A console on standard output, without rich's automatic highlighting."""
    return Console(highlight=False)


class QueryCommand(click.Command):
    """A command whose QUERY argument may start with ``-`` (``search '-sport climate'``).

    An argument beginning with a single ``-`` that is not exactly one of the command's
    options (``-health`` is not ``-h``) is the query, and ``--`` marks the argument after
    it as the query even when it looks like an option; options may come before or after
    it. A query split over several arguments gets a sentence saying to quote it.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._query_last(ctx, args))

    def _query_last(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name: not (param.is_flag or param.count)
            for param in self.get_params(ctx) if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)
        }
        kept: list[str] = []
        words: list[str] = []
        misspelt = False
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            if arg == "--":
                words.extend(args[index:index + 1])
                kept.extend(args[index + 1:])
                break
            # an option by its exact name, or as --name=value; "-health" is a query, not -h
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if name in takes_value:
                kept.append(arg)
                if takes_value[name] and name == arg and index < len(args):
                    kept.append(args[index])
                    index += 1
            elif arg.startswith("--"):
                kept.append(arg)  # a misspelt long option: click names it
                misspelt = True
            else:
                words.append(arg)
        if len(words) > 1 and not misspelt:
            example = " ".join(words)
            raise click.UsageError(
                f"The query is one argument: quote it, as in "
                f"viral-archive {ctx.info_name} '{example}'.", ctx=ctx)
        return [*kept, "--", *words] if words else kept
