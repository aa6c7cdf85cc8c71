"""An import keeps what it can: a bad line is that line's error whatever it holds, the
good lines of its batch are stored, the exit status says whether every line made it,
and Ctrl-C keeps the stored batches and says how many. Real archives on both backends."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from archive import Archive
from archive.cli import main
from archive.storage.importer import ImportInterrupted, import_jsonl
from db import session_factory

ROOT = Path(__file__).resolve().parents[1]


def good(i: int) -> str:
    return json.dumps({"url": f"https://good.example/{i}", "text": f"Good line {i}."})


#: lines no archive can hold, each with a word of the reason it is refused for
BAD_LINES = [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"url": "https://a.example/x", "text": "t", "published": "0001-01-01T00:00:00+01:00"}',
     "out of range"),
    ('{"url": "https://a.example/y", "text": "t", "published": "9999-12-31T23:00:00-05:00"}',
     "out of range"),
    ('{"url": "http://[::1/story", "text": "t"}', "is not a valid URL"),
    ('{"url": "https://a.example/z", "text": "t", "source": "[bad.example"}',
     "is not a domain"),
    ('{"url": "http:///no-host", "text": "t"}', "has no host"),
    ('{"url": "https://a.example/n", "text": "t", "score": NaN}', "NaN is not a JSON number"),
    ('{"url": "https://a.example/i", "text": "t", "score": -Infinity}', "-Infinity is not"),
    ('{"url": "https://a.example/s", "text": "half \\ud800 a pair"}', "surrogate"),
    ('{"url": "https://a.example/k", "text": "t", "extra": {"\\udfff": 1}}', "surrogate"),
    ('["a list"]', "a JSON object was expected"),
]


def test_bad_lines_are_line_errors_and_the_batch_is_kept(db_url: str, tmp_path: Path) -> None:
    lines = [good(0), *(line for line, _ in BAD_LINES), good(1),
             '{"url": "https://good.example/pair", "text": "a pair: \\ud83d\\ude00"}']
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Archive(db_url, create=True) as arc:
        report = arc.import_jsonl(source)
        assert report.new == 3, report.errors
        reasons = {error.line: error.reason for error in report.errors}
        for number, (_, why) in enumerate(BAD_LINES, 2):
            assert why in reasons.get(number, ""), (number, reasons.get(number))
        assert len(report.errors) == len(BAD_LINES)
        assert arc.article("https://good.example/pair").text == "a pair: 😀"


def test_the_exit_status_says_whether_every_line_was_imported(db_url: str,
                                                              tmp_path: Path) -> None:
    def imported(*lines: str) -> tuple[int, str]:
        path = tmp_path / "lines.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["import", str(path), "--db", db_url])
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    code, out = imported(good(1), good(2))
    assert code == 0 and "2 new" in out
    code, out = imported(good(3), BAD_LINES[6][0])
    assert code == 3 and "1 new" in out and "1 not imported" in out
    code, out = imported(BAD_LINES[6][0], BAD_LINES[7][0])
    assert code == 1 and "No line of" in out and "all 2 were refused" in out


@pytest.mark.sqlite_only
def test_an_interrupted_import_keeps_the_stored_batches(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(good(i) for i in range(2_500)) + "\n", encoding="utf-8")
    arc = Archive(tmp_path / "a.db", create=True)

    def press_ctrl_c(lines: int) -> None:  # what Ctrl-C does while lines are read
        raise KeyboardInterrupt

    with pytest.raises(ImportInterrupted) as interrupted:
        import_jsonl(session_factory(arc.engine), source, batch_size=100,
                     on_progress=press_ctrl_c)
    report = interrupted.value.report
    assert (report.lines, report.new) == (1_000, 900)  # the 10th batch was not stored yet
    with arc.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM articles")) == 900
    assert arc.import_jsonl(source).new == 1_600  # a second run adds the rest
    arc.close()


@pytest.mark.sqlite_only
def test_ctrl_c_in_the_cli_says_how_many_lines_were_kept(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(60_000):
            handle.write(good(i) + "\n")
    database = tmp_path / "big.db"
    command = [sys.executable, "-m", "archive", "import", str(source), "--db", str(database)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _stored(database):
        time.sleep(0.05)  # until the first batch of 10,000 is stored
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    stored = _stored(database)
    assert 10_000 <= stored < 60_000 and stored % 10_000 == 0
    assert f"Interrupted: {stored} of the" in err and "import the file again" in err


def _stored(database: Path) -> int:
    import sqlite3

    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
