"""The benchmark's scoring (``benchmarks.scoring``), as ``shared/corpora/README.md`` defines it.

No peer extractor is needed here: only our extractor, the scorers and the harness helpers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from archive import extract_article
from benchmarks.corpora import BodyPage, load_bodies, load_dates
from benchmarks.extraction import page_figures, timed_pass
from benchmarks.failures import failure_kind, is_defect
from benchmarks.gate import run_checks
from benchmarks.scoring import PageScore, score_bodies, score_dates, score_page, shingles
from benchmarks.tools import html_blocks_text

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def approx_score(score: PageScore) -> tuple[object, object, object]:
    return (pytest.approx(score.tp), pytest.approx(score.fp), pytest.approx(score.fn))


# --- shingles -----------------------------------------------------------------------------


def test_shingles_are_consecutive_four_grams() -> None:
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})


def test_shingles_count_repeats() -> None:
    assert shingles("a b c d a b c d") == Counter(
        {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1, ("c", "d", "a", "b"): 1,
         ("d", "a", "b", "c"): 1}
    )


def test_short_text_is_one_shingle_and_empty_text_none() -> None:
    assert shingles("Hello, world!") == Counter({("Hello", "world"): 1})
    assert shingles("") == Counter()
    assert shingles(" -- !! ") == Counter()


def test_tokens_are_unicode_words_and_case_matters() -> None:
    assert shingles("Grüße aus Köln, heute") == Counter({("Grüße", "aus", "Köln", "heute"): 1})
    assert shingles("The cat sat down") != shingles("the cat sat down")


# --- one page -----------------------------------------------------------------------------


def test_page_counts_are_normalised_by_their_sum() -> None:
    # truth {abcd, bcde}; predicted {abcd, bcdx}: tp 1, fp 1, fn 1
    assert approx_score(score_page("a b c d e", "a b c d x")) == (1 / 3, 1 / 3, 1 / 3)


def test_page_uses_multiset_minimum() -> None:
    # truth: abcd x2, bcda, cdab, dabc (5); predicted: abcd x1 -> tp 1, fp 0, fn 4
    assert approx_score(score_page("a b c d a b c d", "a b c d")) == (0.2, 0.0, 0.8)
    # the truth once, predicted twice: the surplus is fp -> tp 1, fp 4, fn 0
    assert approx_score(score_page("a b c d", "a b c d a b c d")) == (0.2, 0.8, 0.0)


def test_perfect_and_empty_pages() -> None:
    text = "It was the best of times, it was the worst of times."
    assert score_page(text, text) == PageScore(1.0, 0.0, 0.0)
    assert score_page(text, "") == PageScore(0.0, 0.0, 1.0)
    assert score_page("", text) == PageScore(0.0, 1.0, 0.0)
    assert score_page("", "") == PageScore(0.0, 0.0, 0.0)


# --- corpus -------------------------------------------------------------------------------


def test_bodies_average_over_pages_as_the_readme_says() -> None:
    perfect = PageScore(1.0, 0.0, 0.0)
    nothing_predicted = PageScore(0.0, 0.0, 1.0)  # left out of precision, recall 0
    half = PageScore(1 / 3, 1 / 3, 1 / 3)  # precision 0.5, recall 0.5
    result = score_bodies([perfect, nothing_predicted, half])
    assert result.precision == pytest.approx(0.75)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.6)
    assert result.pages == 3


def test_both_empty_page_scores_one() -> None:
    result = score_bodies([PageScore(0.0, 0.0, 0.0), PageScore(1 / 3, 1 / 3, 1 / 3)])
    assert (result.precision, result.recall) == (pytest.approx(0.75), pytest.approx(0.75))


def test_no_pages_score_zero() -> None:
    result = score_bodies([])
    assert (result.precision, result.recall, result.f1, result.pages) == (0.0, 0.0, 0.0, 0)


def test_dates_accuracy_precision_recall() -> None:
    result = score_dates([
        ("2020-01-05", "2020-01-05"),
        ("2020-01-05", "2020-01-06"),
        ("2020-01-05", None),
        ("2021-02-03", "2021-02-03"),
        ("2021-02-03", ""),
    ])
    assert result.accuracy == pytest.approx(2 / 5)
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(3 / 5)
    assert result.pages == 5


def test_dates_without_pages_or_guesses() -> None:
    assert score_dates([]).accuracy == 0.0
    assert score_dates([("2020-01-05", None)]).precision == 0.0


# --- harness helpers ----------------------------------------------------------------------


def _page(page_id: str) -> BodyPage:
    return BodyPage(id=page_id, url=f"https://example.org/{page_id}", html=b"<p>x</p>", truth="")


def test_page_figures_follow_the_readme_conventions() -> None:
    figures = page_figures(_page("a"), PageScore(1 / 3, 1 / 3, 1 / 3), "x")
    assert (figures.precision, figures.recall, figures.f1) == (
        pytest.approx(0.5), pytest.approx(0.5), pytest.approx(0.5))
    empty = page_figures(_page("b"), PageScore(0.0, 0.0, 1.0), "")
    assert (empty.precision, empty.recall, empty.f1) == (None, 0.0, 0.0)
    assert page_figures(_page("c"), PageScore(0.0, 0.0, 0.0), "").f1 == 1.0


def test_a_failing_page_is_recorded_and_the_pass_goes_on() -> None:
    def extract(raw: bytes, url: str) -> str:
        if url.endswith("/bad"):
            raise ValueError("broken page")
        return "text"

    run = timed_pass(extract, [_page("good"), _page("bad"), _page("also-good")])
    assert run.outputs == ["text", None, "text"]
    assert [(f.page, f.error) for f in run.failures] == [("bad", "ValueError")]
    assert run.seconds >= 0.0


def test_html_blocks_text_separates_blocks() -> None:
    html = "<html><body><div><p>one</p><p>two</p>three<br>four <b>five</b></div></body></html>"
    assert html_blocks_text(html) == "one\ntwo\nthree\nfour five"
    assert html_blocks_text("") == ""


# --- real pages ---------------------------------------------------------------------------

#: Only a checkout without ``../shared`` skips the corpus tests; with it, a missing corpus
#: fails them.
needs_corpora = pytest.mark.skipif(
    not CORPORA.parent.is_dir(), reason=f"no shared folder at {CORPORA.parent}"
)


@needs_corpora
def test_body_scores_of_our_extractor_on_real_pages() -> None:
    pages = load_bodies(CORPORA, limit=4)
    assert len(pages) == 4
    scores = [score_page(p.truth, extract_article(p.html, p.url).text) for p in pages]
    for page, score in zip(pages, scores, strict=True):
        figures = page_figures(page, score, "")
        assert 0.0 <= figures.f1 <= 1.0, page.id
        assert score.tp + score.fp + score.fn == pytest.approx(1.0), page.id
    total = score_bodies(scores)
    assert 0.0 <= total.precision <= 1.0
    assert 0.0 <= total.recall <= 1.0
    assert 0.0 <= total.f1 <= 1.0

    perfect = score_bodies(score_page(p.truth, p.truth) for p in pages)
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)


@needs_corpora
def test_perfect_dates_on_real_truth() -> None:
    pages = load_dates(CORPORA, limit=5)
    assert [p.id for p in pages] == ["000", "001", "002", "003", "004"]
    result = score_dates((p.truth, p.truth) for p in pages)
    assert (result.accuracy, result.precision, result.recall) == (1.0, 1.0, 1.0)


# --- failure kinds and the gate ------------------------------------------------------------

PROSE = "One sentence of the article, long enough to read as prose. " * 6


def _truth_page(truth: str, title: str | None = None) -> BodyPage:
    return BodyPage(id="p", url="", html=b"", truth=truth, title=title)


@pytest.mark.parametrize(
    ("score", "text", "page_type", "kind"),
    [
        (PageScore(0.0, 0.0, 1.0), "", "empty", "empty"),
        (PageScore(0.5, 0.0, 0.5), "lead", "listing", "not an article"),
        (PageScore(0.3, 0.0, 0.7), "lead", "article", "too short"),
        (PageScore(0.1, 0.5, 0.4), "other", "article", "wrong block"),
        (PageScore(0.6, 0.4, 0.0), "all and more", "article", "boilerplate kept"),
        (PageScore(0.7, 0.0, 0.3), "most", "article", "parts missing"),
        (PageScore(0.95, 0.05, 0.0), "nearly", "article", "small differences"),
        (PageScore(1.0, 0.0, 0.0), "all", "article", "ok"),
    ],
)
def test_failure_kinds(score: PageScore, text: str, page_type: str, kind: str) -> None:
    truth = PROSE + "\n" + PROSE
    assert failure_kind(_truth_page(truth), score, text, page_type, None) == kind


def test_wrong_title_is_a_failure_of_a_right_body() -> None:
    page = _truth_page(PROSE, title="Goat Joins Choir")
    score = PageScore(1.0, 0.0, 0.0)
    assert failure_kind(page, score, PROSE, "article", "goat  joins choir") == "ok"
    assert failure_kind(page, score, PROSE, "article", "Goat Joins Choir | Post") == "wrong title"


def test_empty_or_listing_on_prose_is_a_defect_and_on_a_stub_is_not() -> None:
    prose = _truth_page(PROSE + "\n" + PROSE)
    assert is_defect(prose, "", "empty")
    assert is_defect(prose, "some text", "listing")
    assert not is_defect(prose, "some text", "article")
    assert not is_defect(_truth_page("Two words"), "", "empty")


@needs_corpora
def test_gate_holds_on_the_shared_corpora() -> None:
    checks, problems = run_checks(CORPORA)
    assert problems == []
    assert [c.line() for c in checks if not c.ok] == []
