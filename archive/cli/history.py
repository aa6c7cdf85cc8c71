"""``viral-archive history``: an article's versions, and what changed between them."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.cli.options import db_option, stdout_console
from archive.exceptions import VersionNotFound
from archive.research.api import Archive
from archive.research.history import diff_versions, format_utc
from archive.research.results import VersionView

_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def version_dict(version: VersionView) -> dict[str, Any]:
    """One version as JSON-ready values."""
    return {
        "number": version.number,
        "current": version.current,
        "fetched_at": version.fetched_at.isoformat(),
        "extractor_version": version.extractor_version,
        "content_hash": version.content_hash,
        "words": version.words,
        "title": version.title,
        "text": version.text,
    }


def versions_table(history: list[VersionView]) -> Table:
    """The versions of one article: number, fetch time, extractor, words, title."""
    table = Table(title=f"Article {history[0].article_id}: {len(history)} version(s)")
    for column in ("version", "fetched at", "extractor", "words", "title"):
        table.add_column(column, overflow="fold")
    for version in history:
        number = f"{version.number} (current)" if version.current else str(version.number)
        table.add_row(number, format_utc(version.fetched_at), version.extractor_version,
                      str(version.words), Text(version.title or ""))
    return table


def print_diff(console: Console, diff: str) -> None:
    """Print a unified diff, coloured when ``console`` is a terminal."""
    if not diff:
        console.print("The two versions have the same title and text.")
        return
    for line in diff.splitlines():
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
        console.print(Text(line, style=style), soft_wrap=True)


def _pair(history: list[VersionView], diff: tuple[int, int] | None,
          latest_diff: bool) -> tuple[int, int] | None:
    if diff:
        return diff
    if not latest_diff:
        return None
    if len(history) < 2:
        raise VersionNotFound(
            f"Article {history[0].article_id} has one version; there is nothing to compare."
        )
    return len(history) - 1, len(history)


@click.command()
@click.argument("ref", metavar="ID_OR_URL")
@db_option
@click.option("--diff", nargs=2, type=int, metavar="A B",
              help="Print a unified diff of title and text from version A to version B.")
@click.option("--latest-diff", is_flag=True,
              help="Print the diff between the last two versions.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def history(ref: str, db_url: str | None, diff: tuple[int, int] | None, latest_diff: bool,
            fmt: str) -> None:
    """List an article's versions (by id or URL) and diff any two of them.

    A new version is kept whenever a crawl finds the title or text changed (whitespace
    aside). Version 1 is the first seen; the last is the current one. Example:

        viral-archive history 12 --diff 1 3
    """
    with Archive(db_url) as archive:
        versions = archive.history(ref)
    pair = _pair(versions, diff or None, latest_diff)
    patch = diff_versions(versions, *pair) if pair else None
    if fmt == "json":
        data: dict[str, Any] = {
            "article_id": versions[0].article_id,
            "versions": [version_dict(v) for v in versions],
        }
        if pair:
            data["diff"] = {"from": pair[0], "to": pair[1], "unified": patch}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    console = stdout_console()
    if patch is None:
        console.print(versions_table(versions))
    else:
        print_diff(console, patch)
