"""Hostile input for ``extract_article``: how long each kind of bad page takes, per MB.

The issue's promise: any input returns an ``Article`` (possibly empty) or raises
``ExtractionError``, and nothing takes more than a second per megabyte (a page under
1 MB: a second). Each case below builds a page of about the size asked for; the robustness
tests (``tests/test_extraction_robustness.py``) run them at a few MB, this script at any
size (20 MB by default), optionally with a page of the shared corpus repeated.

Run from the repository root::

    python -m benchmarks.hostile [--mb 20] [--only NAME,...] [--corpora ../shared/corpora]
        [--profile NAME]

Time is ``time.process_time()`` around one ``extract_article(data, url)`` call (CPU time
of this process, so other jobs on the machine matter less than with wall time).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive.exceptions import ExtractionError
from archive.extraction.extract import extract_article

#: No date in the address, and none in the page's metadata below: every fallback of the
#: date search (text, scripts, htmldate) and of the byline search runs.
URL = "https://news.example.org/news/hostile-page"
MB = 1_000_000

_SAMPLE = (
    "the council said on Tuesday that the bridge over the river would reopen after "
    "repairs costing more than expected and residents welcomed the news while some "
    "questioned why the work had taken so long to finish this year"
)
_WORDS = _SAMPLE.split()


def _sentence(rng: random.Random, words: int = 18) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(4))


def _repeat_to(unit: str, size: int) -> str:
    return unit * max(1, size // max(1, len(unit)))


#: The paragraphs of :func:`article_page`'s article.
PARAGRAPHS = tuple(_paragraph(random.Random(n)) for n in range(8))
TITLE = "Bridge over the river reopens after repairs"


def article_page(body: str = "", *, head: str = "", before: str = "", after: str = "") -> str:
    """A plausible news page: header, navigation, byline, JSON-LD, footer.

    It states no date and no author in its metadata, so that the extractor searches the
    whole page's text for them.
    """
    paragraphs = body or "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS)
    json_ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": TITLE,
    })
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE} | Valley Post</title>"
        '<meta property="og:type" content="article">'
        f'<script type="application/ld+json">{json_ld}</script>{head}</head><body>'
        '<header class="site-header"><a href="/">Valley Post</a></header>'
        '<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>'
        f"{before}<article><h1>{TITLE}</h1>"
        '<div class="byline">By Sam Hollis</div>'
        f'<div class="article-body">{paragraphs}</div></article>{after}'
        "<footer><p>Valley Post, 12 Market Street. All rights reserved.</p></footer>"
        "</body></html>"
    )


# --- the cases: each builds about ``size`` bytes -------------------------------------


def many_paragraphs(size: int) -> str:
    """One article of very many ordinary paragraphs."""
    rng = random.Random(2)
    units = [f"<p>{_paragraph(rng)}</p>\n" for _ in range(50)]
    unit = "".join(units)
    return article_page(_repeat_to(unit, size))


def page_repeated(size: int) -> str:
    """A whole article page (head, JSON-LD, chrome) repeated: many documents in one."""
    return _repeat_to(article_page(), size)


def text_without_tags(size: int) -> str:
    """Plain text, no markup at all."""
    rng = random.Random(3)
    unit = " ".join(_paragraph(rng) for _ in range(20)) + "\n\n"
    return _repeat_to(unit, size)


def many_time_elements(size: int) -> str:
    """``<time>`` elements and written dates everywhere."""
    unit = (
        '<li><time datetime="2023-03-04T10:00:00Z">4 March 2023</time> Posted on 05.03.2023, '
        "updated 2023-03-06 at 10:30, 7/3/2023 and March 8, 2023.</li>\n"
    )
    return article_page("<ul>" + _repeat_to(unit, size) + "</ul>")


def date_words_in_text(size: int) -> str:
    """Running text dense with dates and date cues, without tags between them."""
    unit = (
        "Published 12 May 2021 by the desk, updated 2021-05-13 10:00; dated 14.05.21, "
        "veröffentlicht am 15. Mai 2021, posted 05/16/2021; 2021 2022 2023 1999. "
    )
    return article_page("<p>" + _repeat_to(unit, size) + "</p>")


def huge_json_ld(size: int) -> str:
    """One JSON-LD block holding most of the page (a huge articleBody and graph)."""
    rng = random.Random(4)
    graph = [
        {"@type": "NewsArticle", "headline": f"Story {i}", "datePublished": "2024-05-17",
         "author": [{"@type": "Person", "name": f"Writer {i}"}],
         "articleBody": _paragraph(rng)}
        for i in range(max(1, size // 450))
    ]
    block = json.dumps({"@context": "https://schema.org", "@graph": graph})
    head = f'<script type="application/ld+json">{block}</script>'
    return article_page(head=head)


def broken_json_ld(size: int) -> str:
    """A JSON-LD block that never parses: a long run of keys and unbalanced quotes."""
    unit = '"headline": "x", "name": "\\"' + "a" * 50 + '", {'
    head = '<script type="application/ld+json">{' + _repeat_to(unit, size) + "</script>"
    return article_page(head=head)


def huge_attribute(size: int) -> str:
    """Attribute values megabytes long (class, data-*, href), some with date cues."""
    half = size // 2
    return article_page(
        before=f'<div class="author byline {"x" * half}" data-x="'
        + _repeat_to("datePublished 2024 By ", half // 2) + '">text</div>',
        after=f'<a href="/{"y" * (half // 2)}">more</a>',
    )


def unclosed_tags(size: int) -> str:
    """Start tags that are never closed: every element nests in the previous one."""
    rng = random.Random(5)
    unit = "".join(f"<div><p><span><b>{_sentence(rng)}" for _ in range(10))
    return article_page(_repeat_to(unit, size))


def nested_divs(size: int) -> str:
    """100,000 nested ``div`` elements (or more, to reach ``size``) around the article."""
    depth = max(100_000, size // 11)
    return article_page(before="<div>" * depth, after="</div>" * depth)


def unterminated_scripts(size: int) -> str:
    """Script, style and comment openers that are never closed."""
    unit = "<script>var a = 1;<style>p{}<!-- x <svg><p>text</p>"
    return article_page(_repeat_to(unit, size))


def long_line(size: int) -> str:
    """One word of ``size`` letters in a paragraph (no space to split on)."""
    return article_page("<p>" + "a" * size + "</p>")


def long_digits(size: int) -> str:
    """A run of digits: every position looks like a year."""
    return article_page("<p>" + _repeat_to("2019", size) + "</p>")


def digit_groups(size: int) -> str:
    """Digits in date-like groups without a valid date: ``2020-13-45 20.99.99``."""
    return article_page("<p>" + _repeat_to("2020-13-45 20.19.99 1/99/2020 ", size) + "</p>")


def many_bylines(size: int) -> str:
    """``By By By ...`` in byline-classed elements and in text."""
    unit = '<span class="byline">By By By and By, </span>By '
    return article_page(_repeat_to(unit, size))


def byline_run(size: int) -> str:
    """One byline element holding a very long ``By By By...`` run."""
    return article_page(before='<div class="byline">' + _repeat_to("By ", size) + "</div>")


def space_after_cue(size: int) -> str:
    """Date cue words followed by long runs of spaces and punctuation, then a year."""
    unit = "Published" + " " * 200 + ".,;:-" * 40 + " updated" + " " * 200 + "2024 "
    return article_page("<p>" + _repeat_to(unit, size) + "</p>")


def many_headings(size: int) -> str:
    """Headings everywhere, none closed near its start (the headline search)."""
    unit = "<h1>Bridge over the river reopens " + "x" * 100 + " <h2>Bridge "
    return article_page(_repeat_to(unit, size))


def many_microdata(size: int) -> str:
    """``itemprop=datePublished`` and hAtom classes on every element."""
    unit = (
        '<span itemprop="datePublished" content="2020-02-30">x</span>'
        '<span class="published updated">not a date</span>'
    )
    return article_page(_repeat_to(unit, size))


def many_links(size: int) -> str:
    """A page of links only (a sitemap)."""
    unit = '<li><a href="/news/item">A headline of another story on this site</a></li>'
    return article_page("<ul>" + _repeat_to(unit, size) + "</ul>")


def lone_angle_brackets(size: int) -> str:
    """``<`` and ``>`` without tags, text between them."""
    return article_page("<p>" + _repeat_to("a < b > c <= 2024 > ", size) + "</p>")


def tags_without_end(size: int) -> str:
    """Start tags that never end (no ``>`` follows them): every scan for "the rest of
    the tag" runs to the end of the page."""
    unit = "<time x <nav y <img z <link rel=author <script a <h1 b <meta c <div class=d "
    return article_page("<p>" + _repeat_to(unit, size) + "</p>")


def unclosed_json_ld(size: int) -> str:
    """JSON-LD script openers without their end tag."""
    unit = '<script type="application/ld+json">{"@type": "NewsArticle", '
    return article_page(_repeat_to(unit, size))


def unclosed_head(size: int) -> str:
    """``<head>`` repeated, never closed, before the page."""
    return _repeat_to("<head><title>x</title>", size) + article_page()


def unclosed_headings(size: int) -> str:
    """``<h1>`` openers, never closed (each heading holds the rest of the page)."""
    return article_page(_repeat_to("<h1>Bridge over the river ", size))


def bare_attributes(size: int) -> str:
    """``class=``, ``id=``, ``itemprop=`` and ``rel=`` in text, without quotes or tags."""
    unit = "class=published id=comments itemprop=author rel=author class=byline 2024 "
    return article_page("<p>" + _repeat_to(unit, size) + "</p>")


def long_author_meta(size: int) -> str:
    """An author ``<meta>`` holding megabytes: "on on on...", "a@a@a@...", "By By..."."""
    third = size // 3
    head = "".join(
        f'<meta name="author" content="{_repeat_to(unit, third)}">'
        for unit in ("on ", "a@", "By ")
    )
    return article_page(head=head)


def json_ld_many_keys(size: int) -> str:
    """A JSON-LD object with very many keys holding empty objects."""
    block = json.dumps({f"k{i}": {} for i in range(max(1, size // 12))})
    return article_page(head=f'<script type="application/ld+json">{block}</script>')


def comment_words(size: int) -> str:
    """Words naming the comments section ("comments", "respond") everywhere, with a date."""
    unit = ' comments <b class="respond">2024-05-17</b> disqus_thread '
    return article_page("<p>" + _repeat_to(unit, size) + "</p>")


def body_pieces_and_posts(size: int) -> str:
    """Many small containers named as the body between ads, nested comment posts and
    "Recommended" headings: what the same-kind, discussion and region passes walk."""
    unit = (
        '<div class="article-body"><p>One more short paragraph, of the same kind.</p></div>'
        '<div class="ad-slot">Advertisement</div><div class="comment"><p>A post, '
        'replying.</p><div class="comment">'
        '<h2>Recommended for you</h2><p>Another story, told in a sentence.</p>'
    )
    return article_page(_repeat_to(unit, size))


def tag_soup(size: int) -> str:
    """Random fragments of markup, dates, cue words and punctuation (a fuzzer's page)."""
    rng = random.Random(8)
    pieces = (
        "<div>", "</div>", "<p>", "</p>", "<span class=\"byline\">", "</span>", "<h1>",
        "</h1>", "<time datetime=\"2021-03-04\">", "</time>", "<a rel=\"author\" href=x>",
        "</a>", "<script>", "</script>", "<!--", "-->", "<nav>", "</nav>", "<aside>",
        "<footer>", "<meta name=author content=\"", "\"", "'", "<", ">", "=", " ",
        "By ", "Published ", "updated ", "comments", "2021", "12.03.21", "4 March 2021",
        "03/04/2021", "itemprop=\"datePublished\"", "class=published", "&amp;", "&#",
        "<script type=\"application/ld+json\">{\"@type\": \"Article\",", "{", "}",
        "<img src=x", "<head>", "<title>", "word ", "another word. ", "\n", "    ",
    )
    out: list[str] = []
    length = 0
    while length < size:
        piece = rng.choice(pieces)
        out.append(piece)
        length += len(piece)
    return "".join(out)


def random_bytes(size: int) -> bytes:
    """Random bytes (the extractor may raise ``ExtractionError``)."""
    return random.Random(6).randbytes(size)


def random_text_bytes(size: int) -> bytes:
    """Random bytes without NUL: decoded as some single-byte text."""
    data = random.Random(7).randbytes(size)
    return data.replace(b"\x00", b" ")


def utf16_without_bom(size: int) -> bytes:
    """An article page in UTF-16 little-endian, no byte-order mark."""
    return many_paragraphs(size // 2).encode("utf-16-le")


def truncated_utf8(size: int) -> bytes:
    """A page cut in the middle of a multi-byte character and of a tag."""
    data = many_paragraphs(size).replace("the", "thé").encode("utf-8")
    return data[: data.rfind("é".encode()) + 1] + b"<div cla"


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    build: Callable[[int], str | bytes]


CASES: tuple[Case, ...] = tuple(
    Case(f.__name__, f) for f in (
        many_paragraphs, page_repeated, text_without_tags, many_time_elements,
        date_words_in_text, huge_json_ld, broken_json_ld, huge_attribute, unclosed_tags,
        nested_divs, unterminated_scripts, long_line, long_digits, digit_groups,
        many_bylines, byline_run, space_after_cue, many_headings, many_microdata,
        many_links, lone_angle_brackets, tags_without_end, unclosed_json_ld, unclosed_head,
        unclosed_headings, bare_attributes, long_author_meta, json_ld_many_keys,
        comment_words, body_pieces_and_posts, tag_soup, random_bytes, random_text_bytes,
        utf16_without_bom, truncated_utf8,
    )
)


def budget(size: int) -> float:
    """Seconds allowed for ``size`` bytes: one per MB, at least one."""
    return max(1.0, size / MB)


@dataclass(slots=True)
class Result:
    name: str
    size: int
    seconds: float
    outcome: str

    @property
    def per_mb(self) -> float:
        return self.seconds / max(self.size / MB, 1e-9)

    @property
    def within(self) -> bool:
        return self.seconds <= budget(self.size)


def run_case(name: str, data: str | bytes) -> Result:
    """Extract ``data`` once, timing CPU time; the outcome names what came back."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    start = time.process_time()
    try:
        article = extract_article(data, URL)
        outcome = f"{article.page_type}, {len(article.text):,} chars"
    except ExtractionError as exc:
        outcome = f"ExtractionError: {exc}"
    return Result(name, size, time.process_time() - start, outcome)


def corpus_case(corpora: Path) -> Case:
    """The largest page of the article-bodies corpus, repeated."""
    pages = sorted((corpora / "article-bodies" / "html").glob("*.html.gz"),
                   key=lambda p: p.stat().st_size)
    raw = gzip.decompress(pages[-1].read_bytes())
    return Case("corpus_page_repeated", lambda size: raw * max(1, size // len(raw)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of each page (MB)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="also repeat the largest page of this corpus")
    parser.add_argument("--profile", default="", help="profile this case (cProfile, top 25)")
    args = parser.parse_args(argv)
    cases = list(CASES)
    if args.corpora is not None:
        cases.append(corpus_case(args.corpora))
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c.name in wanted]
    size = int(args.mb * MB)
    run_case("warm-up", article_page())  # imports and lazily built tables, untimed
    failures = 0
    print(f"{'case':<22} {'MB':>6} {'s':>7} {'s/MB':>6}  ok  outcome")
    for case in cases:
        data = case.build(size)
        if case.name == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            result = run_case(case.name, data)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            result = run_case(case.name, data)
        failures += not result.within
        print(f"{result.name:<22} {result.size / MB:6.2f} {result.seconds:7.2f} "
              f"{result.per_mb:6.2f}  {'yes' if result.within else 'NO ':3} "
              f"{result.outcome[:60]}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
