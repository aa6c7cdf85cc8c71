"""What a crawl tells cron and researchers: exit statuses, reasons, interruptions, resume.

Crawls run against the hostile site of ``tests/hostile.py`` (and a closed port, and a
host name that cannot resolve): in this process through the CLI, or in a subprocess
where a test sends it signals (SIGINT as Ctrl-C, SIGTERM, SIGKILL).
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from benchmarks.hostile_site import HostileSite, serve_hostile
from crawler.runner import run_crawl
from tests.conftest import LOCAL_CRAWL

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def start_cli(*args: str) -> subprocess.Popen[str]:
    """``viral-archive ARGS`` in a subprocess of its own, to send signals to."""
    return subprocess.Popen([sys.executable, "-m", "archive", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, params).fetchall()


def wait_for_articles(db: Path, count: int, process: subprocess.Popen[str],
                      timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        if db.exists():
            try:
                if query(db, "SELECT count(*) FROM articles")[0][0] >= count:
                    return
            except sqlite3.OperationalError:  # the schema is being created
                pass
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} articles after {timeout}s")


def closed_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def site() -> Iterator[HostileSite]:
    with serve_hostile(link_count=300) as served:
        yield served


@pytest.fixture
def slow_site() -> Iterator[HostileSite]:
    """The hostile site answering every request after 0.3 s, to interrupt crawls of it."""
    with serve_hostile(delay=0.3) as served:
        yield served


def sources_file(tmp_path: Path, site: HostileSite, extra: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f'[sources.chains]\nstart_urls = ["{site.base}/chains.html"]\ndepth = 20\n'
                    f'{extra}', encoding="utf-8")
    return path


# -- failures with a reason and an exit status ---------------------------------------------


def test_a_dead_port_fails_at_once_with_one_line_and_status_3(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    process = subprocess.run(
        [sys.executable, "-m", "archive", "crawl", f"http://127.0.0.1:{closed_port()}/",
         "--db", f"sqlite:///{db}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert process.returncode == 3, process.stderr
    assert "connection_refused: 1 page(s)" in process.stderr
    assert "Nothing could be fetched" in process.stderr
    assert "Traceback" not in process.stderr + process.stdout
    # robots.txt tried once, the page not at all: no retries of a host that refuses
    assert query(db, "SELECT requests, errors, status FROM crawls") == [(1, 1, "finished")]


def test_a_host_name_that_does_not_resolve_is_one_line_and_status_3(tmp_path: Path) -> None:
    code, output = cli("crawl", "http://nonexistent.invalid/", "--db",
                       f"sqlite:///{tmp_path / 'a.db'}")
    assert code == 3
    assert "dns_error: 1 page(s), e.g. http://nonexistent.invalid/" in output


@pytest.mark.parametrize("url", ["http://", "http://exa mple.com/", "ftp://example.com/",
                                 "http://[::1/", "example.com"])
def test_a_start_url_that_cannot_be_requested_is_a_usage_error(tmp_path: Path,
                                                                 url: str) -> None:
    result = CliRunner().invoke(main, ["crawl", url, "--db", f"sqlite:///{tmp_path / 'a.db'}"])
    assert result.exit_code == 2
    assert "Error: Invalid value for URLS" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_start_page_robots_txt_forbids_is_reported_with_status_3(site: HostileSite,
                                                                    tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    code, output = cli("crawl", f"{site.base}/private/secret.html", "--db", f"sqlite:///{db}")
    assert code == 3
    assert "robots_disallowed: 1 page(s)" in output and "left out" in output
    assert "/private/secret.html" not in site.paths()
    assert query(db, "SELECT reason FROM crawl_errors") == [("robots_disallowed",)]
    assert query(db, "SELECT errors, error_reasons FROM crawls") == [(0, "{}")]


def test_a_crawl_that_fetched_pages_exits_0_and_names_its_contact(site: HostileSite,
                                                                   tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    code, output = cli("crawl", f"{site.base}/story.html", "--depth", "0", "--db", db)
    assert code == 0 and "No contact in the User-Agent" in output
    code, output = cli("crawl", f"{site.base}/story.html", "--depth", "0", "--db", db,
                       "--contact", "mailto:lab@example.org")
    assert code == 0 and "No contact" not in output
    assert "+mailto:lab@example.org" in site.requests[-1][1]


def test_bombs_loops_and_floods_are_recorded_with_their_reasons(site: HostileSite,
                                                                 tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = run_crawl([f"{site.base}/"], db_url=f"sqlite:///{db}", depth=2,
                       settings={**LOCAL_CRAWL, "ARCHIVE_MAX_LINKS_PER_PAGE": 50})
    errors = sorted(query(db, "SELECT reason, url FROM crawl_errors"))
    assert errors == sorted([
        ("too_large", f"{site.base}/bomb.html"),
        ("redirect_loop", f"{site.base}/loop/a"),
        ("redirect_loop", f"{site.base}/far/0"),
        ("robots_disallowed", f"{site.base}/private/secret.html"),
        ("links_capped", f"{site.base}/links.html"),
    ])
    assert len([p for p in site.paths() if p.startswith("/l/")]) == 50
    assert result.counts["errors"] == 3 and result.skipped == 2


def test_the_pages_cap_of_a_source_stops_the_crawl_and_is_noted(site: HostileSite,
                                                                  tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    config = sources_file(tmp_path, site, "max_pages = 4\n")
    code, output = cli("crawl", "--config", str(config), "--db", f"sqlite:///{db}")
    assert code == 0, output
    assert len([p for p in site.paths() if p.startswith("/chain/")]) == 4
    assert query(db, "SELECT reason FROM crawl_errors") == [("pages_capped",)]


def test_query_string_twins_of_a_page_are_one_article(site: HostileSite, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    config = tmp_path / "sources.toml"
    config.write_text(f'[sources.twins]\nstart_urls = ["{site.base}/"]\ndepth = 1\n',
                      encoding="utf-8")
    assert cli("crawl", "--config", str(config), "--db", f"sqlite:///{db}")[0] == 0
    archived = query(db, "SELECT id, url FROM articles WHERE url LIKE '%/dup%'")
    assert len(archived) == 1
    aliases = query(db, "SELECT url, article_id FROM url_states WHERE kind = 'alias'")
    assert len(aliases) == 2 and {article for _, article in aliases} == {archived[0][0]}


def test_a_crawl_into_an_archive_it_cannot_write_is_one_sentence(site: HostileSite,
                                                                  tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    code, _ = cli("crawl", f"{site.base}/story.html", "--depth", "0", "--db", f"sqlite:///{db}")
    assert code == 0
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    result = CliRunner().invoke(main, ["crawl", f"{site.base}/story.html", "--db", read_only])
    assert result.exit_code == 1
    assert "is opened read-only" in result.output and "Traceback" not in result.output


# -- interruptions ------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_ends_the_crawl_with_130_and_a_closed_record(
    slow_site: HostileSite, tmp_path: Path, stop: signal.Signals
) -> None:
    db = tmp_path / "a.db"
    process = start_cli("crawl", f"{slow_site.base}/chains.html", "--depth", "20",
                        "--db", f"sqlite:///{db}")
    wait_for_articles(db, 2, process)
    process.send_signal(stop)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 130, output
    assert "Interrupted" in output and "Traceback" not in output
    [(status, new, finished)] = query(db, "SELECT status, articles_new, finished_at FROM crawls")
    assert status == "stopped: shutdown" and new >= 2 and finished is not None


def test_a_second_ctrl_c_stops_at_once_and_still_closes_the_record(slow_site: HostileSite,
                                                                   tmp_path: Path) -> None:
    slow_site.delay = 3.0  # pages in flight take long: the first Ctrl-C waits for them
    db = tmp_path / "a.db"
    process = start_cli("crawl", f"{slow_site.base}/chains.html", "--depth", "20",
                        "--db", f"sqlite:///{db}")
    deadline = time.monotonic() + 30
    while len(slow_site.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=30)[0]
    assert process.returncode == 130, output
    [(status, finished)] = query(db, "SELECT status, finished_at FROM crawls")
    assert status.startswith("stopped") and finished is not None


@pytest.mark.parametrize("command", [("crawl",), ("schedule", "--once")])
def test_ctrl_c_stops_crawl_config_and_schedule_for_good(slow_site: HostileSite,
                                                         tmp_path: Path,
                                                         command: tuple[str, ...]) -> None:
    db = tmp_path / "a.db"
    config = sources_file(tmp_path, slow_site,
                          f'[sources.later]\nstart_urls = ["{slow_site.base}/story.html"]\n')
    process = start_cli(*command, "--config", str(config), "--db", f"sqlite:///{db}")
    wait_for_articles(db, 1, process)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 130, output
    assert query(db, "SELECT source_name, status FROM crawls") == [("chains",
                                                                    "stopped: shutdown")]


def test_a_killed_crawl_is_closed_as_killed_by_the_next_run_of_its_source(
    slow_site: HostileSite, tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    config = sources_file(tmp_path, slow_site)
    process = start_cli("crawl", "--config", str(config), "--db", f"sqlite:///{db}")
    wait_for_articles(db, 3, process)
    process.kill()
    process.wait()
    assert query(db, "SELECT status FROM crawls") == [("running",)]
    archived = query(db, "SELECT count(*) FROM articles")[0][0]

    slow_site.delay = 0
    assert cli("crawl", "--config", str(config), "--db", f"sqlite:///{db}")[0] == 0

    rows = query(db, "SELECT status, articles_new, errors FROM crawls ORDER BY id")
    assert rows[0] == ("killed", archived, 0)
    assert rows[1][0] == "finished"


# -- resume -----------------------------------------------------------------------------


def test_killed_crawls_resume_to_exactly_the_pages_of_a_clean_crawl(tmp_path: Path) -> None:
    """Pages reachable only through links of articles archived by a killed run are
    reached by the next run (the chains: each page links to the next one only)."""
    with serve_hostile(delay=0.05) as site:
        config = sources_file(tmp_path, site)
        clean = tmp_path / "clean.db"
        assert cli("crawl", "--config", str(config), "--db", f"sqlite:///{clean}")[0] == 0
        expected = {url for (url,) in query(clean, "SELECT url FROM articles")}
        assert expected == site.chain_urls()

        resumed = tmp_path / "resumed.db"
        for kill_at in (4, 13, 29):
            process = start_cli("crawl", "--config", str(config), "--db", f"sqlite:///{resumed}")
            wait_for_articles(resumed, kill_at, process)
            process.kill()
            process.wait()
        assert cli("crawl", "--config", str(config), "--db", f"sqlite:///{resumed}")[0] == 0

    assert {url for (url,) in query(resumed, "SELECT url FROM articles")} == expected
    statuses = [status for (status,) in query(resumed, "SELECT status FROM crawls ORDER BY id")]
    assert statuses == ["killed", "killed", "killed", "finished"]
