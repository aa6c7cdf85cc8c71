"""The bugs of the "one road" issue, reproduced as users meet them (found at 6108b1d).

Every test drives the ``viral-archive`` command (and ``serve``'s JSON API) over a SQLite
file: real Scrapy crawls fetch the pages of ``tests/site/one_road`` under their own host
names (``www.dailyledger.example``, ``news.bbc.example``, ...) through the local proxy
of ``tests/hosts.py``; plain ``sqlite3`` stands in for an older extractor where needed.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner, Result
from warcio.archiveiterator import ArchiveIterator

from archive.cli import main
from tests.conftest import SITES
from tests.hosts import Web, serve_web

SITE = SITES / "one_road"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml"}

LEDGER_STORY = "http://www.dailyledger.example/news/council-budget.html"
#: boilerplate inside the story's body, removed by the source's ``cleaning.drop``
DROPPED = "Get the Morning Ledger in your inbox"
#: boilerplate outside the element the source's ``cleaning.body`` names
OUTSIDE_BODY = "save a third on a year of the printed paper"
#: the date the news sitemap gives the story, which gives none itself
SITEMAP_DATE = "2026-03-14T08:30:00"

SOURCES = """
contact = "mailto:tests@example.org"

[sources.daily-ledger]
sitemaps = ["http://www.dailyledger.example/sitemap.xml"]
depth = 0
cleaning = { drop = [".morning-box"], body = "article .story-body" }

[sources.bbc]
start_urls = ["http://news.bbc.example/news/flood-defences.html",
              "http://sport.bbc.example/sport/derby.html"]
depth = 0
"""


# --- helpers ---------------------------------------------------------------------------


def viral(*args: str) -> Result:
    """Run ``viral-archive ARGS`` in this process."""
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> Result:
    result = viral(*args)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """The hosts of ``tests/site/one_road`` (one folder each), reachable by crawls."""
    with serve_web() as web:
        for path in sorted(SITE.glob("*.example/**/*")):
            if path.is_file():
                host, _, rest = path.relative_to(SITE).as_posix().partition("/")
                web.add(f"http://{host}/{rest}", path.read_text(encoding="utf-8"),
                        TYPES[path.suffix])
        for name, value in web.environment().items():
            monkeypatch.setenv(name, value)
        yield web


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def crawl_sources(tmp_path: Path, db: str, *names: str) -> None:
    """``viral-archive crawl --config sources.toml [--source NAME]...``"""
    config = tmp_path / "sources.toml"
    config.write_text(SOURCES, encoding="utf-8")
    ok("crawl", "--config", str(config), *[a for n in names for a in ("--source", n)],
       "--db", db)


def show(db: str, url: str) -> dict[str, Any]:
    return json.loads(ok("show", url, "--db", db, "--format", "json").stdout)


def sqlite_path(db: str) -> str:
    return db.removeprefix("sqlite:///")


# --- 1. reextract loses what the crawl knew --------------------------------------------


def test_reextract_keeps_the_publication_date_from_the_sitemap(web: Web, tmp_path: Path,
                                                               db: str) -> None:
    """Bug 1: a date that only the news sitemap gave is emptied by ``reextract``."""
    crawl_sources(tmp_path, db, "daily-ledger")
    crawled = show(db, LEDGER_STORY)
    assert (crawled["published"] or "").startswith(SITEMAP_DATE)
    assert crawled["date_source"] == "sitemap"

    ok("reextract", "--db", db)

    after = show(db, LEDGER_STORY)
    assert (after["published"], after["date_source"]) == (
        crawled["published"], crawled["date_source"]), "reextract lost the sitemap's date"


def test_reextract_keeps_the_sources_cleaning_rules(web: Web, tmp_path: Path, db: str) -> None:
    """Bug 1: boilerplate the source's ``cleaning`` rule removed comes back after
    ``reextract``."""
    crawl_sources(tmp_path, db, "daily-ledger")
    crawled = show(db, LEDGER_STORY)
    assert [b for b in (DROPPED, OUTSIDE_BODY) if b in crawled["text"]] == []

    ok("reextract", "--db", db)

    after = show(db, LEDGER_STORY)
    back = [b for b in (DROPPED, OUTSIDE_BODY) if b in after["text"]]
    assert back == [], "boilerplate the cleaning rules removed is back after reextract"


def test_a_recheck_keeps_the_publication_date_from_the_sitemap(web: Web, tmp_path: Path,
                                                               db: str) -> None:
    """A re-check is no listing: an edited page that gives no date of its own keeps the
    date its news sitemap gave it when it was first listed."""
    crawl_sources(tmp_path, db, "daily-ledger")
    with closing(sqlite3.connect(sqlite_path(db))) as con, con:
        con.execute("UPDATE url_states SET next_check = last_fetched WHERE url = ?",
                    (LEDGER_STORY,))
    page = SITE / "www.dailyledger.example" / "news" / "council-budget.html"
    edited = page.read_text(encoding="utf-8").replace("almost four hours", "five hours")
    web.add(LEDGER_STORY, edited)

    crawl_sources(tmp_path, db, "daily-ledger")

    after = show(db, LEDGER_STORY)
    assert "five hours" in after["text"]  # the edit was archived...
    assert (after["published"] or "").startswith(SITEMAP_DATE)  # ...with the listed date
    assert after["date_source"] == "sitemap"


# --- 2. a spurious edit after an extractor upgrade --------------------------------------


def test_recrawl_after_an_extractor_upgrade_records_no_spurious_edit(web: Web, tmp_path: Path,
                                                                     db: str) -> None:
    """Bug 2: after an extractor upgrade, re-crawling an unchanged page of a source with
    cleaning rules records an edit whose "previous version" holds boilerplate that was
    never archived (the stored page is re-read without the source's rules)."""
    crawl_sources(tmp_path, db, "daily-ledger")
    # what an older extractor left: its version, a slightly different reading (a share
    # line it kept) and that reading's hash; and the article due for its re-check
    with closing(sqlite3.connect(sqlite_path(db))) as con, con:
        con.execute("UPDATE articles SET extractor_version = '2', text = text || ?, "
                    "content_hash = ? WHERE url = ?",
                    ("\n\nShare this story", hashlib.sha256(b"older reading").hexdigest(),
                     LEDGER_STORY))
        con.execute("UPDATE url_states SET next_check = last_fetched WHERE url = ?",
                    (LEDGER_STORY,))
    fetched = web.requested.count(LEDGER_STORY)

    crawl_sources(tmp_path, db, "daily-ledger")

    assert web.requested.count(LEDGER_STORY) == fetched + 1  # the page was re-checked
    history = json.loads(ok("history", LEDGER_STORY, "--db", db, "--format", "json").stdout)
    with_dropped = [v["number"] for v in history["versions"] if DROPPED in v["text"]]
    assert (len(history["versions"]), with_dropped) == (1, []), (
        "an unchanged page got a new version, holding boilerplate never archived")


# --- 3. a charset declared only in the HTTP header ------------------------------------

CHARSET_PAGES = {
    # Polish: ł, ż, ź, ś, ę... are other bytes in windows-1252
    "iso-8859-2": ("http://www.gazeta.example/wiadomosci/budzet.html",
                   "Łódź: rada miasta uchwaliła budżet", "zakończyła się późnym wieczorem"),
    # 8859-15 puts € and œ where windows-1252 and 8859-1 have ¤ and ½
    "iso-8859-15": ("http://www.journal.example/actualites/budget.html",
                    "Le conseil municipal vote un budget de 12 millions d'€",
                    "une œuvre attendue depuis des années"),
}
CLEANING_SOURCE = """
[sources.local-paper]
start_urls = ["{url}"]
depth = 0
cleaning = {{ drop = [".morning-box"] }}
"""


@pytest.mark.parametrize("how", ["crawl URL", "crawl --config (cleaning rules)"])
@pytest.mark.parametrize("charset", sorted(CHARSET_PAGES))
def test_a_charset_given_only_in_the_http_header_is_used_by_the_crawl(
    web: Web, tmp_path: Path, db: str, charset: str, how: str
) -> None:
    """Bug 3: a page whose charset only the ``Content-Type`` header declares (no ``<meta
    charset>``) is archived as mojibake by the crawl; ``reextract`` reads it right."""
    url, title, phrase = CHARSET_PAGES[charset]
    web.add(url, (SITE / "charsets" / f"{charset}.html").read_text(encoding="utf-8"),
            f"text/html; charset={charset}")
    if how == "crawl URL":
        ok("crawl", url, "--depth", "0", "--db", db)
    else:
        config = tmp_path / "sources.toml"
        config.write_text(CLEANING_SOURCE.format(url=url), encoding="utf-8")
        ok("crawl", "--config", str(config), "--db", db)

    crawled = show(db, url)

    assert (crawled["title"], phrase in crawled["text"]) == (title, True), (
        f"the crawl ignored the header's charset={charset}")


# --- 4. "source" means different things in different commands --------------------------

#: a word every article of the sources above holds
WORD = "council"


#: the API is on this machine: never through the crawls' proxy of ``http_proxy``
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_api(db: str) -> Iterator[str]:
    """``viral-archive serve`` in a subprocess; yields its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--db", db,
                               "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with DIRECT.open(f"{base}/api/stats", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("viral-archive serve did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def selected_by(db: str, api: str, source: str, tmp_path: Path) -> dict[str, int]:
    """How many articles each command selects with ``--source SOURCE`` (``source=`` in
    the API); ``reextract`` runs last, as it may rewrite what it selects."""
    opts = ("--source", source, "--db", db)
    search = json.loads(ok("search", WORD, *opts, "--format", "json").stdout)["hits"]
    counts = json.loads(ok("count", *opts, "--format", "json").stdout)
    export = ok("export", *opts, "--format", "jsonl", "--output", "-").stdout.splitlines()
    warc = tmp_path / "pages.warc.gz"
    ok("export-warc", str(warc), *opts, "--overwrite")
    with warc.open("rb") as stream:
        warc_pages = sum(r.rec_type == "response" for r in ArchiveIterator(stream))
    query = urlencode({"q": WORD, "source": source, "page_size": 100})
    with DIRECT.open(f"{api}/api/search?{query}", timeout=10) as response:
        api_hits = json.load(response)["total"]
    checked = re.search(r"checked\s*│\s*(\d+)", ok("reextract", *opts).output)
    assert checked is not None
    return {"search": len(search), "count": sum(r["count"] for r in counts),
            "export": len(export), "export-warc": warc_pages, "api": api_hits,
            "reextract": int(checked.group(1))}


def everywhere(n: int) -> dict[str, int]:
    return dict.fromkeys(["search", "count", "export", "export-warc", "api", "reextract"], n)


def test_a_host_selects_its_subdomains_in_every_command(web: Web, tmp_path: Path,
                                                        db: str) -> None:
    """Bug 4: ``--source bbc.example`` finds the articles of news.bbc.example and
    sport.bbc.example in ``search``, but ``reextract`` and ``export-warc`` select none."""
    crawl_sources(tmp_path, db, "bbc")

    with serve_api(db) as api:
        selected = {source: selected_by(db, api, source, tmp_path)
                    for source in ("bbc.example", "news.bbc.example", "BBC News")}

    expected = {"bbc.example": 2, "news.bbc.example": 1, "BBC News": 1}
    wrong = {source: row for source, row in selected.items()
             if row != everywhere(expected[source])}
    assert wrong == {}, f"articles selected per --source and command: {wrong}"


def test_a_sources_file_name_selects_its_articles_in_every_command(web: Web, tmp_path: Path,
                                                                   db: str) -> None:
    """Bug 4: the name of a source in sources.toml (``[sources.daily-ledger]``) selects
    nothing in ``search``, ``count``, ``export``, ``export-warc``, ``reextract`` or the
    API, silently."""
    crawl_sources(tmp_path, db, "daily-ledger", "bbc")

    with serve_api(db) as api:
        selected = selected_by(db, api, "daily-ledger", tmp_path)

    assert selected == everywhere(1), f"articles selected by daily-ledger: {selected}"


def test_a_source_that_matches_nothing_is_an_error(tmp_path: Path, db: str) -> None:
    """Bug 4: a ``--source`` that names no source at all succeeds silently (exit 0, no
    results); it should exit non-zero with one sentence naming it."""
    collection = tmp_path / "collection.jsonl"
    collection.write_text(json.dumps({"url": "https://news.bbc.example/news/1",
                                      "title": "Council", "text": "The council met."}) + "\n",
                          encoding="utf-8")
    ok("import", str(collection), "--db", db)
    unknown = ("--source", "no-such-paper.example", "--db", db)

    results = {
        "search": viral("search", WORD, *unknown),
        "count": viral("count", *unknown),
        "export": viral("export", *unknown, "--format", "jsonl", "--output", "-"),
        "export-warc": viral("export-warc", str(tmp_path / "pages.warc.gz"), *unknown),
        "reextract": viral("reextract", *unknown),
    }

    answered = {command: (r.exit_code != 0, "no-such-paper.example" in r.output,
                          "Traceback" in r.output)
                for command, r in results.items()}
    assert answered == dict.fromkeys(results, (True, True, False)), (
        "an unknown --source should fail with a sentence naming it")


def test_a_host_selects_its_subdomains_on_any_port(tmp_path: Path, db: str) -> None:
    """``--source bbc.example`` selects ``news.bbc.example:8080`` too."""
    lines = [{"url": "http://news.bbc.example:8080/a", "title": "Council", "text": "A council."},
             {"url": "http://bbc.example/b", "title": "Council", "text": "Another council."},
             {"url": "http://notbbc.example/c", "title": "Council", "text": "A third council."}]
    (tmp_path / "lines.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    ok("import", str(tmp_path / "lines.jsonl"), "--db", db)

    found = json.loads(ok("search", WORD, "--source", "bbc.example", "--db", db,
                          "--format", "json").stdout)["hits"]

    assert sorted(hit["url"] for hit in found) == [
        "http://bbc.example/b", "http://news.bbc.example:8080/a"]
