"""The publication-dates part of the extraction benchmark: ours against htmldate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console

from benchmarks.corpora import DatePage
from benchmarks.measure import Failure, Pass, load_tools, measure, ratio
from benchmarks.scoring import score_dates
from benchmarks.tools import DATE_TIME_REFERENCE, DATE_TOOLS, DateExtract, Tool


@dataclass(slots=True)
class DateMiss:
    """A page whose day a tool did not find right."""

    id: str
    url: str
    truth: str
    predicted: str | None
    source: str | None


@dataclass(slots=True)
class DateResult:
    """One tool's figures on the publication-dates corpus."""

    tool: str
    label: str
    accuracy: float
    precision: float
    recall: float
    pages: int
    given: int
    seconds: float
    time_ratio: float | None
    failures: list[Failure]
    by_source: dict[str, dict[str, int]]
    misses: list[DateMiss]


def _by_source(
    pages: Sequence[DatePage], guesses: Sequence[tuple[str | None, str | None]]
) -> dict[str, dict[str, int]]:
    given: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for page, (day, source) in zip(pages, guesses, strict=True):
        if day and source:
            given[source] += 1
            correct[source] += day == page.truth
    return {s: {"given": n, "correct": correct[s]} for s, n in given.most_common()}


def score_date_pass(
    tool: Tool[DateExtract], pages: Sequence[DatePage],
    run: Pass[tuple[str | None, str | None]],
) -> DateResult:
    """Score one tool's pass over the publication-dates corpus."""
    guesses = [output or (None, None) for output in run.outputs]
    total = score_dates((page.truth, day) for page, (day, _) in zip(pages, guesses, strict=True))
    misses = [
        DateMiss(page.id, page.url, page.truth, day, source)
        for page, (day, source) in zip(pages, guesses, strict=True)
        if day != page.truth
    ]
    return DateResult(
        tool=tool.key,
        label=tool.label,
        accuracy=total.accuracy,
        precision=total.precision,
        recall=total.recall,
        pages=total.pages,
        given=sum(bool(day) for day, _ in guesses),
        seconds=run.seconds,
        time_ratio=None,
        failures=run.failures,
        by_source=_by_source(pages, guesses),
        misses=misses,
    )


def run_dates(
    pages: Sequence[DatePage], wanted: set[str] | None, warmup: int, repeat: int,
    console: Console,
) -> list[DateResult]:
    """Measure every wanted date tool on ``pages``."""
    results: list[DateResult] = []
    for tool, extract in load_tools(DATE_TOOLS, wanted, console):
        console.print(f"dates: {tool.label} …", highlight=False)
        results.append(score_date_pass(tool, pages, measure(extract, pages, warmup, repeat)))
    reference = next((r.seconds for r in results if r.tool == DATE_TIME_REFERENCE), None)
    for result in results:
        result.time_ratio = ratio(result.seconds, reference)
    return results


