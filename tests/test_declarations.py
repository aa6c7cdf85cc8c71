"""What is declared once stays in step with what derives from it: the Article's fields
and the archive's columns, the settings and extras and the README."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import fields
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import JSON, DateTime, String, Text

from archive.cli import main
from archive.core.article import STORED_FIELDS, Article, ArticleMetadata, field_kind
from archive.research.export import FIELDS
from archive.research.results import ArticleView, SearchHit
from crawler import settings
from db import models

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: the kind of column each declared type is stored in
COLUMN_TYPES = {str: (String, Text), datetime: (DateTime,), list: (JSON,), dict: (JSON,)}


def test_every_stored_field_has_its_column_and_every_column_a_declaration() -> None:
    columns = models.Article.__table__.c
    for name in STORED_FIELDS:
        assert name in columns, f"Article.{name} has no column in db/models.py"
        column_type = columns[name].type
        kind = field_kind(Article, name)
        assert isinstance(getattr(column_type, "impl", column_type), COLUMN_TYPES[kind]), name
    # the archive's own columns are declared as ArticleView's own fields (or identity)
    declared = {f.name for f in fields(ArticleView)} | {"source_id"}
    assert set(columns.keys()) - declared == set()


def test_every_output_carries_every_field() -> None:
    metadata = {f.name for f in fields(ArticleMetadata)}
    assert metadata <= {f.name for f in fields(SearchHit)}
    assert set(STORED_FIELDS) <= set(FIELDS)
    assert set(FIELDS) == {f.name for f in fields(ArticleView)} - {"versions"}


def test_show_gives_what_the_export_gives(tmp_path: Path) -> None:
    line = {"url": "https://example.com/a", "title": "Otters", "text": "Otters swim.",
            "tags": ["rivers"], "press_agency": "AP"}
    (tmp_path / "one.jsonl").write_text(json.dumps(line), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'archive.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(tmp_path / "one.jsonl"), "--db", db]).exit_code == 0
    shown = json.loads(runner.invoke(main, ["show", "1", "--db", db, "--format", "json"]).output)
    exported = runner.invoke(main, ["export", "--format", "jsonl", "--output", "-", "--db", db])
    assert set(json.loads(exported.output)) | {"versions"} == set(shown)
    assert shown["extra"] == {"press_agency": "AP"} and shown["tags"] == ["rivers"]


def test_every_archive_setting_is_in_the_readme() -> None:
    names = [name for name in vars(settings) if name.startswith("ARCHIVE_")]
    assert len(names) >= 8
    for name in names:
        assert f"`{name}`" in README, f"{name} is not documented in the README"


def test_every_extra_is_in_the_readme() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for extra in project["project"]["optional-dependencies"]:
        if extra in ("test", "dev", "bench"):
            assert f"'.[{extra}]'" in README or f"[{extra}]" in README, extra
        else:
            assert re.search(rf"`{extra}`", README), f"the {extra} extra is not in the README"
