"""Shared fixtures: a real local web server over a copy of a test site, and archive files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.operations.demo.server import serve_folder
from db import open_engine, session_factory
from tests.mockserver import MockSites
from tests.pg import archive_url

SITES = Path(__file__).parent / "site"
#: fast crawling for sites on this machine
LOCAL_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    """A writable copy of ``tests/site/basic``, so a test may edit its pages."""
    folder = tmp_path / "site"
    shutil.copytree(SITES / "basic", folder)
    return folder


@pytest.fixture
def basic_server(basic_site: Path) -> Iterator[str]:
    """The base URL of a real HTTP server serving ``basic_site``."""
    with serve_folder(basic_site) as base_url:
        yield base_url


BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: the test is about SQLite files and runs on SQLite only"
    )
    config.addinivalue_line(
        "markers", "postgresql_only: the test is about PostgreSQL and runs on it only"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # every test using an archive runs on each backend, unless it is about SQLite itself
    if "db_backend" in metafunc.fixturenames:
        backends = list(BACKENDS)
        if metafunc.definition.get_closest_marker("sqlite_only") is not None:
            backends = ["sqlite"]
        elif metafunc.definition.get_closest_marker("postgresql_only") is not None:
            backends = ["postgresql"]
        metafunc.parametrize("db_backend", backends, indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """The archive backend this run of the test uses: ``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def db_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty archive: a SQLite file, or a PostgreSQL schema of its own."""
    with archive_url(db_backend, tmp_path) as url:
        yield url


@pytest.fixture
def sessions(db_url: str):  # type: ignore[no-untyped-def]
    """A session factory on the archive at ``db_url``."""
    engine = open_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def archivist(tmp_path: Path) -> Iterator[MockSites]:
    """The two sites of ``tests/site/archivist`` (a writable copy), served with the
    behaviour of real news sites: see ``tests/mockserver.py``."""
    from tests.archivist import serve_archivist

    with serve_archivist(tmp_path) as sites:
        yield sites
