"""``viral-archive stories``, ``stories rebuild`` and ``story``: near-copies across sources."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.cli.options import QueryCommand, aware, date_option, db_option, stdout_console
from archive.cli.progress import EXIT_INTERRUPTED
from archive.cli.research import progress_bar
from archive.cli.story_chart import plot_story, require_plotting
from archive.research.api import Archive
from archive.research.export import csv_row
from archive.research.results import StoryList, StoryView
from archive.research.stories import DEFAULT_LIMIT
from archive.storage.story_rebuild import RebuildInterrupted

#: the columns of ``stories --format csv`` (members as their article ids)
CSV_FIELDS = ("id", "title", "first_seen", "first_seen_kind", "last_seen", "sources",
              "articles", "spread_seconds", "members")


class StoriesGroup(click.Group):
    """``stories [QUERY] [options]`` lists stories; ``stories rebuild`` is a subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group(cls=StoriesGroup)
def stories() -> None:
    """Stories: an article and its near-copies republished across sources.

    `viral-archive stories [QUERY]` lists them, most sources first (see `stories list
    --help` for its options); `viral-archive stories rebuild` computes them again.

        viral-archive stories heatwave --min-sources 3 --since 2026-06-01
    """


@stories.command("list", cls=QueryCommand)
@click.argument("query", required=False)
@db_option
@date_option("--since", "First seen on or after this date (UTC).")
@date_option("--until", "First seen on or before this date (UTC, the whole day).")
@click.option("--min-sources", type=int, default=1, show_default=True, metavar="N",
              help="Only stories run by at least N sources.")
@click.option("--limit", type=int, default=DEFAULT_LIMIT, show_default=True, metavar="N",
              help="Stories shown at most (0: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
def list_command(query: str | None, db_url: str | None, since: datetime | None,
                 until: datetime | None, min_sources: int, limit: int, fmt: str) -> None:
    """List the stories holding an article that matches QUERY (all, without one), ranked
    by number of sources, then by how fast they spread.

        viral-archive stories 'flood' --min-sources 2 --format json
    """
    with Archive(db_url) as archive:
        found = archive.stories(query, since=aware(since),
                                until=aware(until, end_of_day=True),
                                min_sources=min_sources, limit=limit)
    write_stories(found, fmt, stdout_console())


def write_stories(found: StoryList, fmt: str, console: Console) -> None:
    """Write stories as a ``table``, ``json`` (with their members) or ``csv``."""
    if fmt == "json":
        json.dump(found.to_dicts(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for record in found.to_dicts():
            record["members"] = " ".join(str(m["id"]) for m in record["members"])
            writer.writerow(csv_row(record))
        return
    table = Table()
    for column in ("id", "sources", "articles", "first seen", "spread", "title"):
        table.add_column(column, overflow="fold",
                         justify="right" if column in ("sources", "articles") else "left")
    for story in found:
        table.add_row(str(story.id), str(story.sources), str(story.articles),
                      _when(story.first_seen), _duration(story.spread_seconds),
                      Text(story.title or ""))
    console.print(table)
    console.print(f"{len(found)} story(ies).")


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _duration(seconds: int) -> str:
    """``+3d 4h``, ``+2h 5m``, ``+40s`` or ``—`` for nothing."""
    if seconds == 0:
        return "—"
    sign = "-" if seconds < 0 else "+"
    span = timedelta(seconds=abs(seconds))
    hours, rest = divmod(span.seconds, 3600)
    if span.days:
        return f"{sign}{span.days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {rest // 60}m"
    return f"{sign}{rest // 60}m" if rest >= 60 else f"{sign}{rest}s"


@stories.command("rebuild")
@db_option
@click.option("--resume", is_flag=True,
              help="Carry on with the articles still without a story (after an interrupted "
                   "rebuild, or for articles written with stories off); nothing is emptied.")
def rebuild_command(db_url: str | None, resume: bool) -> None:
    """Compute every article's story again (e.g. after changing the near-copy parameters).

    Empties the stories, then places the articles in id order, in batches, each batch
    stored at once; Ctrl-C keeps the batches done, and --resume carries on from there.

        viral-archive stories rebuild --db sqlite:///news.db
    """
    console = Console(stderr=True)
    with Archive(db_url, write=True) as archive:
        try:
            with progress_bar("placing articles", None) as update:
                report = archive.rebuild_stories(
                    resume=resume, on_progress=lambda done, _total: update(done))
        except RebuildInterrupted as interrupted:
            console.print(str(interrupted), soft_wrap=True)
            sys.exit(EXIT_INTERRUPTED)
    console.print(f"{report.placed} article(s) placed in their stories in "
                  f"{report.seconds:.1f}s.")


@click.command(cls=click.Command)
@click.argument("story_id", metavar="ID", type=int)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also draw the timeline as a PNG chart (needs matplotlib: pip install "
                   "'viral-archive[plot]').")
def story(story_id: int, db_url: str | None, fmt: str, plot: Path | None) -> None:
    """Show one story: who ran it first, who followed and when, under which headlines.

        viral-archive story 42 --plot story42.png
    """
    if plot is not None:
        require_plotting()
    with Archive(db_url) as archive:
        view = archive.story(story_id)
    if fmt == "json":
        json.dump(view.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_story(view, stdout_console())
    if plot is not None:
        plot_story(view, plot)
        Console(stderr=True).print(f"Chart written to {plot}")


def print_story(view: StoryView, console: Console) -> None:
    """The story's facts, its timeline and its headline variants."""
    facts = Table.grid(padding=(0, 2))
    rows: list[tuple[str, Any]] = [
        ("story", str(view.id)), ("title", Text(view.title or "")),
        ("first seen", f"{_when(view.first_seen)} ({view.first_seen_kind})"),
        ("sources", str(view.sources)), ("articles", str(view.articles)),
        ("spread", _duration(view.spread_seconds)),
    ]
    for label, value in rows:
        facts.add_row(Text(label, style="bold"), value)
    console.print(facts)
    timeline = Table(title="timeline")
    for column in ("after", "when", "source", "article", "headline"):
        timeline.add_column(column, overflow="fold")
    for member in view.members:
        timeline.add_row(_duration(member.after_seconds) if member.after_seconds else "first",
                         _when(member.appeared), Text(member.source_name or member.source),
                         str(member.id), Text(member.title or ""))
    console.print(timeline)
    headlines = Table(title="headlines")
    for column in ("articles", "first", "headline"):
        headlines.add_column(column, overflow="fold")
    for headline in view.headlines:
        headlines.add_row(str(headline.articles), Text(headline.first_source),
                          Text(headline.title or ""))
    console.print(headlines)
