"""Worker pools of real processes: workers do not outlive the process that owns them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.core.processes import (
    READING_PROCESSES_ENV,
    reading_processes,
    spare_cores,
    usable_cores,
)
from archive.exceptions import ArchiveError

ROOT = Path(__file__).resolve().parents[1]

OWNER = """
import os, time
from archive.core.processes import process_pool
pool = process_pool(2)
print(*{pool.submit(os.getpid).result() for _ in range(8)}, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead (its parent has not collected it yet)
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_workers_exit_when_their_owner_is_killed() -> None:
    owner = subprocess.Popen([sys.executable, "-c", OWNER], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE)
    assert owner.stdout is not None
    workers = [int(pid) for pid in owner.stdout.readline().split()]
    assert workers and all(_alive(pid) for pid in workers)
    owner.send_signal(signal.SIGKILL)  # no shutdown, no clean-up of any kind
    owner.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


def test_reading_processes_come_from_the_setting_then_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(READING_PROCESSES_ENV, raising=False)
    assert reading_processes() == spare_cores() == max(1, usable_cores() - 1)
    monkeypatch.setenv(READING_PROCESSES_ENV, " 3 ")
    assert reading_processes() == 3
    assert reading_processes(0) == 0  # the setting wins
    for bad in ("abc", "-1", "257", "1.5"):
        monkeypatch.setenv(READING_PROCESSES_ENV, bad)
        with pytest.raises(ArchiveError, match=r"VIRAL_ARCHIVE_READING_PROCESSES must be"):
            reading_processes()
    with pytest.raises(ArchiveError, match=r"ARCHIVE_READING_PROCESSES must be .* not -2"):
        reading_processes(-2)


def test_a_bad_reading_processes_variable_is_one_sentence_before_any_work() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archive", "stats", "--db", "sqlite:////nonexistent/x.db"],
        capture_output=True, text=True, env={**os.environ, READING_PROCESSES_ENV: "many"},
        cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: $VIRAL_ARCHIVE_READING_PROCESSES must be a number of processes from 0 "
        "(read pages in the crawling process) to 256, not 'many'.")
