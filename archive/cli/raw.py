"""``viral-archive reextract`` and ``export-warc``: working with the stored raw pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archive.cli.options import aware, date_option, db_option
from archive.extraction import EXTRACTOR_VERSION
from archive.research.api import Archive
from archive.research.warc import export_warc
from archive.storage.reextract import ProgressCallback, ReextractReport, reextract

#: how many failed or skipped articles the summary lists by name
SHOWN = 20


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[ProgressCallback | None]:
    """A ``(done, total)`` callback drawing a bar on a terminal; ``None`` elsewhere."""
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def print_report(console: Console, report: ReextractReport) -> None:
    """The end-of-run table and the articles left as they were, with reasons."""
    table = Table(title=f"Re-extraction with extractor {EXTRACTOR_VERSION}")
    table.add_column("")
    table.add_column("count", justify="right")
    for label, count in (("checked", report.checked), ("changed", report.changed),
                         ("unchanged", report.unchanged),
                         ("no longer articles (kept)", len(report.not_articles)),
                         ("failed (kept)", len(report.failures))):
        table.add_row(label, str(count))
    console.print(table)
    for heading, items in (("No longer judged articles", report.not_articles),
                           ("Failed", report.failures)):
        if not items:
            continue
        console.print(f"{heading}:")
        for item in items[:SHOWN]:
            console.print(Text(f"  {item.article_id} {item.url}: {item.reason}"))
        if len(items) > SHOWN:
            console.print(f"  … and {len(items) - SHOWN} more (see the log with -v).")


@click.command(name="reextract")
@db_option
@click.option("--source", metavar="DOMAIN", help="Only articles from this domain or source name.")
@click.option("--only-older", is_flag=True,
              help="Only articles cleaned by another extractor version than the current one.")
def reextract_command(db_url: str | None, source: str | None, only_older: bool) -> None:
    """Clean the stored raw pages again with the current extractor, without the network.

    Articles the current extractor reads differently get the new title, text and
    metadata in place (a new extractor's reading, not an edit: no version is added).
    Pages no longer judged articles, or that fail, are kept as they were and listed.
    Example:

        viral-archive reextract --source example.com --only-older
    """
    console = Console(stderr=True, highlight=False)
    with (Archive(db_url, write=True) as archive,
          progress_bar(console, "re-extracting") as on_progress):
        report = reextract(archive.sessions, source=source, only_older=only_older,
                           on_progress=on_progress)
    print_report(console, report)


@click.command(name="export-warc")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--source", metavar="DOMAIN", help="Only pages of this domain or source name.")
@date_option("--since", "Only pages fetched on or after this date (UTC).")
@click.option("--gzip/--no-gzip", "gzip", default=None,
              help="Compress each record [default: yes, unless PATH ends in .warc].")
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
def export_warc_command(path: Path, db_url: str | None, source: str | None,
                        since: datetime | None, gzip: bool | None, overwrite: bool) -> None:
    """Write the stored raw pages to PATH as a standard WARC file (response records).

    Each page keeps its URL, fetch time, status and headers; bodies are as the crawler
    decoded them, with a Content-Length to match. Example:

        viral-archive export-warc pages.warc.gz --source example.com --since 2026-01-01
    """
    console = Console(stderr=True, highlight=False)
    compress = gzip if gzip is not None else not path.name.endswith(".warc")
    with Archive(db_url) as archive, progress_bar(console, "exporting") as on_progress:
        result = export_warc(archive.sessions, path, source=source, since=aware(since),
                             gzip=compress, overwrite=overwrite, on_progress=on_progress)
    skipped = f" ({result.skipped} corrupt page(s) skipped)" if result.skipped else ""
    console.print(f"Wrote {result.responses} response record(s){skipped} to {result.path} "
                  f"({result.bytes_written:,} bytes).")
