"""The sources file: what a valid one gives, and the sentence each mistake gets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.core.sources import load_sources, parse_sources
from archive.exceptions import SourcesError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sources.toml"


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_sources(text, Path("sources.toml"))


def test_a_full_source_with_defaults() -> None:
    sources = parse('''
contact = "mailto:me@example.org"
[defaults]
depth = 2
recheck_max_age = "14d"

[sources.daily-ledger]
start_urls = ["https://www.dailyledger.example/"]
sitemaps = ["https://www.dailyledger.example/sitemap.xml"]
feeds = ["https://feeds.dailyledger.example/rss"]
allow = ["/news/"]
deny = ["\\\\?print=1"]
interval = "30m"
cleaning = { drop = [".newsletter", "aside.promo"], body = "article .story" }

[sources.quill]
feeds = ["https://quill.example/feed.json"]
depth = 0
enabled = false
''')
    assert sources.contact == "mailto:me@example.org"
    ledger, quill = sources.sources
    assert ledger.name == "daily-ledger" and ledger.depth == 2 and quill.depth == 0
    assert ledger.allowed_domains == ("feeds.dailyledger.example", "www.dailyledger.example")
    assert ledger.interval == timedelta(minutes=30)
    assert ledger.recheck_max_age == timedelta(days=14)
    assert ledger.recheck_min == timedelta(hours=1)
    assert ledger.cleaning.drop == (".newsletter", "aside.promo")
    assert ledger.cleaning.body == "article .story"
    assert not quill.cleaning and not quill.enabled
    assert sources.get("quill") is quill
    with pytest.raises(SourcesError, match=r'sources.toml has no source "nope" \(sources: '
                                           r"daily-ledger, quill\)"):
        sources.get("nope")


@pytest.mark.parametrize(("body", "message"), [
    ('[sources.daily-ledger]\nstart_urls = ["https://x.example/"]\ndepth = "two"',
     'sources.toml: source "daily-ledger": key "depth" must be a whole number ≥ 0, not \'two\''),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\ndepht = 2',
     'sources.toml: source "a": key "depht" is not known (known keys: allow, allowed_domains'),
    ('[sources.a]\nstart_urls = ["ftp://x.example/"]',
     'sources.toml: source "a": key "start_urls" must hold http(s) URLs, not \'ftp://x.example/\''),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\ninterval = "soon"',
     'source "a": key "interval" must be a duration like "30m", "6h" or "7d", not \'soon\''),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\ndeny = ["(unclosed"]',
     'source "a": key "deny" holds \'(unclosed\', not a regular expression'),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\ncleaning = { drop = ["div[["] }',
     'source "a": key "cleaning.drop" holds \'div[[\', not a CSS selector'),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\ncleaning = { keep = "p" }',
     'source "a": key "cleaning.keep" is not known'),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\nrecheck_min = "2d"\nrecheck_max = "1d"',
     'source "a": key "recheck_max" must not be shorter than recheck_min'),
    ('[sources.a]\ndepth = 1', 'source "a" needs at least one of "start_urls", "sitemaps"'),
    ('[sources.a]\nstart_urls = ["https://x.example/"]\nenabled = "yes"',
     'key "enabled" must be true or false'),
    ('[source.a]\nstart_urls = ["https://x.example/"]', 'top-level key "source" is not known'),
    ('contact = "me"', "sources.toml defines no sources"),
    ("[sources.a\n", "sources.toml is not valid TOML"),
])
def test_mistakes_name_the_source_and_key(body: str, message: str) -> None:
    with pytest.raises(SourcesError) as error:
        parse(body)
    assert message in str(error.value)


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="There is no sources file at"):
        load_sources(tmp_path / "nope.toml")


def test_the_example_file_is_valid() -> None:
    sources = load_sources(EXAMPLE)
    assert len(sources.sources) >= 2


def test_cli_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[sources.daily-ledger]\nstart_urls = ["https://x.example/"]\ndepth = "two"\n')
    for args in (["crawl", "--config", str(path)], ["schedule", "--config", str(path), "--once"],
                 ["sources", "--config", str(path)]):
        result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{tmp_path / 'a.db'}"])
        assert result.exit_code == 1, result.output
        assert 'source "daily-ledger": key "depth" must be a whole number' in result.output
        assert "Traceback" not in result.output


def test_cli_crawl_needs_urls_or_a_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--db", f"sqlite:///{tmp_path / 'a.db'}"])
    assert result.exit_code == 2 and "--config" in result.output
