"""Throw-away PostgreSQL archives for tests: one schema per test in the ``test`` database.

The archive URL carries ``options=-csearch_path=SCHEMA``, so every connection made from it —
in this process or in a worker subprocess — lands in that schema. The schema is dropped
(with everything in it) when the test ends.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote

import psycopg
from sqlalchemy.engine import make_url

from tests.services import require_service

logger = logging.getLogger(__name__)

#: the test database; override to point the suite at another server
PG_URL_ENV = "VIRAL_ARCHIVE_TEST_PG"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    """The SQLAlchemy URL of the test database (no schema chosen)."""
    return os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)


def _libpq_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@cache
def pg_unreachable_reason() -> str | None:
    """None when the test database answers, else why not (one line)."""
    try:
        with psycopg.connect(_libpq_dsn(admin_url()), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"{admin_url()}: {str(exc).strip().splitlines()[0]}"


def schema_url(schema: str) -> str:
    """The archive URL of ``schema`` in the test database."""
    options = quote(f"-csearch_path={schema}", safe="")
    separator = "&" if "?" in admin_url() else "?"
    return f"{admin_url()}{separator}options={options}"


@contextmanager
def fresh_schema(prefix: str = "va_test") -> Iterator[str]:
    """A new empty schema, as an archive URL; dropped with its contents afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_dsn(admin_url()), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(schema)
    finally:
        with psycopg.connect(_libpq_dsn(admin_url()), autocommit=True) as connection:
            connection.execute("SET lock_timeout = '20s'")
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def archive_url(backend: str, folder: Path, name: str = "archive.db") -> Iterator[str]:
    """A fresh empty archive on ``backend``: a SQLite file ``name`` in ``folder``, or a
    PostgreSQL schema of its own (the test needs PostgreSQL then)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / name}"
        return
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    with fresh_schema() as url:
        yield url
