"""Article metadata: dates, title, authors, language, canonical URL and the rest."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from archive.exceptions import ExtractionError
from archive.extraction.authors import clean_authors
from archive.extraction.dates import find_text_dates, parse_date, url_date
from archive.extraction.decode import looks_binary
from archive.extraction.extract import extract_article
from archive.extraction.jsonld import json_ld_objects
from archive.extraction.language import guess_language, normalize_language
from archive.extraction.metadata import extract_metadata
from archive.extraction.prepare import prepare_html
from archive.extraction.titles import strip_site_name

SITE = Path(__file__).parent / "site" / "metadata"
BODY = "<p>" + "The council met on a rainy evening and argued about the budget. " * 8 + "</p>"


def html(head: str = "", body: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


# --- date parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-05", "2020-01-05"),
        ("2020-01-05T23:30:00-05:00", "2020-01-05"),
        ("2020-01-05T10:00:00.123456Z", "2020-01-05"),
        ("20200105T103000Z", "2020-01-05"),
        ("2020-01-05 10:30:00 +0100", "2020-01-05"),
        ("Sun, 05 Jan 2020 10:00:00 GMT", "2020-01-05"),
        ("1578218400", "2020-01-05"),
        ("1578218400000", "2020-01-05"),
        ("January 5, 2020", "2020-01-05"),
        ("Jan. 5th, 2020 at 3:45 pm", "2020-01-05"),
        ("5 January 2020", "2020-01-05"),
        ("5. Januar 2020", "2020-01-05"),
        ("05.01.2020", "2020-01-05"),
        ("5. März 2021, 14:30 Uhr", "2021-03-05"),
        ("jeudi 13 juin 2019", "2019-06-13"),
        ("5 de enero de 2020", "2020-01-05"),
        ("2023年11月8日", "2023-11-08"),
        ("8 ноября 2023", "2023-11-08"),
    ],
)
def test_parse_date_formats(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.tzinfo is not None
    assert parsed.date().isoformat() == expected


def test_parse_date_keeps_the_given_offset() -> None:
    parsed = parse_date("2020-01-05T23:30:00-05:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=-5)
    naive = parse_date("2020-01-05 10:00")
    assert naive is not None and naive.tzinfo is UTC


def test_slash_dates_follow_the_preferred_order() -> None:
    assert day(parse_date("03/04/2020", prefer_dmy=True)) == "2020-04-03"
    assert day(parse_date("03/04/2020", prefer_dmy=False)) == "2020-03-04"
    assert day(parse_date("13/04/2020", prefer_dmy=False)) == "2020-04-13"


@pytest.mark.parametrize(
    "text",
    ["1990-05-01", "3019-01-01", "2020-13-45", "not a date", "", "12345", "0000-00-00",
     "99999999999"],
)
def test_implausible_or_broken_dates_are_rejected(text: str) -> None:
    assert parse_date(text) is None


def test_future_dates_are_rejected() -> None:
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    assert parse_date(future) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/2020/01/05/some-title/", "2020-01-05"),
        ("https://example.com/news/2020-01-05-some-title", "2020-01-05"),
        ("https://example.com/news/20200105/story.html", "2020-01-05"),
        ("https://example.com/2019/3/7/story", "2019-03-07"),
        ("https://example.com/news/2012-06/04/content_1.htm", "2012-06-04"),
        ("https://example.com/2023/10/3-questions-for-you/", None),
        ("https://example.com/story?date=2020-01-05", None),
        ("https://web.archive.org/web/20120611024252/http://example.com/a.htm", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    assert day(url_date(url)) == expected


def test_text_dates_in_running_text() -> None:
    found = find_text_dates("Posted on March 3, 2021 and updated 2021-03-04.")
    assert [v.date() for _, v in found] == [date(2021, 3, 3), date(2021, 3, 4)]


# --- published / modified -------------------------------------------------------------


def test_json_ld_graph_with_article_and_references() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://ex.com/#website", "name": "Example Times"},
            {"@type": "WebPage", "@id": "https://ex.com/a/#webpage", "url": "https://ex.com/a/",
             "datePublished": "2019-01-01T00:00:00+00:00"},
            {"@type": ["NewsArticle"], "headline": "Council approves budget",
             "datePublished": "2021-05-04T08:00:00+02:00",
             "dateModified": "2021-05-05T10:00:00+02:00",
             "author": {"@id": "https://ex.com/#/person/1"},
             "mainEntityOfPage": {"@id": "https://ex.com/a/#webpage"}},
            {"@type": "Person", "@id": "https://ex.com/#/person/1", "name": "Jane Doe",
             "url": "https://ex.com/author/jane"},
        ],
    }
    a = extract_article(html(ld(graph) + "<title>Council approves budget | Example Times</title>",
                             "<h1>Council approves budget</h1>" + BODY), "https://ex.com/a/")
    assert a.published is not None
    assert a.published.isoformat() == "2021-05-04T08:00:00+02:00"
    assert a.date_source == "json-ld"
    assert day(a.modified) == "2021-05-05"
    assert a.authors == ["Jane Doe"]
    assert a.title == "Council approves budget"
    assert a.site_name == "Example Times"


def test_json_ld_list_and_nested_author_objects() -> None:
    blocks = [
        {"@type": "BreadcrumbList", "itemListElement": []},
        {"@type": "BlogPosting", "headline": "A walk in the hills",
         "datePublished": "2018-07-09",
         "author": [{"@type": "Person", "name": "By Anna Schmidt"},
                    {"@type": "Person", "name": "Ben Müller"},
                    {"@type": "Organization", "name": "Hill Walkers"}],
         "publisher": {"@type": "Organization", "name": "Hill Walkers"},
         "keywords": ["hiking", "Hills", "hiking"]},
    ]
    a = extract_article(html(ld(blocks), "<h1>A walk in the hills</h1>" + BODY))
    assert day(a.published) == "2018-07-09"
    assert a.authors == ["Anna Schmidt", "Ben Müller"]
    assert a.site_name == "Hill Walkers"
    assert a.tags == ["hiking", "Hills"]


def test_broken_json_ld_is_repaired_or_skipped() -> None:
    trailing_comma = ('<script type="application/ld+json">{"@type": "Article", '
                      '"headline": "Broken but readable", "datePublished": "2020-02-03",}</script>')
    a = extract_article(html(trailing_comma, BODY))
    assert day(a.published) == "2020-02-03"
    hopeless = ('<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2020-02-04T10:00:00Z", "headline": "x" "oops" }}}</script>')
    a = extract_article(html(hopeless, BODY))
    assert day(a.published) == "2020-02-04"
    garbage = '<script type="application/ld+json">{{{{ not json at all</script>'
    assert extract_article(html(garbage, BODY)).published is None


def test_json_ld_objects_walks_nested_values() -> None:
    objects = json_ld_objects(['{"@type": "WebPage", "mainEntity": {"@type": "Article", '
                               '"headline": "Inner"}}', "[1, 2]", ""])
    assert [o["@type"] for o in objects] == ["WebPage", "Article"]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta property="article:published_time" content="2021-03-04T05:06:07+01:00">',
         "2021-03-04"),
        ('<meta name="DC.date.issued" content="2019-12-31">', "2019-12-31"),
        ('<meta name="parsely-pub-date" content="2018-06-01T12:00:00Z">', "2018-06-01"),
        ('<meta name="sailthru.date" content="2017-02-03 10:00:00">', "2017-02-03"),
        ('<meta itemprop="datePublished" content="2016-08-09">', "2016-08-09"),
        ('<meta name="citation_publication_date" content="2015/04/05">', "2015-04-05"),
    ],
)
def test_meta_conventions(meta: str, expected: str) -> None:
    a = extract_article(html(meta, BODY))
    assert day(a.published) == expected
    assert a.date_source == "meta"
    assert a.published is not None and a.published.tzinfo is not None


def test_published_before_modified_meta() -> None:
    head = ('<meta property="article:modified_time" content="2021-04-01T00:00:00Z">'
            '<meta property="article:published_time" content="2021-03-01T00:00:00Z">')
    a = extract_article(html(head, BODY))
    assert day(a.published) == "2021-03-01"
    assert day(a.modified) == "2021-04-01"


def test_time_element_by_the_headline() -> None:
    body = ('<nav><time datetime="2010-01-01">today</time></nav>'
            '<article><h1>Budget approved</h1><p class="byline">'
            '<time datetime="2022-09-08T07:00:00+02:00">8 Sept 2022</time></p>' + BODY
            + '<div id="comments"><time datetime="2022-09-10">10 Sept</time></div></article>')
    a = extract_article(html("<title>Budget approved</title>", body))
    assert a.published is not None
    assert a.published.isoformat() == "2022-09-08T07:00:00+02:00"
    assert a.date_source == "time"


def test_date_only_in_url() -> None:
    a = extract_article(html("<title>x</title>", BODY), "https://news.example/2019/10/21/story/")
    assert day(a.published) == "2019-10-21"
    assert a.date_source == "url"


def test_url_day_wins_over_utc_metadata_a_day_later() -> None:
    head = '<meta property="article:published_time" content="2023-11-09T03:28:35+00:00">'
    a = extract_article(html(head, BODY), "https://news.example/2023/11/08/story/")
    assert day(a.published) == "2023-11-08"
    assert a.date_source == "url"


def test_utc_metadata_takes_the_offset_of_the_same_instant() -> None:
    head = ('<meta property="article:published_time" content="2023-11-09T06:35:29+00:00">'
            '<meta name="pubdate" content="2023-11-08T22:35:29-08:00">')
    a = extract_article(html(head, BODY))
    assert a.published is not None
    assert a.published.isoformat() == "2023-11-08T22:35:29-08:00"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<p class='meta'>Posted on January 5, 2020 by Jane</p>", "2020-01-05"),
        ("<div class='info'>Veröffentlicht am 5. März 2021</div>", "2021-03-05"),
        ("<span>Publié le 13 juin 2019</span>", "2019-06-13"),
        ("<div class='datum'>05.01.2020</div>", "2020-01-05"),
    ],
)
def test_date_only_in_visible_text(snippet: str, expected: str) -> None:
    body = ("<header><nav>Home</nav></header><h1>The headline of this page</h1>" + snippet
            + BODY + "<footer>© 2024 Example. Impressum 01.01.2024</footer>")
    a = extract_article(html("<title>The headline of this page</title>", body))
    assert day(a.published) == expected
    assert a.date_source == "text"


def test_modification_and_other_cues_are_not_publication_dates() -> None:
    body = ("<h1>The headline of this page</h1><p>Aktualisiert am 09.03.2021</p>"
            "<p>Registriert: 01.02.2015</p><p class='date'>Erstellt am 03.03.2021</p>" + BODY)
    a = extract_article(html("<title>The headline of this page</title>", body))
    assert day(a.published) == "2021-03-03"
    assert day(a.modified) == "2021-03-09"


def test_future_and_ancient_metadata_dates_are_skipped() -> None:
    future = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    head = (f'<meta property="article:published_time" content="{future}">'
            '<meta name="date" content="1970-01-01">')
    a = extract_article(html(head, BODY))
    assert a.published is None or a.published <= datetime.now(UTC) + timedelta(days=1)
    assert a.published is None or a.published.year >= 1995


def test_results_are_always_timezone_aware() -> None:
    for head in ('<meta name="date" content="2020-01-05 10:00">',
                 '<meta name="date" content="1578218400">',
                 '<meta name="date" content="Sun, 05 Jan 2020 10:00:00 +0100">'):
        a = extract_article(html(head, BODY))
        assert a.published is not None and a.published.tzinfo is not None, head


# --- title, authors, language, links ----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Council approves budget | Example Times", "Council approves budget"),
        ("Example Times - Council approves budget", "Council approves budget"),
        ("Council approves budget – Example Times", "Council approves budget"),
        ("Council approves budget » News » Example", "Council approves budget"),
        ("COVID-19 - what you need to know about the new variant",
         "COVID-19 - what you need to know about the new variant"),
    ],
)
def test_strip_site_name(title: str, expected: str) -> None:
    assert strip_site_name(title, ["Example Times", "example.com", "example"]) == expected


#: title cases: the page's head, the start of its body (the article follows), the title
TITLES = json.loads((Path(__file__).parent / "site" / "extraction" / "titles.json")
                    .read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(TITLES))
def test_title_is_chosen_among_the_pages_declarations(case: str) -> None:
    page = TITLES[case]
    assert extract_article(html(page["head"], page["body"] + BODY)).title == page["title"]


@pytest.mark.parametrize(
    "tail",
    ["… <a href='/x'>See more</a>", "...see more", " … Read more", "... Weiterlesen", " →",
     "… <span>mehr lesen</span> »"],
)
def test_title_never_ends_in_a_teaser_tail(tail: str) -> None:
    headline = "Prison Scandal: Officers Busted in Secret Inmate Romances"
    a = extract_article(html("", f"<h1>{headline}{tail}</h1>" + BODY))
    assert a.title == headline
    assert headline not in a.text


def test_one_shared_word_is_no_agreement_between_title_sources() -> None:
    head = ('<title>Hermitian matrix - Encyclopedia</title>'
            + ld({"@type": "Article", "headline": "matrix equal to its conjugate-transpose"}))
    a = extract_article(html(head, "<h1>Hermitian matrix</h1>" + BODY))
    assert a.title == "Hermitian matrix"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe and John Smith"], ["Jane Doe", "John Smith"]),
        (["Von Max Müller und Erika Mustermann"], ["Max Müller", "Erika Mustermann"]),
        (["Jane Doe, John Smith; Ann Lee"], ["Jane Doe", "John Smith", "Ann Lee"]),
        (["Sarah E. Needleman"], ["Sarah E. Needleman"]),
        (["https://www.facebook.com/janedoe", "jane@example.com"], []),
        (["Jane Doe, Staff Writer"], ["Jane Doe"]),
        (["Rachael Link, MS, RD"], ["Rachael Link"]),
        (["Example Times"], []),
        (["admin"], []),
        (["Jane Doe | 12.03.2021"], ["Jane Doe"]),
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, "Example Times") == expected


def test_authors_from_meta_and_from_byline_markup() -> None:
    a = extract_article(html('<meta name="author" content="By Jane Doe">', BODY))
    assert a.authors == ["Jane Doe"]
    body = ('<header><h1>Headline here for test</h1><div class="byline">By '
            '<a rel="author" href="/jd">John Smith</a></div></header>' + BODY)
    assert extract_article(html("", body)).authors == ["John Smith"]


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ("", "de-DE", "de"),
        ("", "en_US", "en"),
        ('<meta http-equiv="content-language" content="fr-FR">', "", "fr"),
        ('<meta property="og:locale" content="es_ES">', "", "es"),
        ("", "x-default", None),
    ],
)
def test_declared_language(head: str, lang: str, expected: str | None) -> None:
    soup = BeautifulSoup(html(head, "<p>1 2 3</p>", lang), "lxml")
    assert extract_metadata(soup, [], None, html="").language == expected


def test_language_is_guessed_when_undeclared() -> None:
    german = ("Die Stadt hat am Montag den neuen Haushalt beschlossen. Der Rat war sich "
              "nicht einig, aber die Mehrheit stimmte für den Plan, der auch mehr Geld für "
              "die Schulen vorsieht und bei dem die Bürger mitreden sollen. ") * 3
    assert extract_article(html("", f"<p>{german}</p>")).language == "de"
    assert guess_language("Москва - столица России, крупнейший город страны. " * 5) == "ru"
    assert guess_language("1234 5678") is None


def test_normalize_language() -> None:
    assert normalize_language("deu") == "de"
    assert normalize_language("English") == "en"
    assert normalize_language("iw") == "he"
    assert normalize_language("not a language") is None


def test_links_are_made_absolute() -> None:
    head = ('<link rel="canonical" href="/news/story-1">'
            '<meta property="og:image" content="//cdn.example.com/a.jpg">'
            '<meta property="og:description" content="A &amp; B  agree.">'
            '<meta name="keywords" content="budget, council, Budget">')
    a = extract_article(html(head, BODY), "https://www.example.com/news/story-1?utm=x")
    assert a.canonical_url == "https://www.example.com/news/story-1"
    assert a.image == "https://cdn.example.com/a.jpg"
    assert a.description == "A & B agree."
    assert a.tags == ["budget", "council"]


def test_og_url_used_without_canonical() -> None:
    a = extract_article(html('<meta property="og:url" content="https://ex.com/a">', BODY),
                        "https://ex.com/a?x=1")
    assert a.canonical_url == "https://ex.com/a"


def test_metadata_does_not_modify_the_soup() -> None:
    page = prepare_html(html('<meta name="author" content="Jane Doe"><title>T | S</title>',
                             "<h1>T</h1>" + BODY))
    soup = BeautifulSoup(page.html, "lxml")
    before = str(soup)
    extract_metadata(soup, page.json_ld, "https://ex.com/2020/01/02/t", html=page.html)
    assert str(soup) == before


def test_fixture_page() -> None:
    a = extract_article((SITE / "news-article.html").read_bytes(),
                        "https://www.example-zeitung.de/politik/haushalt-beschlossen-1234.html")
    assert a.title == "Stadtrat beschließt Haushalt nach langer Debatte"
    assert day(a.published) == "2021-11-04"
    assert a.date_source == "time"
    assert a.authors == ["Anna Schmidt", "Ben Weber"]
    assert a.language == "de"
    assert a.site_name == "Example Zeitung"
    assert a.canonical_url == "https://www.example-zeitung.de/politik/haushalt-beschlossen-1234.html"


@pytest.mark.parametrize(
    "page",
    ["", "<html>", "<meta name=date content=>", "\x00\x01garbage",
     '<script type="application/ld+json">[[[[[[[[</script>',
     '<time datetime="9999-99-99">x</time><h1>' + "a" * 10000,
     "<!--" + "<h1>x" * 1000, "<html lang='??'><title></title>" + "<p>2020" * 3000],
)
def test_nothing_raises(page: str) -> None:
    extract_article(page, "not a url")
    data = page.encode("utf-8", "replace")
    if looks_binary(data):
        with pytest.raises(ExtractionError):
            extract_article(data, None)
    else:
        extract_article(data, None)


CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
#: Only a checkout without ``../shared`` skips the corpus tests; with it, a missing corpus
#: fails them.
needs_shared = pytest.mark.skipif(not CORPORA.parent.is_dir(), reason="no ../shared folder")


@needs_shared
def test_publication_dates_corpus() -> None:
    """Regression guard on the shared corpus (the benchmark reports the exact figures)."""
    from benchmarks.corpora import load_dates

    pages = load_dates(CORPORA)
    correct = 0
    for page in pages:
        a = extract_article(page.html, page.url)
        assert a.published is None or a.published.tzinfo is not None
        correct += day(a.published) == page.truth
    assert correct / len(pages) >= 0.9


@needs_shared
def test_article_bodies_corpus_metadata() -> None:
    from benchmarks.corpora import load_bodies

    pages = load_bodies(CORPORA)
    with_title = with_date = 0
    for page in pages:
        a = extract_article(page.html, page.url)
        with_title += bool(a.title)
        with_date += a.published is not None
    assert with_title >= 0.97 * len(pages)
    assert with_date >= 0.9 * len(pages)
