"""One crawl per source at a time, across processes and machines sharing the archive.

A crawl holds a row of ``crawl_locks`` keyed by the source name: inserting it succeeds
for one process only (the primary key decides, on SQLite and PostgreSQL alike). A lock
whose holder died is taken over once it expires, or at once when the holder was a
process of this machine that no longer runs. Holders extend the expiry while they work.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from archive.exceptions import SourceLocked
from db import models

logger = logging.getLogger(__name__)

#: a lock not extended for this long is stale (its holder died without releasing it)
LOCK_TTL = timedelta(minutes=30)


def this_holder() -> str:
    """``host/pid`` of this process, as lock holders are named."""
    return f"{socket.gethostname()}/{os.getpid()}"


def _holder_is_gone(holder: str) -> bool:
    host, _, pid = holder.rpartition("/")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # runs, as another user
        return False
    return False


def _locked(lock: models.CrawlLock) -> SourceLocked:
    since = lock.acquired_at.strftime("%Y-%m-%d %H:%M UTC")
    return SourceLocked(
        f'Source "{lock.source_name}" is already being crawled (since {since} by '
        f"{lock.holder}); try again later."
    )


def acquire_source_lock(
    sessions: sessionmaker[Session], source_name: str, *, ttl: timedelta = LOCK_TTL
) -> str:
    """Take the lock of ``source_name``; returns the holder name to release it with.

    Raises:
        SourceLocked: another crawl of the source holds a live lock.
    """
    holder, now = this_holder(), models.utcnow()
    try:
        with sessions.begin() as session:
            current = session.get(models.CrawlLock, source_name)
            if current is not None:
                if current.expires_at > now and not _holder_is_gone(current.holder):
                    raise _locked(current)
                logger.warning("Taking over the stale lock of %s held by %s",
                               source_name, current.holder)
                # only this very row: a process that took it over meanwhile keeps its own
                session.execute(delete(models.CrawlLock).where(
                    models.CrawlLock.source_name == source_name,
                    models.CrawlLock.holder == current.holder,
                    models.CrawlLock.acquired_at == current.acquired_at,
                ))
                session.expunge(current)
            session.add(models.CrawlLock(source_name=source_name, holder=holder,
                                         acquired_at=now, expires_at=now + ttl))
    except IntegrityError as exc:
        with sessions() as session:
            current = session.get(models.CrawlLock, source_name)
        if current is None:
            raise SourceLocked(f'Source "{source_name}" is being locked by another crawl; '
                               "try again later.") from exc
        raise _locked(current) from exc
    return holder


def extend_source_lock(
    sessions: sessionmaker[Session], source_name: str, holder: str, *, ttl: timedelta = LOCK_TTL
) -> None:
    """Move the expiry of our lock ``ttl`` ahead, so a long crawl keeps it."""
    with sessions.begin() as session:
        session.execute(update(models.CrawlLock).where(
            models.CrawlLock.source_name == source_name, models.CrawlLock.holder == holder,
        ).values(expires_at=models.utcnow() + ttl))


def release_source_lock(sessions: sessionmaker[Session], source_name: str, holder: str) -> None:
    """Give our lock of ``source_name`` back (a lock taken over by another stays)."""
    with sessions.begin() as session:
        session.execute(delete(models.CrawlLock).where(
            models.CrawlLock.source_name == source_name, models.CrawlLock.holder == holder,
        ))


@contextmanager
def source_lock(
    sessions: sessionmaker[Session], source_name: str, *, ttl: timedelta = LOCK_TTL
) -> Iterator[str]:
    """Hold the lock of ``source_name`` for the ``with`` block; yields the holder name.

    Raises:
        SourceLocked: another crawl of the source holds it.
    """
    holder = acquire_source_lock(sessions, source_name, ttl=ttl)
    try:
        yield holder
    finally:
        release_source_lock(sessions, source_name, holder)

