"""``viral-archive stories``, ``story`` and ``stories rebuild`` on a real archive file."""

from __future__ import annotations

import csv
import io
import json
import random
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.research.api import Archive
from archive.storage.story_rebuild import BATCH as REBUILD_BATCH
from tests.test_crawl_truth import query, start_cli
from tests.test_optional_deps import run_blocked
from tests.test_stories import _corpus_file


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An archive of synthetic articles and their copies (read by the tests, not written)."""
    folder = tmp_path_factory.mktemp("stories-cli")
    path, _, _ = _corpus_file(folder, seed=41, topics=6)
    db = f"sqlite:///{folder / 'archive.db'}"
    result = CliRunner().invoke(main, ["import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    return db


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def stories_json(db: str, *args: str) -> list[dict[str, object]]:
    code, out = invoke("stories", "--db", db, "--format", "json", *args)
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_stories_are_ranked_by_sources_then_spread(archive_db: str) -> None:
    listed = stories_json(archive_db, "--limit", "0")
    with Archive(archive_db) as archive:
        total = len(archive.stories(limit=0))
    assert len(listed) == total > 20
    ranks = [(-s["sources"], s["spread_seconds"]) for s in listed]  # type: ignore[operator]
    assert ranks == sorted(ranks)
    first = listed[0]
    assert {"id", "title", "first_seen", "sources", "articles", "members"} <= set(first)
    members = first["members"]
    assert isinstance(members, list) and len(members) == first["articles"]
    assert {"id", "url", "source", "published", "title"} <= set(members[0])
    # the members come in the order they appeared, the first one gives the title
    assert [m["published"] for m in members] == sorted(m["published"] for m in members)
    assert first["title"] == members[0]["title"]
    assert len(stories_json(archive_db)) == 20  # the default limit
    assert len(stories_json(archive_db, "--limit", "3")) == 3


def test_stories_filters(archive_db: str) -> None:
    everything = stories_json(archive_db, "--limit", "0")
    wide = stories_json(archive_db, "--limit", "0", "--min-sources", "3")
    assert wide == [s for s in everything if s["sources"] >= 3]  # type: ignore[operator]
    assert 0 < len(wide) < len(everything)
    assert stories_json(archive_db, "--since", "2099-01-01") == []
    early = stories_json(archive_db, "--limit", "0", "--until", "2026-06-01")
    assert early and all(s["first_seen"] < "2026-06-02" for s in early)  # type: ignore[operator]
    # QUERY keeps the stories holding a matching article
    headline = everything[0]["members"][-1]["title"]  # type: ignore[index]
    found = stories_json(archive_db, f'title:"{headline}"')
    assert [s["id"] for s in found] == [everything[0]["id"]]


def test_stories_as_table_and_csv(archive_db: str) -> None:
    code, out = invoke("stories", "--db", archive_db, "--limit", "5")
    assert code == 0 and "sources" in out and "5 story(ies)." in out
    code, out = invoke("stories", "--db", archive_db, "--limit", "0", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    listed = stories_json(archive_db, "--limit", "0")
    assert code == 0 and len(rows) == len(listed)
    assert rows[0]["id"] == str(listed[0]["id"])
    assert rows[0]["members"] == " ".join(str(m["id"]) for m in listed[0]["members"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "message"), [
    (("story", "99999"), "No story with id 99999 in this archive."),
    (("stories", "--min-sources", "0"), "--min-sources must be 1 or more."),
    (("stories", "--limit", "-1"), "The limit must be 0 (all) or more."),
    (("stories", "--since", "yesterday"), "Invalid value for '--since'"),
    (("story", "one"), "Invalid value for 'ID'"),
    (("stories", "title:"), "Error"),
])
def test_bad_input_is_one_sentence(archive_db: str, args: tuple[str, ...], message: str) -> None:
    code, out = invoke(*args, "--db", archive_db)
    assert code in (1, 2) and message in out


def test_one_story_with_its_timeline_and_chart(archive_db: str, tmp_path: Path) -> None:
    top = stories_json(archive_db, "--limit", "1")[0]
    code, out = invoke("story", str(top["id"]), "--db", archive_db, "--format", "json")
    view = json.loads(out)
    assert code == 0
    assert view["members"] == top["members"]
    assert sum(h["articles"] for h in view["headlines"]) == top["articles"]
    assert view["members"][0]["after_seconds"] == 0
    chart = tmp_path / "story.png"
    code, out = invoke("story", str(top["id"]), "--db", archive_db, "--plot", str(chart))
    assert code == 0 and "timeline" in out and "headlines" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # without matplotlib: one sentence naming the extra, and no chart
    blocked = tmp_path / "blocked.png"
    result = run_blocked("story", str(top["id"]), "--db", archive_db, "--plot", str(blocked))
    assert result.returncode == 1 and "pip install 'viral-archive[plot]'" in result.stderr
    assert "Traceback" not in result.stderr and not blocked.exists()


def test_search_and_show_name_the_story(archive_db: str) -> None:
    top = stories_json(archive_db, "--limit", "1")[0]
    member = top["members"][0]  # type: ignore[index]
    code, out = invoke("show", str(member["id"]), "--db", archive_db, "--format", "json")
    shown = json.loads(out)
    assert (shown["story_id"], shown["story_articles"]) == (top["id"], top["articles"])
    result = CliRunner().invoke(main, ["search", f'title:"{member["title"]}"', "--db",
                                       archive_db, "--format", "json"])
    hit = json.loads(result.stdout)["hits"][0]
    assert (hit["story_id"], hit["story_articles"]) == (top["id"], top["articles"])
    code, out = invoke("search", f'title:"{member["title"]}"', "--db", archive_db)
    assert code == 0 and f"story {top['id']} ({top['articles']}" in out.replace("\n", " ")


def test_rebuild_command(tmp_path: Path) -> None:
    path, texts, _ = _corpus_file(tmp_path, seed=42)
    db = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    assert invoke("import", str(path), "--db", db)[0] == 0
    before = stories_json(db, "--limit", "0")
    code, out = invoke("stories", "rebuild", "--db", db)
    assert code == 0 and f"{len(texts)} article(s) placed" in out
    after = stories_json(db, "--limit", "0")
    assert [sorted(m["url"] for m in s["members"]) for s in after] == \
        [sorted(m["url"] for m in s["members"]) for s in before]  # type: ignore[attr-defined]
    code, out = invoke("stories", "rebuild", "--resume", "--db", db)
    assert code == 0 and "0 article(s) placed" in out


def test_ctrl_c_stops_a_rebuild_with_130_and_resume_finishes_it(tmp_path: Path) -> None:
    """A real SIGINT once the first batch is stored: exit status 130, one sentence; the
    batches stored stay, and --resume places the rest."""
    rng = random.Random(8)
    lines = [json.dumps({"url": f"https://s{n % 9}.example/{n}",
                         "text": " ".join(f"w{rng.randrange(50_000)}" for _ in range(60))})
             for n in range(3 * REBUILD_BATCH)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "many.db"
    assert invoke("import", str(tmp_path / "many.jsonl"), "--db", str(db), "--no-stories")[0] == 0
    process = start_cli("stories", "rebuild", "--db", str(db))
    deadline = time.monotonic() + 60
    while not query(db, "SELECT count(*) FROM story_articles")[0][0]:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 130, output
    assert "stories rebuild --resume" in output and "Traceback" not in output
    placed = query(db, "SELECT count(*) FROM story_articles")[0][0]
    assert placed % REBUILD_BATCH == 0 and placed < len(lines)  # whole batches only
    code, out = invoke("stories", "rebuild", "--resume", "--db", str(db))
    assert code == 0 and f"{len(lines) - placed} article(s) placed" in out
    assert query(db, "SELECT count(*) FROM story_articles")[0][0] == len(lines)
