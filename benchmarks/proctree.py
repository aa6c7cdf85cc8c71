"""Memory of a process and all its descendants (pool workers included), read from /proc.

CPU time is summed over every process seen below the root (the last sample of each: a
process that ends loses at most one sampling interval). RSS summed over processes counts
the pages they share (a forkserver's preloaded modules) once per process; PSS divides
each shared page among its sharers, so its sum is the tree's real footprint. Both are
reported. Linux only.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _kib(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (0 when it is gone)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_memory(pid: int) -> tuple[float, float, float]:
    """(RSS, PSS, USS) of process ``pid`` in MB (USS: the pages no other process maps);
    zeros when it is gone."""
    rollup: dict[str, int] = {}
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":", 1)
            rollup[key] = int(value.split()[0])
    except (OSError, ValueError):
        return 0.0, 0.0, 0.0
    uss = rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)
    return rollup.get("Rss", 0) / 1024, rollup.get("Pss", 0) / 1024, uss / 1024


def role_of(pid: int, root: int) -> str:
    """What process ``pid`` of ``root``'s tree is: the crawling process, the pool's
    forkserver, a worker forked from it, multiprocessing's resource tracker, or other."""
    if pid == root:
        return "crawling process"
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
        parent = int((PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        parent_command = (PROC / str(parent) / "cmdline").read_bytes()
    except (OSError, ValueError):
        return "other"
    if b"forkserver" in command and b"forkserver" not in parent_command:
        return "forkserver"
    if b"forkserver" in parent_command:
        return "worker"
    if b"resource_tracker" in command:
        return "resource tracker"
    return "other"


def tree_memory(root: int) -> tuple[float, float]:
    """(RSS, PSS) of ``root``'s process tree, in MB."""
    pids = descendants(root)
    rss = sum(_kib(PROC / str(pid) / "status", "VmRSS:") for pid in pids)
    pss = sum(_kib(PROC / str(pid) / "smaps_rollup", "Pss:") for pid in pids)
    return rss / 1024, pss / 1024


class TreeSampler:
    """Samples a process tree's memory every ``interval`` seconds in a thread."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self.root = root
        self.interval = interval
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self.latest = (0.0, 0.0)
        self.cpu: dict[int, float] = {}
        #: role (:func:`role_of`) -> the peak (RSS, PSS, USS) of one process of that role
        self.by_role: dict[str, tuple[float, float, float]] = {}
        #: role -> processes of that role seen
        self.seen: dict[str, set[int]] = {}
        self._roles: dict[int, str] = {}
        # CPU spent before sampling began does not count
        self._base = {pid: cpu_seconds(pid) for pid in descendants(root)}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for pid in descendants(self.root):
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(pid))
                self._sample_role(pid)
            self.latest = tree_memory(self.root)
            self.peak_rss = max(self.peak_rss, self.latest[0])
            self.peak_pss = max(self.peak_pss, self.latest[1])

    def _sample_role(self, pid: int) -> None:
        role = self._roles.get(pid) or self._roles.setdefault(pid, role_of(pid, self.root))
        self.seen.setdefault(role, set()).add(pid)
        now = process_memory(pid)
        peak = self.by_role.get(role, (0.0, 0.0, 0.0))
        self.by_role[role] = (max(peak[0], now[0]), max(peak[1], now[1]),
                              max(peak[2], now[2]))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of the tree since sampling began, summed over its processes."""
        return sum(cpu - self._base.get(pid, 0.0) for pid, cpu in self.cpu.items())
