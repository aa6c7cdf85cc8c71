"""Drawing counts over time: bars in the terminal, or a PNG with matplotlib."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from archive.core.optional import require
from archive.exceptions import ArchiveError
from archive.research.query.periods import periods_between
from archive.research.results import CountRow

BAR_WIDTH = 50
#: sources drawn as their own line in a PNG; the rest are summed as "other"
PLOT_SOURCES = 8
#: a chart shows the periods without articles between the first and last one as gaps,
#: up to this many periods in all (beyond, only the periods with articles are drawn)
MAX_PERIODS = 2_000


def require_plotting() -> None:
    """Raises MissingDependency, naming the extra, when matplotlib is not installed."""
    require("matplotlib", feature="PNG charts", extra="plot")


def totals_by_period(rows: Sequence[CountRow]) -> dict[str, int]:
    """The counts summed over sources, per period, in period order."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.period] += row.count
    return dict(sorted(totals.items()))


def every_period(rows: Sequence[CountRow], by: str) -> list[str]:
    """The periods from the first to the last of ``rows``, those without articles too
    (only those of ``rows`` when that would be more than :data:`MAX_PERIODS`)."""
    present = sorted({row.period for row in rows})
    if not present:
        return []
    starts = periods_between(date.fromisoformat(present[0]), date.fromisoformat(present[-1]),
                             by, at_most=MAX_PERIODS)  # type: ignore[arg-type]
    return present if starts is None else [start.isoformat() for start in starts]


def terminal_chart(rows: Sequence[CountRow], title: str | None = None, *,
                   by: str = "day") -> Table:
    """One bar per period (all sources together), scaled to the largest count; a period
    without articles between the first and the last is a row without a bar."""
    counted = totals_by_period(rows)
    totals = {period: counted.get(period, 0) for period in every_period(rows, by)}
    largest = max(totals.values(), default=0)
    chart = Table.grid(padding=(0, 1))
    if title:
        chart.title = title
    for period, count in totals.items():
        width = round(BAR_WIDTH * count / largest) if largest else 0
        bar = "█" * width or ("▏" if count else "")
        chart.add_row(period, Text(bar, style="cyan"), str(count))
    return chart


def source_lines(rows: Sequence[CountRow], by: str) -> tuple[list[str], dict[str, list[float]]]:
    """The periods of a chart per source and each line's values: the largest
    :data:`PLOT_SOURCES` sources, the rest summed as "other"; 0 for a source without
    articles in a period, NaN (a gap in every line) for a period without any article."""
    sizes: dict[str, int] = defaultdict(int)
    for row in rows:
        sizes[row.source or "?"] += row.count
    shown = sorted(sizes, key=lambda s: -sizes[s])[:PLOT_SOURCES]
    series: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        name = row.source if row.source in shown else "other"
        series[name or "?"][row.period] += row.count
    counted = {row.period for row in rows}
    periods = every_period(rows, by)
    return periods, {name: [counts.get(p, 0) if p in counted else math.nan for p in periods]
                     for name, counts in series.items()}


def plot_png(rows: Sequence[CountRow], path: Path, *, title: str, by: str) -> None:
    """Write a chart of the counts to ``path`` as PNG: bars for one series, lines per
    source (the largest few, the rest as "other") when counting per source.

    Raises:
        MissingDependency: matplotlib is not installed.
        ArchiveError: the file cannot be written.
    """
    require("matplotlib", feature="PNG charts", extra="plot").use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=100)
    if any(row.source for row in rows):
        periods, lines = source_lines(rows, by)
        for name, values in lines.items():
            axes.plot(mdates.date2num([date.fromisoformat(p) for p in periods]), values,
                      label=name, marker=".")
        axes.legend(fontsize="small")
    else:
        totals = totals_by_period(rows)
        widths = {"day": 0.8, "week": 5.6, "month": 24}
        axes.bar(mdates.date2num([date.fromisoformat(p) for p in totals]), list(totals.values()),
                 width=widths.get(by, 0.8), align="edge")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    save_dated(figure, axes, path, title=title, ylabel=f"articles per {by}")


def save_dated(figure: Any, axes: Any, path: Path, *, title: str, ylabel: str) -> None:
    """Finish a chart whose x axis is dates, write it to ``path`` as PNG and close it.

    Raises:
        ArchiveError: the file cannot be written.
    """
    import matplotlib.pyplot as plt

    axes.xaxis_date()
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    figure.autofmt_xdate()
    figure.tight_layout()
    try:
        figure.savefig(path, format="png")
    except OSError as exc:
        raise ArchiveError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    finally:
        plt.close(figure)
