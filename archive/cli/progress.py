"""Progress of a running crawl: live counters on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from crawler.runner import CrawlInterrupted, CrawlResult

LABELS = {
    "pages_fetched": "pages fetched",
    "articles_new": "new",
    "articles_updated": "updated",
    "articles_unchanged": "unchanged",
    "non_articles": "non-articles",
    "errors": "errors",
}


def format_counts(counts: dict[str, int]) -> str:
    """``counts`` as one line: ``pages fetched 12 · new 8 · ...``."""
    return " · ".join(f"{label} {counts.get(key, 0)}" for key, label in LABELS.items())


class CrawlProgress:
    """Shows crawl counts while a crawl runs; use as a context manager and as a callback.

    On a terminal the counts are redrawn in place; elsewhere (logs, CI, pipes) a line is
    written every ``interval`` seconds, and when the counts change after a quiet spell.
    """

    def __init__(
        self, stream: TextIO | None = None, *, interval: float = 5.0, label: str = "crawling"
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        self.interval = interval
        self.live: Live | None = None
        self.started = time.monotonic()
        self.last_line = 0.0
        self.counts: dict[str, int] = {}

    def _render(self) -> Table:
        table = Table.grid(padding=(0, 2))
        elapsed = time.monotonic() - self.started
        table.add_row(f"[bold]{self.label}[/] {elapsed:5.1f}s", format_counts(self.counts))
        return table

    def __enter__(self) -> CrawlProgress:
        if self.console.is_terminal:
            self.live = Live(self._render(), console=self.console, refresh_per_second=8)
            self.live.__enter__()
        return self

    def __call__(self, counts: dict[str, int]) -> None:
        changed = counts != self.counts
        self.counts = dict(counts)
        if self.live is not None:
            self.live.update(self._render())
            return
        now = time.monotonic()
        if changed and now - self.last_line >= self.interval:
            self.last_line = now
            print(f"[{now - self.started:6.1f}s] {self.label}: {format_counts(counts)}",
                  file=self.stream)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.__exit__(exc_type, exc, tb)


#: exit status of a crawl that ran but could fetch nothing (every start URL failed, was
#: refused or disallowed)
EXIT_NOTHING_FETCHED = 3
#: exit status after Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)
EXIT_INTERRUPTED = 130


def print_summary(console: Console, result: CrawlResult, db_url: str, seconds: float, *,
                  contact_hint: bool = True) -> None:
    """The end-of-crawl table (pages fetched, new/updated/unchanged, non-articles, errors),
    then what was not archived, by reason, with an example each, and what to do next."""
    status = "interrupted" if result.interrupted else result.reason
    table = Table(title=f"Crawl {result.crawl_id} ({status}, {seconds:.1f}s)")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, label in LABELS.items():
        table.add_row(label, str(result.counts.get(key, 0)))
    if result.skipped:
        table.add_row("left out (robots.txt, caps)", str(result.skipped))
    console.print(table)
    for reason, pages in sorted(result.failures.items(), key=lambda item: -item[1]):
        example = result.examples.get(reason, "")
        console.print(Text(f"  {reason}: {pages} page(s), e.g. {example}"), soft_wrap=True)
    if result.nothing_fetched:
        console.print("Nothing could be fetched: every start page failed or is disallowed "
                      "(see the reasons above).")
    if contact_hint and not result.contact:
        console.print("No contact in the User-Agent: give --contact URL_OR_EMAIL (or "
                      "$VIRAL_ARCHIVE_CONTACT, or `contact` in sources.toml) so that site "
                      "owners can reach you.")
    console.print(f"Archive: {db_url}")


def run_shown(run: Callable[[CrawlProgress], CrawlResult], db_url: str, *,
              label: str = "crawling", console: Console | None = None,
              contact_hint: bool = True) -> CrawlResult:
    """Run a crawl (``run(progress)``) with live progress, then print its summary — also
    when it is interrupted.

    Raises:
        CrawlInterrupted: after the summary of the interrupted crawl.
    """
    console = console or Console(stderr=True)
    started = time.monotonic()
    try:
        with CrawlProgress(label=label) as progress:
            result = run(progress)
    except CrawlInterrupted as stop:
        print_summary(console, stop.result, db_url, time.monotonic() - started,
                      contact_hint=contact_hint)
        raise
    print_summary(console, result, db_url, time.monotonic() - started,
                  contact_hint=contact_hint)
    return result
