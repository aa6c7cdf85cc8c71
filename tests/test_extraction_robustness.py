"""Hostile input: any page returns an ``Article`` or raises ``ExtractionError``, within a
second per megabyte (a second for a page under one megabyte).

The pages are built by ``benchmarks/hostile.py``, which also runs them at 20 MB. Here
each is 2 MB (0.5 MB for the floor), to keep the suite fast; the time is CPU time
(``time.process_time``) of one ``extract_article`` call, after a warm-up extraction so
that imports and lazily built tables are not counted. A case over its budget is timed
once more and the faster time is kept: a pause of the machine is not the extractor's,
while a scan that is not linear fails both times.

Margin: the bound asserted is the promise itself, 1 s per MB. On the 2-core development
machine with other jobs running (load average 2.5), the slowest case at 2 MB
(``many_headings``) took 0.77 s per MB, a margin of 1.3x; most take under 0.45 s per
MB (a margin over 2x); at 20 MB every case took at most 0.52 s per MB. Before the scans
of the raw page were made linear, 18 of these cases took from 1.1 s to more than 120 s
per MB at 1 MB.
"""

from __future__ import annotations

import time

import pytest

from archive.core.article import Article
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


def _extract_timed(data: str | bytes, budget_s: float) -> tuple[Article | None, float]:
    """The article (``None`` for ``ExtractionError``) and the CPU seconds it took; a time
    over ``budget_s`` is measured once more and the faster one returned."""
    best = float("inf")
    article: Article | None = None
    for _ in range(2):
        start = time.process_time()
        try:
            article = extract_article(data, URL)
        except ExtractionError:
            article = None
        best = min(best, time.process_time() - start)
        if best <= budget_s:
            break
    return article, best


def _size(data: str | bytes) -> int:
    return len(data.encode("utf-8") if isinstance(data, str) else data)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_page_within_a_second_per_megabyte(case: Case) -> None:
    data = case.build(SIZE)
    size = _size(data)
    article, elapsed = _extract_timed(data, budget(size))
    assert article is None or isinstance(article, Article)
    assert elapsed <= budget(size), (
        f"{case.name}: {elapsed:.2f} s for {size / MB:.2f} MB (budget {budget(size):.2f} s)"
    )


@pytest.mark.parametrize("name", FLOOR_CASES)
def test_hostile_page_under_a_megabyte_within_a_second(name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    data = case.build(FLOOR_SIZE)
    _, elapsed = _extract_timed(data, 1.0)
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
