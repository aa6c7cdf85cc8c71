"""``viral-archive sources`` and ``viral-archive schedule``; crawling from a sources file."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from archive.cli.options import contact_option, db_option, stdout_console
from archive.cli.progress import EXIT_INTERRUPTED, EXIT_NOTHING_FETCHED, run_shown
from archive.core.sources import SourceConfig, SourcesFile, load_sources
from archive.operations.health import SourceHealth, crawled_source_names, source_health
from archive.operations.schedule import next_due, run_schedule
from crawler.runner import CrawlResult, run_source_crawl
from db import open_engine, resolve_db_url, session_factory
from db.models import utcnow

logger = logging.getLogger(__name__)

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE", help="The sources file (see the README) [default: ./sources.toml].",
)


def crawl_one_source(sources: SourcesFile, source: SourceConfig, db_url: str, *,
                     console: Console, contact: str | None = None) -> CrawlResult:
    """Crawl ``source`` with progress (live on a terminal, log lines otherwise) and print
    its summary. Raises what :func:`crawler.runner.run_source_crawl` raises."""
    return run_shown(lambda progress: run_source_crawl(
        source, db_url=db_url, contact=contact or sources.contact, on_progress=progress),
        db_url, label=source.name, console=console)


def crawl_from_config(config_path: Path, names: tuple[str, ...], db_url: str | None, *,
                      contact: str | None = None) -> None:
    """``viral-archive crawl --config FILE [--source NAME]...``: each source once; Ctrl-C
    stops them all. Exits with status 3 when some source could fetch nothing."""
    sources = load_sources(config_path)
    chosen = [sources.get(n) for n in names] if names else [
        s for s in sources.sources if s.enabled]
    resolved = resolve_db_url(db_url)
    open_engine(resolved).dispose()  # a bad database fails here, before any request
    console = Console(stderr=True)
    empty = [source.name for source in chosen
             if crawl_one_source(sources, source, resolved, console=console,
                                 contact=contact).nothing_fetched]
    if empty:
        console.print(f"Nothing could be fetched for: {', '.join(empty)}.")
        raise click.exceptions.Exit(EXIT_NOTHING_FETCHED)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _health_table(report: list[SourceHealth], dues: dict[str, datetime | None]) -> Table:
    table = Table(title="Sources", title_justify="left")
    for column in ("source", "last success", "new per run", "errors (last run)", "next run",
                   "status"):
        table.add_column(column, overflow="fold")
    for health in report:
        rate = f"{health.error_rates[-1]:.0%}" if health.error_rates else "—"
        if health.last_errors:
            rate += " " + ", ".join(f"{k} {v}" for k, v in sorted(health.last_errors.items()))
        status = "[green]ok[/]" if health.ok else "[red]" + "; ".join(
            f.split(":")[0] for f in health.flags) + "[/]"
        due = dues.get(health.name)
        if health.name not in dues:
            next_run = "—"
        elif due is None or due <= utcnow():
            next_run = "now"
        else:
            next_run = _when(due)
        table.add_row(health.name, _when(health.last_success),
                      " ".join(map(str, health.yields)) or "—", rate, next_run, status)
    return table


@click.command()
@config_option
@db_option
@click.option("--runs", default=5, show_default=True, type=click.IntRange(1, 100),
              help="How many recent runs of each source to look at.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def sources(config_path: Path | None, db_url: str | None, runs: int, output: str) -> None:
    """Show the health of each source: last success, new articles per run, errors.

    Flags a source whose yield fell to zero (no links found, or no new articles for
    several runs after earlier runs had some) or whose error rate jumped, the silent
    breakage of a redesigned site. Sources come from the sources file when given (or
    ./sources.toml when it exists), else from the archive's crawl records. Example:

        viral-archive sources --config sources.toml --db sqlite:///news.db
    """
    if config_path is None and Path("sources.toml").is_file():
        config_path = Path("sources.toml")
    configured = load_sources(config_path) if config_path else None
    engine = open_engine(db_url, create=False)
    try:
        with session_factory(engine)() as session:
            names = ([s.name for s in configured.sources] if configured
                     else crawled_source_names(session))
            report = source_health(session, names, recent=runs)
            dues = ({s.name: next_due(session, s) for s in configured.sources if s.enabled}
                    if configured else {})
    finally:
        engine.dispose()
    if output == "json":
        rows = [{"source": h.name, "ok": h.ok, "flags": h.flags, "runs": h.runs,
                 "last_run": h.last_run and h.last_run.isoformat(), "last_status": h.last_status,
                 "last_success": h.last_success and h.last_success.isoformat(),
                 "new_per_run": h.yields, "error_rates": [round(r, 4) for r in h.error_rates],
                 "last_errors": h.last_errors} for h in report]
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    console = stdout_console()
    console.print(_health_table(report, dues))
    flagged = [h for h in report if not h.ok and h.runs]
    for health in flagged:
        for flag in health.flags:
            console.print(f"{health.name}: {flag}", soft_wrap=True)
    if flagged:
        console.print("Flagged sources need a look: their sites may have changed.")


@click.command()
@config_option
@db_option
@click.option("--once", is_flag=True, help="Crawl the sources that are due, then stop.")
@click.option("--max-runs", type=click.IntRange(1), metavar="N",
              help="Stop after N crawls.")
@contact_option
def schedule(config_path: Path | None, db_url: str | None, once: bool,
             max_runs: int | None, contact: str | None) -> None:
    """Run in the foreground, crawling each source of the sources file when it is due.

    A source is due its `interval` after its last crawl started. A source being crawled
    by another process (e.g. `viral-archive crawl --config` from cron) is skipped until
    its next turn. Ctrl-C or SIGTERM stops it for good: the crawl in progress is closed
    as stopped, and the scheduler exits with status 130. Example:

        viral-archive schedule --config sources.toml --db sqlite:///news.db
    """
    sources_file = load_sources(config_path or Path("sources.toml"))
    resolved = resolve_db_url(db_url)
    console = Console(stderr=True)

    def crawl(source: SourceConfig) -> CrawlResult:
        return crawl_one_source(sources_file, source, resolved, console=console,
                                contact=contact)

    try:
        runs = run_schedule(sources_file, crawl, db_url=resolved, once=once, max_runs=max_runs)
    except KeyboardInterrupt:  # while it waited: nothing to close
        console.print("Scheduler stopped.")
        raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
    console.print(f"Scheduler stopped after {runs} crawl(s).")
