"""The crawl's writer thread: batched transactions, each job all-or-nothing, results
only once committed. Real archives on both backends."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive.storage.batches import BatchWriter
from db import models, open_engine, session_factory


def _count_sources(sessions) -> int:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(models.Source)) or 0)


def test_a_failing_job_is_rolled_back_alone_and_the_batch_is_kept(sessions) -> None:
    writer = BatchWriter(sessions)
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> bool:
        started.set()
        return release.wait(10)

    # the first job holds the thread, so the next ones queue up and go in one batch
    blocker = writer.submit(hold)
    assert started.wait(10)

    def add(domain: str):  # type: ignore[no-untyped-def]
        def job(session: Session) -> str:
            session.add(models.Source(domain=domain, name=domain))
            session.flush()
            return domain
        return job

    def add_twice(session: Session) -> None:
        session.add(models.Source(domain="c.example", name="c"))
        session.flush()
        session.add(models.Source(domain="c.example", name="c again"))  # unique domain
        session.flush()

    first, bad, last = writer.submit(add("a.example")), writer.submit(add_twice), \
        writer.submit(add("b.example"))
    release.set()
    assert blocker.result(10) is True
    assert first.result(10) == "a.example" and last.result(10) == "b.example"
    with pytest.raises(IntegrityError):
        bad.result(10)
    writer.close()
    with sessions() as s:
        assert sorted(s.scalars(select(models.Source.domain))) == ["a.example", "b.example"]
    assert writer.batches == 2  # the blocker's batch, then the three others together


def test_results_arrive_only_once_committed(sessions) -> None:
    writer = BatchWriter(sessions)
    seen: list[int] = []

    def job(session: Session) -> None:
        session.add(models.Source(domain="d.example", name="d"))

    future = writer.submit(job)
    # read from another connection when the result arrives: the row must be there
    future.add_done_callback(lambda _done: seen.append(_count_sources(sessions)))
    future.result(10)
    writer.close()
    assert seen == [1]


def test_jobs_of_a_batch_are_committed_together(sessions) -> None:
    writer = BatchWriter(sessions)
    started, release = threading.Event(), threading.Event()
    outside: list[int] = []

    def hold(session: Session) -> None:
        started.set()
        release.wait(10)

    def add(session: Session) -> None:
        session.add(models.Source(domain="e.example", name="e"))
        session.flush()

    def look(session: Session) -> None:
        # the first job's savepoint is released, but its batch is not committed yet
        outside.append(_count_sources(sessions))

    writer.submit(hold)
    assert started.wait(10)
    added, looked = writer.submit(add), writer.submit(look)
    release.set()
    looked.result(10)
    added.result(10)
    writer.close()
    assert outside == [0]
    assert _count_sources(sessions) == 1


@pytest.mark.sqlite_only
def test_a_batch_that_has_read_can_still_write_after_another_writer(sessions, db_url) -> None:
    # another connection (the source lock's heartbeat, a second process) writes while a
    # batch is under way: the batch must wait for it or make it wait, never fail
    other = open_engine(db_url)
    other_done = threading.Event()

    def other_write() -> None:
        with session_factory(other).begin() as session:
            session.add(models.Source(domain="other.example", name="other"))
        other_done.set()

    def read_then_let_the_other_write(session: Session) -> int:
        count = int(session.scalar(select(func.count()).select_from(models.Source)) or 0)
        threading.Thread(target=other_write, daemon=True).start()
        other_done.wait(1.0)  # it commits now unless this batch holds the write lock
        return count

    def write(session: Session) -> None:
        session.add(models.Source(domain="mine.example", name="mine"))
        session.flush()

    writer = BatchWriter(sessions)
    started, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        started.set()
        release.wait(10)

    writer.submit(hold)
    assert started.wait(10)
    read, wrote = writer.submit(read_then_let_the_other_write), writer.submit(write)
    release.set()
    assert read.result(10) == 0
    wrote.result(10)
    writer.close()
    assert other_done.wait(10)
    other.dispose()
    with sessions() as s:
        assert sorted(s.scalars(select(models.Source.domain))) == ["mine.example",
                                                                    "other.example"]
