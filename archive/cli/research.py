"""``viral-archive count``, ``export``, ``stats`` and ``import``: the archive as research data."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from archive.cli.charts import plot_png, require_plotting, terminal_chart
from archive.cli.options import QueryCommand, aware, date_option, db_option, stdout_console
from archive.research.api import Archive
from archive.research.export import FORMATS, csv_row
from archive.research.results import ArchiveStats, CountRow
from archive.storage.importer import BATCH as IMPORT_BATCH
from archive.storage.importer import ImportInterrupted, ImportReport
from crawler import settings as defaults

#: bad lines listed after an import (all of them are counted)
SHOWN_IMPORT_ERRORS = 20


def filter_options(function: Any) -> Any:
    """``--source``, ``--since``, ``--until``, ``--lang``: the search filters."""
    for option in reversed([
        click.option("--source", metavar="DOMAIN",
                     help="Only articles from this domain or source name."),
        date_option("--since", "Published on or after this date (UTC)."),
        date_option("--until", "Published on or before this date (UTC, the whole day)."),
        click.option("--lang", metavar="CODE", help="Only articles in this language."),
    ]):
        function = option(function)
    return function


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Any]:
    """A rich progress bar on a terminal (nothing elsewhere); yields ``update(done)``."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done: None
        return
    columns = [TextColumn(label), BarColumn(), TaskProgressColumn(),
               TextColumn("{task.completed:,.0f}"), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


@click.command(cls=QueryCommand)
@click.argument("query", required=False)
@db_option
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="day",
              show_default=True, help="Length of the periods (weeks start on Monday).")
@click.option("--per", type=click.Choice(["source"]), help="Count each source separately.")
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--chart", is_flag=True, help="Also draw the counts as bars in the terminal.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also draw the counts as a PNG chart (needs matplotlib: pip install "
                   "'viral-archive[plot]').")
def count(query: str | None, db_url: str | None, by: str, per: str | None, source: str | None,
          since: datetime | None, until: datetime | None, lang: str | None, fmt: str,
          chart: bool, plot: Path | None) -> None:
    """Count the articles matching QUERY (all, without one) per day, week or month.

        viral-archive count '"climate change"' --by month --per source --plot climate.png
    """
    if plot is not None:
        require_plotting()  # before any work: the chart asked for could not be drawn
    with Archive(db_url) as archive:
        rows = archive.count(query, by=by, per_source=per == "source",  # type: ignore[arg-type]
                             since=aware(since), until=aware(until, end_of_day=True),
                             source=source, lang=lang)
    console = stdout_console()
    write_counts(rows, fmt, per == "source", console)
    title = f"{query or 'all articles'} per {by}"
    if plot is not None:
        plot_png(rows, plot, title=title, by=by)
        Console(stderr=True).print(f"Chart written to {plot}")
    if chart:
        console.print(terminal_chart(rows, title=title, by=by))


def write_counts(rows: list[CountRow], fmt: str, per_source: bool, console: Console) -> None:
    """Write count rows as a ``table``, ``json`` or ``csv``."""
    fields = ["period", "source", "count"] if per_source else ["period", "count"]
    records = [{k: v for k, v in asdict(row).items() if k in fields} for row in rows]
    if fmt == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows(csv_row(record) for record in records)
    else:
        table = Table()
        for field in fields:
            table.add_column(field, justify="right" if field == "count" else "left")
        for record in records:
            table.add_row(*(Text(str(record[f] or "")) for f in fields))
        console.print(table)
        console.print(f"{sum(r.count for r in rows)} article(s) in {len(rows)} row(s).")


@click.command(cls=QueryCommand)
@click.argument("query", required=False)
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv, jsonl (JSON Lines) or parquet (needs pyarrow).")
@click.option("--output", "-o", required=True, metavar="FILE",
              help="File to write ('-' for standard output).")
@filter_options
def export(query: str | None, db_url: str | None, fmt: str, output: str, source: str | None,
           since: datetime | None, until: datetime | None, lang: str | None) -> None:
    """Export every article matching QUERY (all, without one), with its text and metadata.

    Streams: memory stays flat however many articles match.

        viral-archive export 'vaccine source:bbc.co.uk' --format parquet --output vaccine.parquet
    """
    with Archive(db_url) as archive:
        total = archive.total(query, source=source, since=aware(since),
                                      until=aware(until, end_of_day=True), lang=lang)
        destination: str | Any = sys.stdout.buffer if output == "-" else output
        with progress_bar("exporting", total) as update:
            written = archive.export(query, fmt, destination,
                                     source=source, since=aware(since),
                                     until=aware(until, end_of_day=True), lang=lang,
                                     on_progress=update)
    if output != "-":
        Console(stderr=True).print(f"{written} article(s) written to {output}")


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def stats(db_url: str | None, fmt: str) -> None:
    """Show what the archive holds: articles per source and per language, dates covered.

        viral-archive stats --db sqlite:///news.db
    """
    with Archive(db_url) as archive:
        result = archive.stats()
    if fmt == "json":
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    print_stats(result, stdout_console())


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "—"


def print_stats(result: ArchiveStats, console: Console) -> None:
    """The stats as three tables: totals, per source, per language."""
    totals = Table.grid(padding=(0, 2))
    for label, value in [
        ("articles", str(result.articles)), ("sources", str(result.sources)),
        ("earlier versions", str(result.versions)), ("undated", str(result.undated)),
        ("published from", _day(result.first_published)),
        ("published until", _day(result.last_published)),
    ]:
        totals.add_row(Text(label, style="bold"), value)
    console.print(totals)
    sources = Table(title="per source")
    for column in ("source", "name", "articles", "first", "last"):
        sources.add_column(column, justify="right" if column == "articles" else "left")
    for row in result.by_source:
        sources.add_row(Text(row.domain), Text(row.name or ""), str(row.articles),
                        _day(row.first_published), _day(row.last_published))
    console.print(sources)
    languages = Table(title="per language")
    languages.add_column("language")
    languages.add_column("articles", justify="right")
    for lang_row in result.by_language:
        languages.add_row(lang_row.language or "unknown", str(lang_row.articles))
    console.print(languages)


#: the exit status of an import that refused some lines and imported the others
SOME_LINES_REFUSED = 3
#: the exit status after Ctrl-C (128 + SIGINT, as shells report it)
INTERRUPTED = 130


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--stories/--no-stories", default=defaults.ARCHIVE_STORIES, show_default=True,
              help="Place each new or changed article in its story as it is stored "
                   "(--no-stories leaves that to `stories rebuild --resume`).")
def import_command(file: Path, db_url: str | None, stories: bool) -> None:
    """Import articles from a JSON Lines file (one JSON object per line).

    Keys: url and text (required), title, published, authors, source, language; the
    names news-please writes (maintext, date_publish, ...) work too, and other keys are
    kept as extra metadata. Bad lines are listed with their number and reason; the good
    ones are imported. Importing a URL again updates it like a new crawl would.

    Exit status: 0 every line imported; 3 some lines refused, the others imported; 1
    nothing imported (every line refused) or an error; 130 interrupted (Ctrl-C), the
    lines stored until then kept.

        viral-archive import collection.jsonl --db sqlite:///news.db
    """
    console = Console(stderr=True)
    with Archive(db_url, create=True) as archive:
        size = file.stat().st_size
        try:
            with progress_bar("importing", None) as update:
                report = archive.import_jsonl(file, on_progress=update, stories=stories)
        except ImportInterrupted as interrupted:
            print_import_report(interrupted.report, file, size, console)
            console.print(
                f"Interrupted: {interrupted.report.imported} of the "
                f"{interrupted.report.lines} line(s) read were stored (lines are stored "
                f"{IMPORT_BATCH:,} at a time); import the file again to add the rest, the "
                "stored lines stay as they are.", soft_wrap=True)
            sys.exit(INTERRUPTED)
    print_import_report(report, file, size, console)
    if report.errors and not report.imported:
        raise click.ClickException(f"No line of {file} was imported: "
                                   f"all {len(report.errors)} were refused.")
    if report.errors:
        sys.exit(SOME_LINES_REFUSED)


def print_import_report(report: ImportReport, file: Path, size: int, console: Console) -> None:
    """What an import did, and its first bad lines."""
    rate = report.imported / report.seconds if report.seconds else 0
    console.print(
        f"{file}: {report.lines} line(s) read in {report.seconds:.1f}s ({rate:,.0f}/s, "
        f"{size / 1e6:.1f} MB): {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.errors)} not imported.",
        soft_wrap=True,
    )
    for error in report.errors[:SHOWN_IMPORT_ERRORS]:
        console.print(Text(f"  line {error.line}: {error.reason}"), soft_wrap=True)
    if len(report.errors) > SHOWN_IMPORT_ERRORS:
        console.print(f"  … and {len(report.errors) - SHOWN_IMPORT_ERRORS} more.")
