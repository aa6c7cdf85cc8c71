"""What a bad site costs a crawl: a page of 50,000 links under the default caps, a dead
host, a host name that does not resolve.

Each crawl is ``viral-archive crawl`` in a subprocess of its own, as a user runs it
(default settings: AutoThrottle on, the default caps), against the local hostile site of
:mod:`benchmarks.hostile_site`; wall time includes starting Python. Run from the
repository root::

    python -m benchmarks.caps
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from benchmarks.hostile_site import serve_hostile

ROOT = Path(__file__).resolve().parents[1]


def crawl(url: str, *args: str) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit status) of ``viral-archive crawl URL ARGS``."""
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'caps.db'}"
        started = time.monotonic()
        process = subprocess.run([sys.executable, "-m", "archive", "crawl", url, *args,
                                  "--db", db], cwd=ROOT, capture_output=True, text=True)
        seconds = time.monotonic() - started
    # ru_maxrss of the children is the largest of any child so far: each crawl is measured
    # in a fresh process of this benchmark (see main), so it is this crawl's
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, process.returncode


def closed_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(case: str, links: int) -> tuple[float, float, int, int]:
    """Wall seconds, peak RSS, exit status and requests the site saw, for ``case``."""
    if case == "dead host":
        return (*crawl(f"http://127.0.0.1:{closed_port()}/"), 0)
    if case == "unresolvable host":
        return (*crawl("http://nonexistent.invalid/"), 0)
    with serve_hostile(link_count=links) as site:
        result = crawl(f"{site.base}/links.html", "--depth", "2")
        return (*result, len(site.requests))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=50_000)
    parser.add_argument("--case", choices=["links", "dead host", "unresolvable host"])
    args = parser.parse_args(argv)
    if args.case:
        seconds, peak, status, requests = measure(args.case, args.links)
        print(f"{seconds:.2f}\t{peak:.0f}\t{status}\t{requests}")
        return 0
    print("| crawl | wall s | peak RSS MB | exit | requests to the site |")
    print("|---|---:|---:|---:|---:|")
    for case in ("links", "dead host", "unresolvable host"):
        # each case in a fresh process, so that the children's peak RSS is its own
        line = subprocess.run([sys.executable, "-m", "benchmarks.caps", "--case", case,
                               "--links", str(args.links)], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.split()
        name = f"page of {args.links:,} links, depth 2" if case == "links" else case
        print(f"| {name} | {line[0]} | {line[1]} | {line[2]} | {line[3]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
