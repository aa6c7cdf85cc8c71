"""Large imports on SQLite: batches keep the full-text index in step with the articles,
and an import killed half-way leaves whole, indexed batches that a re-import completes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Connection, text

from archive import Archive
from archive.storage.importer import import_jsonl
from db import indexed_at_once, session_factory

ROOT = Path(__file__).resolve().parents[1]


def write_articles(path: Path, n: int, *, word: str = "harbour") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({
                "url": f"https://port{i % 3}.example/story-{i}",
                "title": f"Story {i}",
                "text": f"The {word} reopened. " + "Ships waited. " * (i % 7) + f"tag{i}",
                "published": f"202{i % 4}-0{1 + i % 9}-1{i % 10}T08:00:00Z",
                "source": f"port{i % 3}.example",
            }) + "\n")
    return path


def index_is_consistent(arc: Archive) -> bool:
    """FTS5's own check that the index holds exactly the rows of ``articles``."""
    with arc.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"))
    return True  # the check raises (SQLITE_CORRUPT_VTAB) when it fails


def count_articles(arc: Archive) -> int:
    with arc.engine.connect() as connection:
        return int(connection.scalar(text("SELECT count(*) FROM articles")) or 0)


def test_batched_import_is_searchable_and_in_step(tmp_path: Path) -> None:
    arc = Archive(f"sqlite:///{tmp_path / 'a.db'}", create=True)
    source = write_articles(tmp_path / "in.jsonl", 230)
    report = import_jsonl(session_factory(arc.engine), source, batch_size=50)
    assert (report.new, report.errors) == (230, [])
    assert arc.search("harbour").total == 230
    assert [hit.title for hit in arc.search("tag117").hits] == ["Story 117"]
    assert index_is_consistent(arc)

    # again, with some texts changed: versions kept, the index follows the new texts
    changed = write_articles(tmp_path / "changed.jsonl", 230, word="quay")
    report = import_jsonl(session_factory(arc.engine), changed, batch_size=64)
    assert (report.new, report.updated, report.unchanged) == (0, 230, 0)
    assert arc.search("harbour").total == 0
    assert arc.search("quay").total == 230
    assert index_is_consistent(arc)
    arc.close()


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from archive import Archive
from archive.storage.importer import import_jsonl
from db import indexed_at_once, session_factory
arc = Archive(sys.argv[1], create=True)
def progress(lines):
    print(lines, flush=True)
import_jsonl(session_factory(arc.engine), Path(sys.argv[2]), batch_size=100,
             on_progress=progress)
print("done", flush=True)
"""


def test_a_killed_import_leaves_whole_indexed_batches(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    source = write_articles(tmp_path / "in.jsonl", 12_000)
    Archive(url, create=True).close()
    worker = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, url, str(source)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    first = worker.stdout.readline().strip()  # a thousand lines read, 900 stored
    worker.send_signal(signal.SIGKILL)  # no chance to clean up: as a power cut would
    worker.wait(timeout=30)
    assert first == "1000"

    arc = Archive(url)
    stored = count_articles(arc)
    assert 900 <= stored < 12_000
    assert stored % 100 == 0  # whole batches only
    assert arc.search("harbour").total == stored
    assert index_is_consistent(arc)

    report = arc.import_jsonl(source)  # a second run completes it
    assert (report.new, report.unchanged, report.errors) == (12_000 - stored, stored, [])
    assert arc.search("harbour").total == 12_000
    assert index_is_consistent(arc)
    arc.close()


def test_lines_parsed_in_worker_processes_import_as_in_process(tmp_path: Path) -> None:
    source = write_articles(tmp_path / "in.jsonl", 2_300)
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"url": "https://port1.example/no-text"}\nnot json\n')
    reports = []
    for processes in (0, 2):
        arc = Archive(f"sqlite:///{tmp_path / f'p{processes}.db'}", create=True)
        reports.append(arc.import_jsonl(source, processes=processes))
        assert arc.search("tag2299").total == 1
        assert count_articles(arc) == 2_300
        arc.close()
    in_process, in_workers = reports
    assert (in_workers.new, in_workers.lines) == (in_process.new, in_process.lines) == (
        2_300, 2_302)
    assert in_workers.errors == in_process.errors
    assert [error.line for error in in_workers.errors] == [2_301, 2_302]


def _insert(connection: Connection, url: str, words: str) -> None:
    connection.execute(text(
        "INSERT INTO articles (url, source_id, title, authors, tags, extra, text, "
        "content_hash, extractor_version, first_seen, last_seen, changed_at) VALUES "
        "(:url, :source, 'T', '[]', '[]', '{}', :words, 'h', 'import', "
        "'2026-01-01', '2026-01-01', '2026-01-01')"),
        {"url": url, "source": 1, "words": words})


def _has_insert_trigger(connection: Connection) -> bool:
    return bool(connection.scalar(text(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name = 'articles_fts_insert'")))


def test_rows_indexed_at_once_are_indexed_once_and_the_trigger_survives(tmp_path: Path
                                                                        ) -> None:
    arc = Archive(f"sqlite:///{tmp_path / 'a.db'}", create=True)
    with arc.engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, domain, created_at) "
                                "VALUES (1, 'port.example', '2026-01-01')"))
        _insert(connection, "https://port.example/before", "anchor before")  # by the trigger
        with indexed_at_once(connection):
            assert not _has_insert_trigger(connection)
            for i in range(50):
                _insert(connection, f"https://port.example/{i}", f"anchor bulk{i}")
        assert _has_insert_trigger(connection)
    assert arc.search("anchor").total == 51
    assert arc.search("bulk7").total == 1
    assert index_is_consistent(arc)

    # a block that fails is rolled back with its transaction: trigger and index as before
    try:
        with arc.engine.begin() as connection, indexed_at_once(connection):
            _insert(connection, "https://port.example/lost", "anchor lost")
            raise RuntimeError("the database refused something")
    except RuntimeError:
        pass
    with arc.engine.begin() as connection:
        assert _has_insert_trigger(connection)
        _insert(connection, "https://port.example/after", "anchor after")  # by the trigger
    assert arc.search("anchor").total == 52
    assert arc.search("lost").total == 0
    assert arc.search("after").total == 1
    assert index_is_consistent(arc)
    arc.close()
