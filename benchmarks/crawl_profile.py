"""Where a crawl's time goes per page: CPU by thread and by process, and a profile of the
reactor thread.

Runs our crawl of ``benchmarks/crawl.py`` in this process against the local site of
``benchmarks/crawl_site.py`` (started here), sampling every 0.2 s the CPU time of each of
this process's threads (the Twisted reactor that fetches and schedules, the archive
writer, the main thread) and of every process below it (the forkserver and the
page-reading workers); the reactor thread runs under ``cProfile``::

    python -m benchmarks.crawl_profile --pages 1809 --processes 2 [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.proctree import PROC, descendants

TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(stat_path: Path) -> float:
    """User + system CPU seconds of a process or thread, from its ``stat`` file."""
    try:
        fields = stat_path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


class CpuSampler:
    """Keeps the last CPU time seen of each thread of this process (by name) and of each
    process below it (threads and processes that end keep their last sample)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.threads: dict[int, tuple[str, float]] = {}
        self.processes: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        me = os.getpid()
        names = {t.native_id: t.name for t in threading.enumerate()}
        for task in (PROC / str(me) / "task").iterdir():
            tid = int(task.name)
            name = names.get(tid, self.threads.get(tid, ("other",))[0])
            self.threads[tid] = (name, _cpu(task / "stat"))
        for pid in descendants(me):
            if pid == me:
                continue
            try:
                cmdline = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            kind = "forkserver" if b"forkserver" in cmdline else "page readers"
            self.processes[pid] = (kind, _cpu(PROC / str(pid) / "stat"))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds by part."""
        self._sample()
        self._stop.set()
        self._thread.join()
        parts: dict[str, float] = {}
        for name, seconds in [*self.threads.values(), *self.processes.values()]:
            parts[name] = parts.get(name, 0.0) + seconds
        return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1809)
    parser.add_argument("--processes", type=int, default=None)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)

    from twisted.internet import reactor

    from benchmarks.crawl import run_ours

    server = subprocess.Popen([sys.executable, "-m", "benchmarks.crawl_site",
                               "--pages", str(args.pages)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    site = server.stdout.readline().strip()
    profile = cProfile.Profile()

    def run_reactor() -> None:
        profile.enable()
        reactor.run(installSignalHandlers=False)  # type: ignore[attr-defined]
        profile.disable()

    # started here, profiled; the crawl finds it running and uses it
    threading.Thread(target=run_reactor, name="twisted-reactor", daemon=True).start()
    while not reactor.running:  # type: ignore[attr-defined]
        time.sleep(0.01)
    db = Path(tempfile.mkdtemp(prefix="crawlprofile-")) / "archive.db"
    sampler = CpuSampler()
    started = time.monotonic()
    try:
        run_ours(site, db, args.processes)
    finally:
        server.terminate()
        server.wait()
    wall = time.monotonic() - started
    parts = sampler.stop()
    reactor.callFromThread(reactor.stop)  # type: ignore[attr-defined]
    time.sleep(0.5)
    pages = args.pages
    print(f"\n{pages} pages in {wall:.1f} s wall; load {os.getloadavg()}")
    print(f"{'part':<20} {'CPU s':>7} {'ms/page':>8}")
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"{name:<20} {seconds:>7.1f} {1000 * seconds / pages:>8.2f}")
    total = sum(parts.values())
    print(f"{'total':<20} {total:>7.1f} {1000 * total / pages:>8.2f}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print("\nreactor thread, by own time:")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
