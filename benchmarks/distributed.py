"""Pages per second for 1, 2, 3... ``viral-archive worker`` processes on one frontier.

Serves the generated 2,000-article site (:mod:`benchmarks.newssite`) locally, and for each
worker count crawls it from a fresh Redis frontier into a fresh PostgreSQL schema. The
time runs from the workers' start to the last article committed (the idle wait at the
end is not counted). Needs the services of the test suite (``VIRAL_ARCHIVE_TEST_PG``,
``VIRAL_ARCHIVE_TEST_REDIS``)::

    .venv/bin/python -m benchmarks.distributed --articles 2000 --workers 1 2 3
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from archive.operations.demo.server import serve_folder
from benchmarks.newssite import write_news_site
from crawler.frontier import Frontier, StartPage
from db import models, open_engine, session_factory
from tests.pg import fresh_schema

REDIS_URL = os.environ.get("VIRAL_ARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _cpu_of(command: str) -> float:
    """CPU seconds used so far by this machine's processes named ``command``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if fields[0].split("(", 1)[1] != command:
                continue
            values = fields[1].split()
            # own time, and that of children waited for (exited PostgreSQL backends)
            total += sum(int(v) for v in values[11:15]) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


def _cpu() -> dict[str, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    this = resource.getrusage(resource.RUSAGE_SELF)
    return {"workers": children.ru_utime + children.ru_stime,
            "postgres": _cpu_of("postgres"), "redis": _cpu_of("redis-server"),
            "site": this.ru_utime + this.ru_stime}


def _archived(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(models.Article)) or 0)


def run(base_url: str, articles: int, workers: int,
        concurrency: int) -> tuple[float, float, dict[str, float]]:
    """Seconds to archive every article with ``workers`` processes, the load average seen,
    and the CPU seconds spent by the workers, PostgreSQL, Redis and this process (the
    site's HTTP server and the progress polling), idle wait at the end included."""
    frontier = Frontier(REDIS_URL, f"bench-{uuid.uuid4().hex[:8]}")
    with fresh_schema("va_bench") as db_url:
        engine = open_engine(db_url)
        sessions = session_factory(engine)
        frontier.enqueue([StartPage(base_url, 3, ("127.0.0.1",))])
        cpu_before = _cpu()
        started = time.monotonic()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "archive", "worker", "--frontier", frontier.url,
                 "--frontier-name", frontier.name, "--db", db_url, "--idle-timeout", "2",
                 "--concurrency", str(concurrency), "--per-domain", str(concurrency),
                 "--no-autothrottle"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        load_before = os.getloadavg()[0]
        while _archived(sessions) < articles:
            if all(p.poll() is not None for p in processes):
                raise SystemExit(f"workers stopped with {_archived(sessions)}/{articles} pages")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        load = os.getloadavg()[0]
        for process in processes:
            process.wait(timeout=120)
        cpu = {k: v - cpu_before[k] for k, v in _cpu().items()}
        engine.dispose()
    frontier.reset()
    return elapsed, max(load, load_before), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--concurrency", type=int, default=24)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="newssite-"))
    write_news_site(folder, args.articles)
    print(f"{args.articles} articles, {os.cpu_count()} cores, concurrency {args.concurrency} "
          "per worker")
    print("| workers | seconds | pages/s | load avg | CPU ms/page: workers | PostgreSQL | "
          "Redis | site server |\n|---:|---:|---:|---:|---:|---:|---:|---:|")
    with serve_folder(folder) as base_url:
        for workers in args.workers:
            seconds, load, cpu = run(base_url, args.articles, workers, args.concurrency)
            per_page = {k: v * 1000 / args.articles for k, v in cpu.items()}
            print(f"| {workers} | {seconds:.1f} | {args.articles / seconds:.1f} | {load:.1f} | "
                  f"{per_page['workers']:.1f} | {per_page['postgres']:.1f} | "
                  f"{per_page['redis']:.1f} | {per_page['site']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
