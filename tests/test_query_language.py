"""The query language against real archives: every construct, every syntax error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive, QueryError
from archive.cli import main
from archive.research.query import parse_query
from archive.research.query.nodes import And, Field, Not, Or, Phrase, Prefix, Term
from tests.conftest import BACKENDS
from tests.research_data import ARTICLES, KEY_BY_TITLE, research_archive


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with research_archive(request.param, tmp_path_factory.mktemp("query")) as arc:
        yield arc


def found(archive: Archive, query: str, **options: object) -> set[str]:
    results = archive.search(query, limit=100, **options)  # type: ignore[arg-type]
    assert results.total == len(results)
    return {KEY_BY_TITLE[hit.title or ""] for hit in results}


ALL = set(ARTICLES)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("climate", {"heat", "flood"}),
        ("Climate CHANGE", {"heat", "flood"}),  # every word, anywhere, any case
        ('"climate change"', {"heat"}),  # the phrase, in this order
        ('"change climate"', set()),
        ("climat*", {"heat", "flood"}),
        ("clim*", {"heat", "flood", "climb"}),
        ("climate -flood", {"heat"}),
        ("climate NOT flood", {"heat"}),
        ("-climate", ALL - {"heat", "flood"}),
        ("NOT climate NOT covid", ALL - {"heat", "flood", "vaccine"}),
        ("heatwave OR vaccine", {"heat", "storm", "vaccine"}),
        ("(heatwave OR flood) climate", {"heat", "flood"}),
        ("climate AND (rain OR forty)", {"heat", "flood"}),
        ("heatwave -(storms OR forty)", set()),
        ("covid-19", {"vaccine"}),
        ("COVID", {"vaccine"}),
        ("cafe renovation", {"cafe"}),  # accents are ignored
        ("title:heatwave", {"heat"}),
        ('title:"flood defences"', {"flood"}),
        ("title:clim*", {"climb"}),
        ("heatwave -title:heatwave", {"storm"}),
        ("author:smith", {"flood"}),
        ('author:"jane doe"', {"heat", "vaccine"}),
        ("author:JANE", {"heat", "vaccine"}),
        ("author:jan*", {"heat", "vaccine"}),
        ("author:dubois", {"cafe"}),
        ("author:doe -author:ray", {"heat"}),
        ("source:weekly.example", {"climb", "vaccine"}),
        ("source:daily.example", {"heat", "flood", "storm"}),  # subdomains too
        ('source:"the blog"', {"cafe"}),
        ("source:week*", {"climb", "vaccine"}),
        ("lang:fr", {"cafe"}),
        ("lang:en -climate -vaccine", {"climb", "storm"}),
        ("heatwave OR source:blog.example", {"heat", "storm", "cafe"}),
        ("(author:smith OR lang:fr) -cafe", {"flood"}),
        ("rock & roll", set()),  # punctuation alone is not searched for
        ("x' OR '1'='1", set()),  # SQL in a query is only text
        ("'; DROP TABLE articles; --", set()),
        ("NEAR(heatwave storms)", set()),  # FTS5 syntax is only text too
        ("heatwave*", {"heat", "storm"}),
    ],
)
def test_query(archive: Archive, query: str, expected: set[str]) -> None:
    assert found(archive, query) == expected


def test_filters_combine_with_the_query(archive: Archive) -> None:
    assert found(archive, "climate", since="2026-04-01") == {"flood"}
    assert found(archive, "climate", until="2026-03-10") == {"heat"}  # the whole day
    assert found(archive, "heatwave", source="news.daily.example") == {"storm"}
    assert found(archive, "rouvre", lang="FR") == {"cafe"}
    assert found(archive, "-nothingatall", since="2026-01-01", until="2026-03-31") == {
        "heat", "storm"}


def test_relevance_and_dates_order(archive: Archive) -> None:
    # a title match weighs more than the same word in the text
    assert [KEY_BY_TITLE[h.title or ""] for h in archive.search("heatwave")] == ["heat",
                                                                                 "storm"]
    newest = archive.search("climate OR vaccine", order="newest")
    assert [KEY_BY_TITLE[h.title or ""] for h in newest] == ["flood", "heat", "vaccine"]
    oldest = archive.search("climate OR vaccine", order="oldest")
    assert [KEY_BY_TITLE[h.title or ""] for h in oldest] == ["vaccine", "heat", "flood"]
    # no word to rank by: newest first
    assert [KEY_BY_TITLE[h.title or ""] for h in archive.search("source:weekly.example")] == [
        "climb", "vaccine"]


def test_pages(archive: Archive) -> None:
    every = [h.id for h in archive.search("-nothingatall", order="newest", limit=100)]
    pages = [archive.search("-nothingatall", order="newest", limit=4, offset=o) for o in (0, 4)]
    assert [h.id for page in pages for h in page] == every
    assert [len(p) for p in pages] == [4, 2] and {p.total for p in pages} == {6}


def test_newest_first_is_the_same_by_every_plan(archive: Archive) -> None:
    # small pages of a frequent word walk the date index (SQLite); a large page sorts
    every = [h.id for h in archive.search("the", order="newest", limit=100)]
    assert len(every) >= 4
    one_by_one = [h.id for o in range(len(every))
                  for h in archive.search("the", order="newest", limit=1, offset=o)]
    assert one_by_one == every
    filtered = [h.id for h in archive.search("the", order="newest", limit=1,
                                            source="weekly.example")]
    assert filtered == [h.id for h in archive.search("the source:weekly.example",
                                                     order="newest", limit=100)][:1]


def test_snippets_mark_matches_and_are_safe_html(archive: Archive) -> None:
    hit = next(h for h in archive.search("heatwave") if h.title == "Storm warning")
    assert "[heatwave]" in hit.snippet
    assert "<mark>heatwave</mark>" in hit.snippet_html
    assert "<script" not in hit.snippet_html and "&amp;" in hit.snippet_html
    lead = archive.search("source:blog.example")[0]
    assert lead.snippet.startswith("Le café rouvre") and "<mark>" not in lead.snippet_html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"climate change', "Unclosed quote at position 1"),
        ('heat "wave', "Unclosed quote at position 6"),
        ("(climate OR flood", "Unclosed parenthesis at position 1: expected ')'"),
        ("climate)", "Unexpected ')' at position 8"),
        ("titel:heat", "Unknown field 'titel:' at position 1 (known: title, author, source, "
                       "lang)"),
        ("https://example.com", "Unknown field 'https:'"),
        ("climate OR", "OR at position 9 needs a search term after it"),
        ("OR climate", "OR at position 1 needs a search term before it"),
        ("climate AND", "AND at position 9 needs a search term on both sides"),
        ("NOT", "Expected a search term after NOT at position 1"),
        ("-", "has no words to search for"),
        ("x') OR 1=1 --", "Unexpected ')' at position 3: no '(' opens it"),
        ("c*", "The prefix 'c*' at position 1 is too short"),
        ("*", "'*' at position 1 must follow a word"),
        ("title:", "Field 'title:' at position 1 needs a value"),
        ("title: heat", "Field 'title:' at position 1 needs a value"),
        ("author:&", "needs letters or digits"),
        ("()", "Empty parentheses at position 1"),
        ('""', "The phrase at position 1 has no words"),
        ("?!", "has no words to search for"),
        ("", "The query is empty"),
        ("word " * 300, "longer than 1000 characters"),
        ("(" * 20 + "a" + ")" * 20, "nested more than 16 deep"),
        (" ".join(f"w{i}" for i in range(70)), "more than 64 search terms"),
        ("heat\x00wave", "control character (U+0000) at position 5"),
    ],
)
def test_syntax_errors_say_what_is_wrong(archive: Archive, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        archive.search(query)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"limit": 0}, "limit must be between 1 and 1000"),
        ({"limit": 5000}, "limit must be between 1 and 1000"),
        ({"offset": -1}, "offset must be between 0"),
        ({"order": "random"}, "Unknown order 'random'"),
        ({"since": "last week"}, "since 'last week' is not a date"),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "since is after until"),
        ({"lang": "english!"}, "is not a language code"),
        ({"source": "x" * 300}, "at most 255 characters"),
    ],
)
def test_parameters_are_validated(archive: Archive, options: dict[str, object],
                                  message: str) -> None:
    with pytest.raises(QueryError, match=message):
        archive.search("climate", **options)  # type: ignore[arg-type]


def test_parser_builds_the_tree() -> None:
    assert parse_query('climate "sea level" -title:opinion (flood* OR lang:de)') == And((
        Term("climate"), Phrase("sea level"), Not(Field("title", Term("opinion"))),
        Or((Prefix("flood"), Field("lang", Term("de")))),
    ))
    assert parse_query("a OR b c") == Or((Term("a"), And((Term("b"), Term("c")))))
    assert parse_query('AUTHOR:"Jane  Doe"') == Field("author", Phrase("Jane Doe"))


def test_cli_reports_a_bad_query_in_one_sentence(tmp_path: Path) -> None:
    with research_archive("sqlite", tmp_path) as arc:
        url = arc.url
    result = CliRunner().invoke(main, ["search", "(climate OR", "--db", url])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: OR at position 10 needs a search term after it."
    result = CliRunner().invoke(main, ["count", "title:", "--db", url])
    assert result.exit_code == 1 and "needs a value" in result.output
    assert "Traceback" not in result.output
