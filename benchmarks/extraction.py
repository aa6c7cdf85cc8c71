"""Side-by-side benchmark of article extraction: ours against trafilatura, readability-lxml,
BeautifulSoup ``get_text()`` (article bodies) and htmldate (publication dates).

Run from the repository root::

    python -m benchmarks.extraction [--corpora ../shared/corpora] [--only bodies|dates]
        [--limit N] [--repeat N] [--tools ours,trafilatura,...] [--worst N] [--json OUT.json]

Method (details in ``docs/benchmarks.md``):

- Corpora: ``../shared/corpora/article-bodies`` (181 pages) and ``publication-dates``
  (300 pages), scored as their README prescribes (:mod:`benchmarks.scoring`).
- Input: every tool gets the page's bytes as served (gunzipped, not decoded) and decodes
  them itself, as it is designed to (see :mod:`benchmarks.tools`); ours also gets the
  page's URL. trafilatura's decoder, readability's and BeautifulSoup's give the same scores
  on this corpus as a string decoded beforehand by ours, so the choice is fair; it does make
  decoding part of every tool's time.
- Time: the sum over pages of ``time.perf_counter()`` around the extraction call only (for
  readability, ``Document(raw).summary()`` and its conversion to text), once every file is
  read and decompressed in memory. Before each tool's pass: the LRU caches of the peers and
  of charset_normalizer are emptied, garbage is collected and ``--warmup`` pages (3) are
  extracted untimed. With ``--repeat N`` the best of N passes is kept. Tools run one after
  the other in one process.
- Robustness: an exception on one page is recorded (page id, exception type) and the page
  scores as an empty prediction; the run goes on.
- Dates: ours is ``extract_article(raw, url).published`` as the day it states
  (``YYYY-MM-DD`` in the page's own offset), so its time is that of a full extraction.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from rich.console import Console
from rich.table import Table

from benchmarks.corpora import DEFAULT_CORPORA, BodyPage, DatePage, load_bodies, load_dates
from benchmarks.scoring import PageScore, score_bodies, score_dates, score_page
from benchmarks.tools import (
    BODY_REFERENCE_F1,
    BODY_TIME_REFERENCE,
    BODY_TOOLS,
    DATE_TIME_REFERENCE,
    DATE_TOOLS,
    BodyExtract,
    DateExtract,
    Tool,
    reset_caches,
)

T = TypeVar("T")
F = TypeVar("F")

PACKAGES = ("trafilatura", "readability-lxml", "beautifulsoup4", "lxml", "htmldate")


class Page(Protocol):
    """What a timed pass needs of a page."""

    @property
    def id(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def html(self) -> bytes: ...


# --- measuring ----------------------------------------------------------------------------


@dataclass(slots=True)
class Failure:
    """An exception a tool raised on one page."""

    page: str
    error: str
    message: str


@dataclass(slots=True)
class Pass(Generic[T]):
    """The outputs of one tool over a corpus (``None`` where it raised) and its time."""

    outputs: list[T | None]
    seconds: float
    failures: list[Failure]


def timed_pass(extract: Callable[[bytes, str], T], pages: Sequence[Page]) -> Pass[T]:
    """Run ``extract`` on every page, timing the calls only; exceptions are recorded."""
    outputs: list[T | None] = []
    failures: list[Failure] = []
    seconds = 0.0
    for page in pages:
        html, url = page.html, page.url
        output: T | None = None
        start = time.perf_counter()
        try:
            output = extract(html, url)
        except Exception as exc:  # one page must not end the run
            failures.append(Failure(page.id, type(exc).__name__, str(exc)[:200]))
        seconds += time.perf_counter() - start
        outputs.append(output)
    return Pass(outputs, seconds, failures)


def warm_up(extract: Callable[[bytes, str], object], pages: Sequence[Page]) -> None:
    """Extract ``pages`` untimed, ignoring errors (imports, lazily built tables)."""
    for page in pages:
        try:
            extract(page.html, page.url)
        except Exception:  # failures are counted in the timed pass
            continue


def measure(
    extract: Callable[[bytes, str], T], pages: Sequence[Page], warmup: int, repeat: int
) -> Pass[T]:
    """The outputs of the first timed pass, with the best time of ``repeat`` passes."""
    reset_caches()
    warm_up(extract, pages[:warmup])
    best: Pass[T] | None = None
    for _ in range(max(1, repeat)):
        reset_caches()
        result = timed_pass(extract, pages)
        if best is None:
            best = result
        else:
            best.seconds = min(best.seconds, result.seconds)
    assert best is not None
    return best


def load_tools(
    tools: Sequence[Tool[F]], wanted: set[str] | None, console: Console
) -> list[tuple[Tool[F], F]]:
    """Import the wanted tools; a tool that is not installed is skipped with a notice."""
    loaded: list[tuple[Tool[F], F]] = []
    for tool in tools:
        if wanted is not None and tool.key not in wanted:
            continue
        try:
            loaded.append((tool, tool.load()))
        except ImportError as exc:
            console.print(f"[yellow]skipping {tool.label}: {exc}[/yellow]")
    return loaded


def ratio(seconds: float, reference: float | None) -> float | None:
    """``seconds / reference``, or ``None`` without a reference time."""
    return seconds / reference if reference else None


# --- article bodies -----------------------------------------------------------------------


@dataclass(slots=True)
class BodyResult:
    """One tool's figures on the article-bodies corpus."""

    tool: str
    label: str
    precision: float
    recall: float
    f1: float
    pages: int
    empty: int
    seconds: float
    time_ratio: float | None
    reference_f1: float | None
    failures: list[Failure]
    page_scores: list[PageScore] = field(repr=False)


def score_body_pass(
    tool: Tool[BodyExtract], pages: Sequence[BodyPage], run: Pass[str]
) -> BodyResult:
    """Score one tool's pass over the article-bodies corpus."""
    texts = [text or "" for text in run.outputs]
    scores = [score_page(page.truth, text) for page, text in zip(pages, texts, strict=True)]
    total = score_bodies(scores)
    return BodyResult(
        tool=tool.key,
        label=tool.label,
        precision=total.precision,
        recall=total.recall,
        f1=total.f1,
        pages=total.pages,
        empty=sum(not text.strip() for text in texts),
        seconds=run.seconds,
        time_ratio=None,
        reference_f1=BODY_REFERENCE_F1.get(tool.key),
        failures=run.failures,
        page_scores=scores,
    )


def run_bodies(
    pages: Sequence[BodyPage], wanted: set[str] | None, warmup: int, repeat: int,
    console: Console,
) -> list[BodyResult]:
    """Measure every wanted body tool on ``pages``."""
    results: list[BodyResult] = []
    for tool, extract in load_tools(BODY_TOOLS, wanted, console):
        console.print(f"bodies: {tool.label} …", highlight=False)
        results.append(score_body_pass(tool, pages, measure(extract, pages, warmup, repeat)))
    reference = next((r.seconds for r in results if r.tool == BODY_TIME_REFERENCE), None)
    for result in results:
        result.time_ratio = ratio(result.seconds, reference)
    return results


@dataclass(slots=True)
class PageFigures:
    """One page's precision, recall and F1 (precision is ``None`` for an empty output)."""

    id: str
    url: str
    precision: float | None
    recall: float | None
    f1: float


def page_figures(page: BodyPage, score: PageScore) -> PageFigures:
    """Per-page figures, with the README's conventions for empty texts."""
    if score.fp == 0 and score.fn == 0:
        return PageFigures(page.id, page.url, 1.0, 1.0, 1.0)
    precision = score.tp / (score.tp + score.fp) if score.tp + score.fp else None
    recall = score.tp / (score.tp + score.fn) if score.tp + score.fn else None
    p, r = precision or 0.0, recall or 0.0
    return PageFigures(page.id, page.url, precision, recall, 2 * p * r / (p + r) if p + r else 0.0)


def worst_pages(pages: Sequence[BodyPage], result: BodyResult, count: int) -> list[PageFigures]:
    """The ``count`` pages with the lowest F1 for ``result``'s tool."""
    figures = [page_figures(p, s) for p, s in zip(pages, result.page_scores, strict=True)]
    return sorted(figures, key=lambda f: (f.f1, f.id))[:count]


# --- publication dates --------------------------------------------------------------------


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


# --- report -------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def bodies_table(results: Sequence[BodyResult]) -> Table:
    """The article-bodies figures, one row per tool."""
    table = Table(title="Article bodies (article-bodies corpus)")
    for name in ("tool", "P", "R", "F1", "ref F1", "empty", "errors", "time s", "ms/page",
                 "÷ trafilatura"):
        table.add_column(name, justify="left" if name == "tool" else "right")
    for r in results:
        table.add_row(
            r.label, _num(r.precision), _num(r.recall), _num(r.f1), _num(r.reference_f1),
            str(r.empty), str(len(r.failures)), f"{r.seconds:.2f}",
            f"{1000 * r.seconds / r.pages:.1f}" if r.pages else "—", _times(r.time_ratio),
        )
    return table


def dates_table(results: Sequence[DateResult]) -> Table:
    """The publication-dates figures, one row per tool."""
    table = Table(title="Publication dates (publication-dates corpus)")
    for name in ("tool", "accuracy", "precision", "recall", "given", "errors", "time s",
                 "ms/page", "÷ htmldate"):
        table.add_column(name, justify="left" if name == "tool" else "right")
    for r in results:
        table.add_row(
            r.label, _num(r.accuracy), _num(r.precision), _num(r.recall),
            f"{r.given}/{r.pages}", str(len(r.failures)), f"{r.seconds:.2f}",
            f"{1000 * r.seconds / r.pages:.1f}" if r.pages else "—", _times(r.time_ratio),
        )
    return table


def sources_table(result: DateResult) -> Table:
    """Where a tool's dates came from, and how often they were right."""
    table = Table(title=f"{result.label}: dates by source")
    for name in ("source", "given", "correct", "precision"):
        table.add_column(name, justify="left" if name == "source" else "right")
    for source, counts in result.by_source.items():
        table.add_row(source, str(counts["given"]), str(counts["correct"]),
                      _num(counts["correct"] / counts["given"]))
    return table


def failures_table(title: str, failures: Sequence[Failure]) -> Table:
    """The pages on which a tool raised."""
    table = Table(title=title)
    for name in ("page", "exception", "message"):
        table.add_column(name)
    for failure in failures:
        table.add_row(failure.page, failure.error, failure.message[:80])
    return table


def worst_table(rows: Sequence[PageFigures]) -> Table:
    """Our extractor's worst pages."""
    table = Table(title=f"Ours: the {len(rows)} pages with the lowest F1")
    for name in ("id / url", "P", "R", "F1"):
        table.add_column(name, justify="left" if name == "id / url" else "right")
    for row in rows:
        table.add_row(f"{row.id}\n[dim]{row.url}[/dim]", _num(row.precision, 2),
                      _num(row.recall, 2), _num(row.f1, 2))
    return table


def print_report(
    console: Console, bodies: Sequence[BodyResult], dates: Sequence[DateResult],
    worst: Sequence[PageFigures],
) -> None:
    """Print every table of the run."""
    if bodies:
        console.print(bodies_table(bodies))
        console.print("ref F1: the F1 the corpus README reports for that peer (all pages). "
                      "empty: pages with no text, left out of P as the README says. "
                      "÷ trafilatura: time relative to trafilatura's (defaults).",
                      highlight=False)
    for body in bodies:
        if body.tool == "ours" and body.failures:
            console.print(failures_table("Ours raised on these article-bodies pages",
                                         body.failures))
    if worst:
        console.print(worst_table(worst))
    if dates:
        console.print(dates_table(dates))
    for result in dates:
        if result.by_source:
            console.print(sources_table(result))
        if result.tool == "ours" and result.failures:
            console.print(failures_table("Ours raised on these publication-dates pages",
                                         result.failures))


# --- run metadata and JSON ----------------------------------------------------------------


def _git_revision() -> str | None:
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty.strip() else "")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def run_info(args: argparse.Namespace) -> dict[str, Any]:
    """When, where and with what the run was made."""
    from archive import EXTRACTOR_VERSION

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": _cpu_count(),
        "revision": _git_revision(),
        "extractor_version": EXTRACTOR_VERSION,
        "packages": {name: _version(name) for name in PACKAGES},
        "corpora": str(args.corpora),
        "limit": args.limit,
        "repeat": args.repeat,
        "warmup": args.warmup,
    }


def _cpu_count() -> int | None:
    import os

    return os.cpu_count()


def _body_json(result: BodyResult) -> dict[str, Any]:
    data = asdict(result)
    del data["page_scores"]
    return data


def write_json(
    path: Path, info: dict[str, Any], bodies: Sequence[BodyResult],
    dates: Sequence[DateResult], worst: Sequence[PageFigures],
) -> None:
    """Write the run's figures to ``path``."""
    document = {
        "run": info,
        "bodies": [_body_json(r) for r in bodies],
        "worst": [asdict(row) for row in worst],
        "dates": [asdict(r) for r in dates],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- command line -------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of ``python -m benchmarks.extraction``."""
    keys = sorted({t.key for t in BODY_TOOLS} | {t.key for t in DATE_TOOLS})
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.extraction",
        description="Benchmark article and date extraction against trafilatura, "
        "readability-lxml, BeautifulSoup get_text() and htmldate.",
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="folder holding article-bodies/ and publication-dates/ "
                        "(default: %(default)s)")
    parser.add_argument("--only", choices=("bodies", "dates"), help="run one part only")
    parser.add_argument("--limit", type=int, help="use the first N pages of each corpus")
    parser.add_argument("--tools", help=f"comma-separated tools to run, among {','.join(keys)}"
                        " (default: all installed)")
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of N timings")
    parser.add_argument("--warmup", type=int, default=3,
                        help="pages extracted untimed before each tool's pass (default: 3)")
    parser.add_argument("--worst", type=int, default=0, metavar="N",
                        help="list the N pages with the lowest F1 for our extractor")
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="write figures as JSON")
    args = parser.parse_args(argv)
    if args.tools:
        unknown = set(args.tools.split(",")) - set(keys)
        if unknown:
            parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    return args


def quiet() -> None:
    """Silence the tools' log messages and warnings, which would also cost time."""
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    status = Console(stderr=True)
    if not args.corpora.is_dir():
        status.print(f"[red]no corpora at {args.corpora}[/red]")
        return 2
    quiet()
    wanted = set(args.tools.split(",")) if args.tools else None
    bodies: list[BodyResult] = []
    dates: list[DateResult] = []
    worst: list[PageFigures] = []
    if args.only in (None, "bodies"):
        body_pages = load_bodies(args.corpora, args.limit)
        bodies = run_bodies(body_pages, wanted, args.warmup, args.repeat, status)
        ours = next((r for r in bodies if r.tool == "ours"), None)
        if ours is not None and args.worst > 0:
            worst = worst_pages(body_pages, ours, args.worst)
    if args.only in (None, "dates"):
        date_pages = load_dates(args.corpora, args.limit)
        dates = run_dates(date_pages, wanted, args.warmup, args.repeat, status)
    info = run_info(args)
    console.print(f"run {info['date']} · {info['cpus']} CPUs · revision {info['revision']}"
                  f" · extractor {info['extractor_version']}", highlight=False)
    print_report(console, bodies, dates, worst)
    if args.json:
        write_json(args.json, info, bodies, dates, worst)
        status.print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
