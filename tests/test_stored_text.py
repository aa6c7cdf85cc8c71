"""Stored text holds no control characters, from a crawl or an import, so no article can
forge the match markers of search snippets. Real archives on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from archive import Archive
from archive.core.article import Article
from archive.extraction.reading import FetchedPage
from archive.storage.writer import store_article
from db import session_factory

FORGED = "Read \x02this\x03 now\x00 \x1b[31m.\x7f\tTabs\nand lines stay."
CLEAN = "Read this now [31m.\tTabs\nand lines stay."


def test_control_characters_are_not_stored(db_url: str, tmp_path: Path) -> None:
    source = tmp_path / "forged.jsonl"
    source.write_text(json.dumps({"url": "https://forged.example/a", "title": "Imported \x02x",
                                  "text": FORGED, "authors": ["A\x03uthor"]}) + "\n",
                      encoding="utf-8")
    with Archive(db_url, create=True) as arc:
        assert arc.import_jsonl(source).new == 1
        page = FetchedPage(url="https://forged.example/b", status=200, headers={},
                           body=b"<html></html>", fetched_at=datetime.now(UTC))
        with session_factory(arc.engine).begin() as session:
            store_article(session, Article(text=FORGED, title="Crawled \x03y",
                                           page_type="article"), page)
        imported = arc.article("https://forged.example/a")
        assert (imported.title, imported.text, imported.authors) == (
            "Imported x", CLEAN, ["Author"])
        crawled = arc.article("https://forged.example/b")
        assert (crawled.title, crawled.text) == ("Crawled y", CLEAN)
        hits = arc.search("now").hits
        assert len(hits) == 2
        for hit in hits:
            assert hit.snippet_html.count("<mark>") == 1, hit.snippet_html
            assert "<mark>now</mark>" in hit.snippet_html and "[this]" not in hit.snippet
