"""Quality gate for CI: our extractor on every shared corpus, against fixed floors.

Run from the repository root::

    python -m benchmarks.gate [--corpora ../shared/corpora]

Runs ``archive.extract_article`` alone (no peer) over article-bodies, reader-pages and
publication-dates, and exits 1 when a figure falls below its floor in :data:`FLOORS`,
when any page raises, or when a page of several paragraphs of prose comes out empty or
as a non-article; 2 when the corpora are missing. Prints one line per check.

The floors sit just under the figures the extractor reached when they were set (see
``docs/benchmarks.md``): a change that lowers a figure by more than noise fails the
build, and raising a floor is a deliberate edit here.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bodies import OursExtras, ours_capturing, ours_extras, score_body_pass, subset
from benchmarks.corpora import (
    BODIES,
    DATES,
    DEFAULT_CORPORA,
    READER,
    load_body_corpora,
    load_dates,
)
from benchmarks.dates import score_date_pass
from benchmarks.measure import timed_pass
from benchmarks.tools import BODY_TOOLS, DATE_TOOLS


@dataclass(frozen=True, slots=True)
class Floors:
    """The lowest figures the gate accepts."""

    #: body F1 per corpus (reader-pages also for its site pages)
    f1: tuple[tuple[str, float], ...]
    #: publication-dates accuracy
    date_accuracy: float
    #: exact titles on reader-pages' site pages
    titles_exact: int


#: The floors, set just under what the extractor reached (EXTRACTOR_VERSION 4).
FLOORS = Floors(
    f1=(
        ("article-bodies", 0.978),
        ("reader-pages", 0.938),
        ("reader-pages (site)", 0.928),
    ),
    date_accuracy=0.930,
    titles_exact=67,
)


@dataclass(slots=True)
class Check:
    """One gate check: what, the figure, the floor, and whether it holds."""

    name: str
    value: float
    floor: float
    ok: bool

    def line(self) -> str:
        """The check as the gate prints it."""
        value = f"{self.value:.4f}" if isinstance(self.value, float) else str(self.value)
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {value} (floor {self.floor})"


def run_checks(corpora: Path) -> tuple[list[Check], list[str]]:
    """Every check of the gate, and the problems that fail it whatever the figures."""
    checks: list[Check] = []
    problems: list[str] = []
    floors = dict(FLOORS.f1)
    extras: list[OursExtras] = []
    body_tool = next(t for t in BODY_TOOLS if t.key == "ours")
    for corpus in load_body_corpora(corpora):
        extract, articles = ours_capturing()
        run = timed_pass(extract, corpus.pages)
        result = score_body_pass(corpus.name, body_tool, corpus.pages, run)
        extras.append(ours_extras(corpus.name, corpus.pages, result, articles, 0))
        results = [result]
        if any(page.kind != "site" for page in corpus.pages):
            results.append(subset(result, corpus.pages, "site"))
        for r in results:
            floor = floors[r.corpus]
            checks.append(Check(f"F1 {r.corpus}", r.f1, floor, r.f1 >= floor))
        problems += [f"{corpus.name}/{f.page} raised {f.error}: {f.message}" for f in run.failures]
    for e in extras:
        problems += [f"{e.corpus}/{page} is empty or not an article" for page in e.defects]
        if e.teaser_titles:
            problems.append(f"{e.corpus}: {e.teaser_titles} titles end in a teaser's tail")
        if e.titles:
            checks.append(Check(f"titles exact {e.corpus} (site)", e.titles_exact,
                                FLOORS.titles_exact, e.titles_exact >= FLOORS.titles_exact))
    date_tool = next(t for t in DATE_TOOLS if t.key == "ours")
    pages = load_dates(corpora)
    date_run = timed_pass(date_tool.load(), pages)
    dates = score_date_pass(date_tool, pages, date_run)
    checks.append(Check("date accuracy publication-dates", dates.accuracy,
                        FLOORS.date_accuracy, dates.accuracy >= FLOORS.date_accuracy))
    problems += [f"publication-dates/{f.page} raised {f.error}: {f.message}"
                 for f in date_run.failures]
    return checks, problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate; 0 when every check holds, 1 when one fails, 2 without corpora."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.gate",
        description="Quality gate: our extractor on the shared corpora against fixed floors.")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="folder holding the shared corpora (default: %(default)s)")
    args = parser.parse_args(argv)
    missing = [name for name in (BODIES, READER, DATES) if not (args.corpora / name).is_dir()]
    if missing:
        print(f"gate: no {', '.join(missing)} under {args.corpora}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    checks, problems = run_checks(args.corpora)
    for check in checks:
        print(check.line())
    for problem in problems:
        print(f"FAIL {problem}")
    failed = len([c for c in checks if not c.ok]) + len(problems)
    seconds = time.perf_counter() - start
    if failed:
        print(f"gate: {failed} of {len(checks) + len(problems)} checks failed ({seconds:.1f} s)")
        return 1
    print(f"gate: all {len(checks)} checks hold ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
