"""Import speed: ``Archive.import_jsonl`` (the code of ``viral-archive import``) into a fresh
SQLite archive, by number of parsing processes, with stories placed as the articles are
written (the default) or not (``import --no-stories``). What the full-text index costs,
and how deferring it would compare, is ``benchmarks/fts_indexing.py``'s to measure.

The JSON Lines are those of ``benchmarks/search.py`` (same generator, same seed, same file
names in ``--workdir``), so ``python -m benchmarks.search --workdir DIR --reuse`` then
times the queries on the archive this benchmark built::

    python -m benchmarks.import_speed --articles 200000 --processes 1,2 --workdir /tmp/ib
    python -m benchmarks.import_speed --articles 1000000 --processes 2 --stories off

Reported: articles/s, CPU per article of this process and its workers (what the load
of other jobs moves least), the parent's and workers' peak memory (process tree, RSS summed
and PSS), and the load average around each run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from archive.research.api import Archive
from benchmarks.corpora import DEFAULT_CORPORA
from benchmarks.proctree import TreeSampler
from benchmarks.search import generate, load_pools


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def import_once(jsonl: Path, db: Path, processes: int, *, stories: bool) -> str:
    """Import ``jsonl`` into a fresh archive at ``db``; one line of figures."""
    for leftover in db.parent.glob(f"{db.name}*"):
        leftover.unlink()
    arc = Archive(f"sqlite:///{db}", create=True)
    load_before = _load()
    sampler = TreeSampler(os.getpid())
    started = time.monotonic()
    own_cpu = time.process_time()
    report = arc.import_jsonl(jsonl, processes=processes, stories=stories)
    seconds = time.monotonic() - started
    own_cpu = time.process_time() - own_cpu
    sampler.stop()
    arc.close()
    new = max(report.new, 1)
    return (f"{report.new:>9,} articles, processes={processes}, stories "
            f"{'on' if stories else 'off'}: {seconds:7.1f} s = {report.new / seconds:6,.0f}/s; "
            f"CPU {1e6 * sampler.cpu_seconds / new:.0f} µs/article in all, "
            f"{1e6 * own_cpu / new:.0f} in the writing process; "
            f"peak RSS {sampler.peak_rss:.0f} MB, "
            f"PSS {sampler.peak_pss:.0f} MB; load {load_before} -> {_load()}; "
            f"{len(report.errors)} bad lines")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--processes", default="2", help="comma-separated values")
    parser.add_argument("--stories", default="on", help="on, off, or on,off")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/import-bench"))
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    jsonl = args.workdir / f"articles-{args.articles}.jsonl"
    if not jsonl.exists():
        started = time.monotonic()
        generate(load_pools(args.corpora), args.articles, jsonl, random.Random(args.seed))
        print(f"generated {jsonl} in {time.monotonic() - started:.0f} s", flush=True)
    for value in args.processes.split(","):
        for stories in args.stories.split(","):
            if stories not in ("on", "off"):
                parser.error(f"--stories takes on, off or on,off, not {stories!r}")
            # the name benchmarks/search.py --reuse looks for
            db = args.workdir / f"archive-{args.articles}.db"
            print(import_once(jsonl, db, int(value), stories=stories == "on"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
