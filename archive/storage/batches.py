"""One writer thread that commits in short batches: the crawl's way into the archive.

Writes are handed over as *jobs* (functions of a session); the thread runs whatever jobs
are waiting — at most :data:`MAX_JOBS` — in one transaction and commits it, so the cost
of a commit (an fsync, an FTS5 index segment) is shared by the batch, and a batch
grows only while writes arrive faster than they commit: a lone write is committed at
once. Each job runs in a SAVEPOINT of its own: one that fails is rolled back alone (its
Future gets the error) and the rest of the batch is kept. A Future's result is set only
once its batch is committed, so a caller that waits for it knows the write is stored;
a process killed in between loses at most the batch in flight, whole jobs at a time.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from db import begin_batch, limit_page_cache

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: jobs committed together at most
MAX_JOBS = 200
#: SQLite page cache of the writer's connection: it appends, and the 64 MiB a search
#: connection keeps would only add to the crawl's memory
WRITER_CACHE_KIB = 8_192


@dataclass(slots=True)
class _Job:
    run: Callable[[Session], Any]
    future: Future[Any] = field(default_factory=Future)


class BatchWriter:
    """Runs jobs in batches in a thread of its own (see the module docstring)."""

    def __init__(self, sessions: sessionmaker[Session], *, max_jobs: int = MAX_JOBS,
                 name: str = "archive-writer") -> None:
        self.sessions = sessions
        self.max_jobs = max_jobs
        self.batches = 0
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, run: Callable[[Session], T]) -> Future[T]:
        """Run ``run(session)`` in a batch; the Future holds its result once committed,
        or the error that rolled it (or its whole batch) back."""
        job = _Job(run)
        self._jobs.put(job)
        return job.future

    def close(self) -> None:
        """Commit the jobs handed over so far, then stop the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_jobs:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._write(batch)

    def _write(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            with self.sessions.begin() as session:
                limit_page_cache(session, WRITER_CACHE_KIB)
                begin_batch(session)
                for job in batch:
                    try:
                        with session.begin_nested():
                            outcomes.append((job, job.run(session), None))
                    except Exception as exc:  # the job's own failure: its Future says it
                        outcomes.append((job, None, exc))
        except Exception as exc:  # noqa: BLE001 - the commit failed: nothing was stored
            # (any error: the thread must never die leaving Futures unanswered)
            logger.debug("A batch of %d writes was rolled back: %s", len(batch), exc)
            for job in batch:
                job.future.set_exception(exc)
            return
        self.batches += 1
        for job, result, error in outcomes:
            if error is None:
                job.future.set_result(result)
            else:
                job.future.set_exception(error)
