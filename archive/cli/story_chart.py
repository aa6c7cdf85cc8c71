"""Drawing a story's spread as a PNG: how many sources had run it, over time."""

from __future__ import annotations

from pathlib import Path

from archive.cli.charts import require_plotting, save_dated
from archive.core.optional import require
from archive.research.results import StoryView

__all__ = ["plot_story", "require_plotting"]


def plot_story(view: StoryView, path: Path) -> None:
    """Write the story's spread to ``path`` as PNG: a step line of the sources that had
    run it by each time, one labelled dot per copy.

    Raises:
        MissingDependency: matplotlib is not installed.
        ArchiveError: the file cannot be written.
    """
    require("matplotlib", feature="PNG charts", extra="plot").use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    seen: set[str] = set()
    times, counts = [], []
    for member in view.members:
        seen.add(member.source)
        times.append(member.appeared)
        counts.append(len(seen))
    figure, axes = plt.subplots(figsize=(10, 4.5), dpi=100)
    numbers = mdates.date2num(times)
    axes.step(numbers, counts, where="post")
    axes.plot(numbers, counts, "o")
    for number, count, member in zip(numbers, counts, view.members, strict=True):
        axes.annotate(member.source, (number, count), textcoords="offset points",
                      xytext=(4, 4), fontsize="x-small")
    save_dated(figure, axes, path, title=f"story {view.id}: {(view.title or '')[:80]}",
               ylabel="sources that ran it")
