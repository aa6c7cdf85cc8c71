"""Side-by-side benchmark of article extraction: ours against trafilatura, readability-lxml,
BeautifulSoup ``get_text()`` (article bodies) and htmldate (publication dates).

Run from the repository root::

    python -m benchmarks.extraction [--corpora ../shared/corpora] [--only bodies|dates]
        [--limit N] [--repeat N] [--tools ours,trafilatura,...] [--worst N] [--json OUT.json]

The quality gate for CI, ours only, is ``python -m benchmarks.gate`` (:mod:`benchmarks.gate`).

Method (details in ``docs/benchmarks.md``):

- Corpora: ``../shared/corpora/article-bodies`` (181 pages), ``reader-pages`` (122
  pages, reported whole and for its 89 ``site`` pages) and ``publication-dates`` (300
  pages), scored as their README prescribes (:mod:`benchmarks.scoring`). Ours is also
  checked for titles, publication days and empty or non-article results on pages of
  prose (:mod:`benchmarks.bodies`); its worst pages are listed with the kind of failure
  (:mod:`benchmarks.failures`).
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
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks.bodies import BodyResult, OursExtras, run_body_corpus
from benchmarks.corpora import DEFAULT_CORPORA, load_body_corpora, load_dates
from benchmarks.dates import DateResult, run_dates
from benchmarks.failures import page_figures
from benchmarks.measure import Failure, Pass, measure, timed_pass
from benchmarks.report import print_report
from benchmarks.tools import BODY_TOOLS, DATE_TOOLS

__all__ = ["Failure", "Pass", "main", "measure", "page_figures", "timed_pass"]

PACKAGES = ("trafilatura", "readability-lxml", "beautifulsoup4", "lxml", "htmldate")
#: Worst pages listed per corpus unless ``--worst`` says otherwise.
DEFAULT_WORST = 15


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
    extras: Sequence[OursExtras], dates: Sequence[DateResult],
) -> None:
    """Write the run's figures to ``path``."""
    document = {
        "run": info,
        "bodies": [_body_json(r) for r in bodies],
        "ours": [asdict(e) for e in extras],
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
        "readability-lxml, BeautifulSoup get_text() and htmldate, on every body corpus "
        "(article-bodies, reader-pages) and the publication-dates corpus.",
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="folder holding article-bodies/, reader-pages/ and "
                        "publication-dates/ (default: %(default)s)")
    parser.add_argument("--only", choices=("bodies", "dates"), help="run one part only")
    parser.add_argument("--limit", type=int, help="use the first N pages of each corpus")
    parser.add_argument("--tools", help=f"comma-separated tools to run, among {','.join(keys)}"
                        " (default: all installed)")
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of N timings")
    parser.add_argument("--warmup", type=int, default=3,
                        help="pages extracted untimed before each tool's pass (default: 3)")
    parser.add_argument("--worst", type=int, default=DEFAULT_WORST, metavar="N",
                        help="list our N pages with the lowest F1 per body corpus, with the "
                        "kind of failure (default: %(default)s)")
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
    extras: list[OursExtras] = []
    dates: list[DateResult] = []
    if args.only in (None, "bodies"):
        for corpus in load_body_corpora(args.corpora, args.limit):
            results, ours = run_body_corpus(corpus, wanted, args.warmup, args.repeat,
                                            args.worst, status)
            bodies += results
            if ours is not None:
                extras.append(ours)
    if args.only in (None, "dates"):
        date_pages = load_dates(args.corpora, args.limit)
        dates = run_dates(date_pages, wanted, args.warmup, args.repeat, status)
    info = run_info(args)
    console.print(f"run {info['date']} · {info['cpus']} CPUs · revision {info['revision']}"
                  f" · extractor {info['extractor_version']}", highlight=False)
    print_report(console, bodies, extras, dates)
    if args.json:
        write_json(args.json, info, bodies, extras, dates)
        status.print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
