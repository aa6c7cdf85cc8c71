"""Source health, the scheduler and the per-source lock, through the command line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive.cli import main
from archive.core.sources import load_sources
from archive.exceptions import SourceLocked
from archive.operations.schedule import run_schedule
from archive.storage.locks import acquire_source_lock, release_source_lock, source_lock
from db import models, open_engine, session_factory
from tests.archivist import crawl_source, write_sources
from tests.mockserver import MockSites

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def health(config: Path, db_url: str) -> dict[str, dict]:  # type: ignore[type-arg]
    code, out = invoke("sources", "--config", str(config), "--db", db_url, "--format", "json")
    assert code == 0, out
    return {row["source"]: row for row in json.loads(out)}


def crawls(db_url: str) -> list[models.Crawl]:
    engine = open_engine(db_url)
    with session_factory(engine)() as session:
        rows = list(session.scalars(select(models.Crawl).order_by(models.Crawl.id)))
    engine.dispose()
    return rows


def test_sources_flags_a_source_that_returns_nothing(archivist: MockSites, tmp_path: Path,
                                                     db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    open_engine(db_url).dispose()  # an empty archive
    assert health(config, db_url)["ledger"]["flags"] == ["never crawled"]
    for name in ("ledger", "quill"):
        crawl_source(config, name, db_url)
    crawl_source(config, "quill", db_url)  # nothing new on the quill: normal, not a flag
    report = health(config, db_url)
    assert report["ledger"]["ok"] and report["quill"]["ok"]
    assert report["ledger"]["new_per_run"] == [8] and report["quill"]["new_per_run"] == [2, 0]

    archivist.broken = True  # the site now answers every page with an empty one
    crawl_source(config, "ledger", db_url)

    report = health(config, db_url)
    assert not report["ledger"]["ok"]
    assert report["ledger"]["flags"] == [
        "yield fell to zero: the last run found no links in sitemaps, feeds or pages"]
    assert report["ledger"]["new_per_run"] == [8, 0]
    assert report["quill"]["ok"]
    code, out = invoke("sources", "--config", str(config), "--db", db_url)
    assert code == 0
    assert "yield fell to zero" in out and "Flagged sources need a look" in out


@pytest.mark.sqlite_only
def test_sources_flags_a_jump_in_errors(archivist: MockSites, tmp_path: Path,
                                        db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    crawl_source(config, "ledger", db_url)
    archivist.status = 500

    crawl_source(config, "ledger", db_url)

    last = crawls(db_url)[-1]
    assert last.error_reasons == {"http_500": 3}  # the two feeds and the start page
    flags = health(config, db_url)["ledger"]["flags"]
    assert any(f.startswith("errors jumped: ") for f in flags), flags
    assert any(f.startswith("yield fell to zero") for f in flags), flags


def test_schedule_crawls_what_is_due(archivist: MockSites, tmp_path: Path, db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    sources = load_sources(config)
    done: list[str] = []

    def crawl(source):  # type: ignore[no-untyped-def]
        done.append(source.name)
        return crawl_source(config, source.name, db_url)

    assert run_schedule(sources, crawl, db_url=db_url, once=True) == 2
    assert done == ["ledger", "quill"]
    # nothing is due again within the hour
    assert run_schedule(sources, crawl, db_url=db_url, once=True) == 0
    # an hour later the ledger is due (interval 1h), the quill not yet (6h)
    engine = open_engine(db_url)
    with session_factory(engine).begin() as session:
        for crawl_row in session.scalars(select(models.Crawl)):
            crawl_row.started_at -= timedelta(hours=1, minutes=1)
    engine.dispose()
    sleeps: list[float] = []
    assert run_schedule(sources, crawl, db_url=db_url, max_runs=1, sleep=sleeps.append) == 1
    assert done == ["ledger", "quill", "ledger"]
    assert sleeps == []


@pytest.mark.sqlite_only
def test_schedule_command_runs_once(archivist: MockSites, tmp_path: Path, db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    code, out = invoke("schedule", "--config", str(config), "--db", db_url, "--max-runs", "1")
    assert code == 0, out
    assert "Scheduler stopped after 1 crawl(s)." in out
    assert [c.source_name for c in crawls(db_url)] == ["ledger"]


@pytest.mark.sqlite_only
def test_a_source_is_crawled_by_one_process_at_a_time(archivist: MockSites, tmp_path: Path,
                                                      db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    with source_lock(sessions, "ledger"):
        # a crawl from cron while the scheduler crawls: refused, with one sentence
        env = {**os.environ, "VIRAL_ARCHIVE_DB": db_url}
        cron = subprocess.run(
            [sys.executable, "-m", "archive", "crawl", "--config", str(config),
             "--source", "ledger"], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120,
        )
        assert cron.returncode == 1
        assert 'Source "ledger" is already being crawled (since ' in cron.stderr
        assert f"by {socket.gethostname()}/{os.getpid()}); try again later." in cron.stderr
        assert "Traceback" not in cron.stderr
        # the scheduler skips it and crawls the others
        done: list[str] = []

        def crawl(source):  # type: ignore[no-untyped-def]
            done.append(source.name)
            return crawl_source(config, source.name, db_url)

        assert run_schedule(load_sources(config), crawl, db_url=db_url, once=True) == 1
        assert done == ["ledger", "quill"]
    assert archivist.paths("ledger") == []
    # released: the next crawl runs
    assert crawl_source(config, "ledger", db_url).counts["articles_new"] == 8
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_stale_lock_is_taken_over(db_url: str) -> None:
    engine = open_engine(db_url)
    sessions = session_factory(engine)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    dead = f"{socket.gethostname()}/{finished.stdout.strip()}"
    now = models.utcnow()
    with sessions.begin() as session:
        session.add(models.CrawlLock(source_name="a", holder=dead, acquired_at=now,
                                     expires_at=now + timedelta(hours=1)))
        session.add(models.CrawlLock(source_name="b", holder="elsewhere/1", acquired_at=now,
                                     expires_at=now - timedelta(seconds=1)))
        session.add(models.CrawlLock(source_name="c", holder="elsewhere/2", acquired_at=now,
                                     expires_at=now + timedelta(hours=1)))
    for name in ("a", "b"):
        holder = acquire_source_lock(sessions, name)
        release_source_lock(sessions, name, holder)
    with pytest.raises(SourceLocked, match='Source "c" is already being crawled'):
        acquire_source_lock(sessions, "c")
    engine.dispose()


@pytest.mark.sqlite_only
def test_cli_crawl_with_config(archivist: MockSites, tmp_path: Path, db_url: str) -> None:
    config = write_sources(tmp_path, archivist)
    code, out = invoke("crawl", "--config", str(config), "--source", "quill", "--db", db_url)
    assert code == 0, out
    assert [(c.source_name, c.status, c.articles_new) for c in crawls(db_url)] == [
        ("quill", "finished", 2)]
    code, out = invoke("crawl", "--config", str(config), "--source", "nope", "--db", db_url)
    assert code == 1 and 'has no source "nope" (sources: ledger, quill)' in out


def test_sources_flags_only_what_happened(db_url: str) -> None:
    from datetime import UTC, datetime

    def run(source: str, day: int, *, fetched: int, errors: int, new: int = 0) -> models.Crawl:
        start = datetime(2026, 5, day, 6, tzinfo=UTC)
        return models.Crawl(source_name=source, started_at=start, status="finished",
                            finished_at=start + timedelta(minutes=5), pages_fetched=fetched,
                            errors=errors, articles_new=new, discovered=fetched + errors,
                            error_reasons={"dns": errors} if errors else {})

    engine = open_engine(db_url)
    with session_factory(engine).begin() as session:
        session.add_all([
            run("first", 1, fetched=6, errors=4, new=6),  # a first run with many errors
            run("dead", 1, fetched=0, errors=3),  # a host that never answered
            run("gone", 1, fetched=9, errors=0, new=9), run("gone", 2, fetched=0, errors=2),
        ])
    engine.dispose()
    code, out = invoke("sources", "--db", db_url, "--format", "json")
    assert code == 0, out
    report = {row["source"]: row for row in json.loads(out)}
    assert report["first"]["flags"] == ["many errors: 40% of pages failed in its first run"]
    assert report["first"]["last_success"].startswith("2026-05-01T06:05")
    assert report["dead"]["last_success"] is None
    assert report["dead"]["flags"] == ["many errors: 100% of pages failed in its first run"]
    assert report["gone"]["last_success"].startswith("2026-05-01T06:05")
    assert report["gone"]["flags"] == [
        "errors jumped: 100% of pages failed in the last run (before: 0%)"]
