"""Progress of a running crawl: live counters on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table

from crawler.runner import CrawlResult

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


def print_summary(console: Console, result: CrawlResult, db_url: str, seconds: float) -> None:
    """The end-of-crawl table: pages fetched, new/updated/unchanged, non-articles, errors."""
    table = Table(title=f"Crawl {result.crawl_id} ({result.reason}, {seconds:.1f}s)")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, label in LABELS.items():
        table.add_row(label, str(result.counts.get(key, 0)))
    console.print(table)
    console.print(f"Archive: {db_url}")
