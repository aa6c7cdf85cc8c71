"""Crawl speed: ``viral-archive``'s source crawl against Scrapy + trafilatura + sqlite3.

Both crawl the same local site of real pages (``benchmarks/crawl_site.py``: robots.txt,
a sitemap index, gzip sitemaps), in the same run, each in a fresh process, with the
politeness limits lifted for the local host (``LOCAL_HOST_SETTINGS`` of
``benchmarks/crawl_site.py``). Ours is the library call behind ``viral-archive crawl
--config`` (:func:`crawler.runner.run_source_crawl`) with one sitemap source, once per
``--processes`` value (page-reading worker processes; 0 reads in the crawling process).
Reported: wall seconds from process start to exit, pages read per second, the ratio to
the peer's, CPU milliseconds per page of the whole process tree (the figure the load of
other jobs on the machine moves least), and the peak memory of the whole process tree
(pool workers included; RSS summed, and PSS, which counts shared pages once) and of
each kind of process in it (the crawling process, the forkserver, a page reader), and with
``--memory-at`` our tree's memory when the crawl had fetched that many pages::

    python -m benchmarks.crawl --pages 1809 --processes 0,1,2,4
    python -m benchmarks.crawl --pages 20000 --no-peer --memory-at 2000,10000,20000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# not crawl_peer: a page-reading worker imports this module again (it is __main__ when
# run with -m), and would load the peer's Scrapy and trafilatura for nothing
from benchmarks.crawl_site import LOCAL_HOST_SETTINGS
from benchmarks.proctree import TreeSampler


@dataclass(slots=True)
class Run:
    """One crawl: what it did and what it cost."""

    name: str
    pages: int = 0
    stored: int = 0
    seconds: float = 0.0
    peak_rss: float = 0.0
    peak_pss: float = 0.0
    cpu: float = 0.0
    load: str = ""
    memory_at: list[tuple[int, float, float]] = field(default_factory=list)
    #: role -> (processes, peak RSS, PSS, USS of one process of that role)
    by_role: dict[str, tuple[int, float, float, float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _measure(name: str, command: list[str], memory_at: list[int]) -> Run:
    """Run ``command``, sampling its tree; it prints ``progress N`` and ``pages N stored M``."""
    run = Run(name, load=_load())
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    sampler = TreeSampler(process.pid)
    wanted = sorted(memory_at)
    assert process.stdout is not None
    for line in process.stdout:
        words = line.split()
        if words[:1] == ["progress"] and wanted and int(words[1]) >= wanted[0]:
            rss, pss = sampler.latest
            run.memory_at.append((int(words[1]), rss, pss))
            wanted.pop(0)
        elif words[:1] == ["pages"]:
            run.pages = int(words[1])
            run.stored = int(words[3]) if len(words) > 3 else run.pages
            # a mark the last progress line fell short of: the memory as the crawl ends
            while wanted and wanted[0] <= run.pages:
                rss, pss = sampler.latest
                run.memory_at.append((run.pages, rss, pss))
                wanted.pop(0)
    process.wait()
    run.seconds = time.monotonic() - started
    sampler.stop()
    run.cpu = sampler.cpu_seconds
    run.peak_rss, run.peak_pss = sampler.peak_rss, sampler.peak_pss
    run.by_role = {role: (len(sampler.seen[role]), *peak)
                   for role, peak in sampler.by_role.items()}
    if process.returncode != 0:
        raise SystemExit(f"{name} exited with {process.returncode}")
    return run


def run_ours(site: str, db: Path, processes: int | None) -> None:
    """Crawl ``site`` into ``db`` as the benchmark's ``ours`` (in this process)."""
    from archive.core.sources import parse_sources
    from crawler.runner import run_source_crawl

    # the sources file a user would write for the site, read as `crawl --config` reads it
    sources = parse_sources(f'[sources.bench]\nsitemaps = ["{site}/sitemap_index.xml"]\n'
                            "depth = 0\nmax_pages = 1000000\n", db.with_suffix(".toml"))
    source = sources.get("bench")
    last = [0.0]

    def progress(counts: dict[str, int]) -> None:
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            print(f"progress {counts['pages_fetched']}", flush=True)

    settings = {**LOCAL_HOST_SETTINGS, "ARCHIVE_READING_PROCESSES": processes}
    result = run_source_crawl(source, db_url=f"sqlite:///{db}", settings=settings,
                              on_progress=progress)
    counts = result.counts
    stored = counts["articles_new"] + counts["articles_updated"] + counts["articles_unchanged"]
    print(f"pages {counts['pages_fetched']} stored {stored}", flush=True)


def _print(runs: list[Run], peer: Run | None) -> None:
    print(f"\n{'crawl':<28} {'pages':>6} {'stored':>6} {'wall s':>7} {'pages/s':>8} "
          f"{'ratio':>6} {'CPU ms/page':>11} {'RSS MB':>7} {'PSS MB':>7}  load (1/5/15 min) "
          "at start")
    for run in runs:
        ratio = f"{run.rate / peer.rate:.2f}" if peer is not None and peer.rate else "-"
        print(f"{run.name:<28} {run.pages:>6} {run.stored:>6} {run.seconds:>7.1f} "
              f"{run.rate:>8.1f} {ratio:>6} {1000 * run.cpu / max(run.pages, 1):>11.1f} "
              f"{run.peak_rss:>7.0f} {run.peak_pss:>7.0f}  "
              f"{run.load}")
        for pages, rss, pss in run.memory_at:
            print(f"    at {pages:>6} pages: RSS {rss:.0f} MB, PSS {pss:.0f} MB")
        for role, (count, rss, pss, uss) in sorted(run.by_role.items()):
            print(f"    {role} ({count} seen), peak of one: RSS {rss:.0f} MB, "
                  f"PSS {pss:.0f} MB, USS {uss:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    ours = sub.add_parser("ours", help="(internal) run our crawl in this process")
    ours.add_argument("--site", required=True)
    ours.add_argument("--db", type=Path, required=True)
    ours.add_argument("--processes", type=int, default=None)
    parser.add_argument("--pages", type=int, default=1809)
    parser.add_argument("--processes", default="default",
                        help="comma-separated page-reading processes of our runs "
                             "('default': one per core)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--memory-at", default="", help="comma-separated page counts")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "ours":
        run_ours(args.site, args.db, args.processes)
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="crawlbench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    memory_at = [int(n) for n in args.memory_at.split(",") if n]
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.crawl_site",
                               "--pages", str(args.pages)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    site = server.stdout.readline().strip()
    print(f"site {site}: {args.pages} pages; workdir {workdir}", flush=True)
    try:
        for round_number in range(args.rounds):
            runs: list[Run] = []
            peer: Run | None = None
            if not args.no_peer:
                db = workdir / f"peer-{round_number}.db"
                db.unlink(missing_ok=True)
                peer = _measure("scrapy+trafilatura+sqlite3", [
                    sys.executable, "-m", "benchmarks.crawl_peer", "--site", site,
                    "--db", str(db)], [])
                runs.append(peer)
            for value in args.processes.split(","):
                db = workdir / f"ours-{value}-{round_number}.db"
                db.unlink(missing_ok=True)
                command = [sys.executable, "-m", "benchmarks.crawl", "ours", "--site", site,
                           "--db", str(db)]
                if value != "default":
                    command += ["--processes", value]
                runs.append(_measure(f"viral-archive, processes={value}", command,
                                     memory_at))
            _print(runs, peer)
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
