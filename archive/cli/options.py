"""Options and helpers shared by the subcommands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import click
from rich.console import Console

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
    """``value`` as a UTC-aware datetime; with ``end_of_day`` a bare date means its last instant."""
    if value is None:
        return None
    if end_of_day and value.hour == value.minute == value.second == 0:
        value = value + timedelta(days=1) - timedelta(microseconds=1)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def stdout_console() -> Console:
    """A console on standard output, without rich's automatic highlighting."""
    return Console(highlight=False)
