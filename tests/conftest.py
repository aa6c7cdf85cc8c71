"""Shared fixtures: a real local web server over a copy of a test site, and archive files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.demo.server import serve_folder
from db import open_engine, session_factory

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


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The URL of a fresh SQLite archive file."""
    return f"sqlite:///{tmp_path / 'archive.db'}"


@pytest.fixture
def sessions(db_url: str):  # type: ignore[no-untyped-def]
    """A session factory on the archive at ``db_url``."""
    engine = open_engine(db_url)
    yield session_factory(engine)
    engine.dispose()
