"""Hostile input: any page returns an ``Article`` or raises ``ExtractionError``, within a
second per megabyte (a second for a page under one megabyte).

The pages are built by ``benchmarks/hostile.py``, which also runs them at 20 MB. Here
each is 2 MB (0.5 MB for the floor), to keep the suite fast; the time is CPU time
(``time.process_time``) of one ``extract_article`` call, after a warm-up extraction so
that imports and lazily built tables are not counted.

Margin: on the 2-core development machine, with other jobs running (load 2-5), the
slowest case took 0.55 s per MB at 1 MB, and every case at most 0.57 s per MB at 20 MB:
the bound asserted, the promised 1 s per MB, leaves a margin of about 1.7x. Before the
scans of the raw page were made linear, 13 of these cases took from 1.1 to more than
100 s per MB.
"""

from __future__ import annotations

import time

import pytest

from archive.article import Article
from archive.exceptions import ExtractionError
from archive.extraction.extract import extract_article
from benchmarks.hostile import (
    CASES,
    MB,
    PARAGRAPHS,
    TITLE,
    URL,
    Case,
    article_page,
    budget,
)

SIZE = 2 * MB
#: The cases run under a megabyte too: those heaviest per byte (dense markup).
FLOOR_CASES = ("many_bylines", "comment_words", "unclosed_headings", "many_headings")
FLOOR_SIZE = MB // 2


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    extract_article(article_page(), URL)


def _extract_timed(data: str | bytes) -> tuple[Article | None, float]:
    start = time.process_time()
    try:
        article: Article | None = extract_article(data, URL)
    except ExtractionError:
        article = None
    return article, time.process_time() - start


def _size(data: str | bytes) -> int:
    return len(data.encode("utf-8") if isinstance(data, str) else data)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_page_within_a_second_per_megabyte(case: Case) -> None:
    data = case.build(SIZE)
    size = _size(data)
    article, elapsed = _extract_timed(data)
    assert article is None or isinstance(article, Article)
    assert elapsed <= budget(size), (
        f"{case.name}: {elapsed:.2f} s for {size / MB:.2f} MB (budget {budget(size):.2f} s)"
    )


@pytest.mark.parametrize("name", FLOOR_CASES)
def test_hostile_page_under_a_megabyte_within_a_second(name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    data = case.build(FLOOR_SIZE)
    _, elapsed = _extract_timed(data)
    assert elapsed <= 1.0, f"{name}: {elapsed:.2f} s for {_size(data) / MB:.2f} MB"


def test_binary_and_utf16_without_bom_raise_extraction_error() -> None:
    for name in ("random_bytes", "utf16_without_bom"):
        data = next(c for c in CASES if c.name == name).build(100_000)
        with pytest.raises(ExtractionError):
            extract_article(data, URL)


def test_article_survives_hostile_head_and_attributes() -> None:
    """Huge attributes, a long author meta, broken JSON-LD and openers without their ">"
    around a real article do not cost it its title, text or byline."""
    head = (
        '<script type="application/ld+json">{"headline": "x", {</script>'
        f'<meta name="author" content="{"on " * 100_000}">'
    )
    before = (
        f'<div class="author {"x" * 500_000}" data-x="{"datePublished 2024 By " * 20_000}">'
        "</div><img src=x <link rel=stylesheet <time "
    )
    article = extract_article(article_page(head=head, before=before + ">"), URL)
    assert article.title == TITLE
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    assert article.authors == ["Sam Hollis"]
