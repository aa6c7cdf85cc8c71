"""Worker processes for CPU-bound work: reading pages in a crawl, parsing lines in an import.

Pools are started from a *forkserver* where the platform has one (Linux): a small server
process, itself started fresh, imports the modules a job needs once, and every worker is
forked from it in a few milliseconds with those modules already loaded (and their memory
shared). Forking the crawling process itself would be unsafe: Twisted and SQLAlchemy run
threads there. Elsewhere the pool spawns fresh interpreters.

Ctrl-C reaches every process of the terminal's process group; workers ignore it, so
that the process that owns them decides what an interruption means. A worker whose owner
dies without shutting the pool down (``kill -9``, a crash) exits too: nothing else would
ever tell it, and it would wait for work forever.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from archive.core.memory import keep_large_blocks_mapped
from archive.exceptions import ArchiveError


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: environment variable setting a crawl's page-reading processes (``ARCHIVE_READING_PROCESSES``)
READING_PROCESSES_ENV = "VIRAL_ARCHIVE_READING_PROCESSES"
#: more page readers than this is a typo, not a machine
MAX_READING_PROCESSES = 256


def reading_processes(configured: object = None) -> int:
    """A crawl's page-reading processes: ``configured`` (the ``ARCHIVE_READING_PROCESSES``
    setting) if not ``None``, else ``$VIRAL_ARCHIVE_READING_PROCESSES`` if set, else
    :func:`spare_cores`; 0 reads pages in the crawling process.

    Raises:
        ArchiveError: the value is not a whole number from 0 to
            :data:`MAX_READING_PROCESSES`.
    """
    origin = "ARCHIVE_READING_PROCESSES"
    if configured is None:
        configured = os.environ.get(READING_PROCESSES_ENV, "").strip() or None
        origin = f"${READING_PROCESSES_ENV}"
    if configured is None:
        return spare_cores()
    try:
        value = int(str(configured))
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_READING_PROCESSES:
        raise ArchiveError(
            f"{origin} must be a number of processes from 0 (read pages in the crawling "
            f"process) to {MAX_READING_PROCESSES}, not {configured!r}.")
    return value


def spare_cores() -> int:
    """Worker processes beside a process that keeps a core busy itself (a crawl's
    fetching and writing): one per core but that one, and at least one."""
    return max(1, usable_cores() - 1)


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # the first pool fixes what the server imports; later preloads only add to it
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def _exit_with(owner: int) -> None:
    """Exit this process as soon as process ``owner`` has ended."""
    try:
        handle = os.pidfd_open(owner)
    except (AttributeError, OSError):  # not Linux 5.3+: look every second
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:  # another user's process: the pid was reused
                os._exit(0)
    select.select([handle], [], [])  # readable once the process has ended
    os._exit(0)


def _start_worker(owner: int, setup: Callable[..., None] | None, args: tuple[Any, ...]
                  ) -> None:
    keep_large_blocks_mapped()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(owner,), name="owner-watch", daemon=True
                     ).start()
    if setup is not None:
        setup(*args)


def process_pool(
    workers: int,
    *,
    preload: Sequence[str] = (),
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
    jobs_per_worker: int | None = None,
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that ignore Ctrl-C (see the module docstring).

    ``preload`` names the modules the workers' jobs need (imported once, in the
    forkserver); ``setup(*setup_args)`` runs in each worker as it starts. With
    ``jobs_per_worker``, a worker is replaced by a fresh one after that many jobs, which
    returns the memory it kept from its largest jobs.
    """
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(preload), max_tasks_per_child=jobs_per_worker,
        initializer=_start_worker, initargs=(os.getpid(), setup, setup_args),
    )
