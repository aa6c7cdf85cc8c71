"""Per-page figures of our extractor, and the kind of each failure.

A page's failure kind says what to look at first:

- ``empty``: nothing extracted where the truth has text;
- ``not an article``: text extracted, but the page classified as a listing or empty;
- ``too short``: what was extracted is right but a small part of the article (a lead, a
  caption, a teaser box, one block);
- ``wrong block``: little of what was extracted is in the article, and little of the
  article was extracted;
- ``boilerplate kept``: the article is there, with much that is not;
- ``parts missing``: some of the article is missing, the rest is right;
- ``wrong title``: the body is right but the title is not (pages with a true title);
- ``small differences``: none of the above, the scores are not perfect;
- ``ok``: perfect scores and title.

An empty or non-article result on a page whose true text is several paragraphs of
prose is a *defect*; the benchmark counts them and the gate allows none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from benchmarks.corpora import BodyPage
from benchmarks.scoring import PageScore

#: Thresholds of the failure kinds (shares of shingles).
_GOOD = 0.8
_POOR = 0.5
#: A true text of this many characters in this many blocks at least is "several
#: paragraphs of prose".
PROSE_CHARS = 500
PROSE_BLOCKS = 2
#: A title ending like a teaser's headline ("… See more", "Weiterlesen", "→").
TEASER_TITLE = re.compile(
    r"(?:(?:see|read|view|show|load) more|continue reading|weiterlesen|mehr lesen"
    r"|lire la suite|leer más)\W*$|(?:→|\s[»›])\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class PageFigures:
    """One page's figures (precision is ``None`` for an empty output) and failure kind."""

    id: str
    url: str
    precision: float | None
    recall: float | None
    f1: float
    kind: str
    chars: int
    true_chars: int


def is_prose(truth: str) -> bool:
    """True when a true text is several paragraphs of prose."""
    blocks = [line for line in truth.splitlines() if line.strip()]
    return len(truth) >= PROSE_CHARS and len(blocks) >= PROSE_BLOCKS


def title_key(title: str | None) -> str:
    """A title compared as the targets say: whitespace normalised, case folded."""
    return " ".join((title or "").split()).casefold()


def failure_kind(
    page: BodyPage, score: PageScore, text: str, page_type: str | None, title: str | None
) -> str:
    """The kind of failure of one page (see the module docstring); ``ok`` when none."""
    if score.fp == 0 and score.fn == 0:
        precision = recall = 1.0
    else:
        precision = score.tp / (score.tp + score.fp) if score.tp + score.fp else 0.0
        recall = score.tp / (score.tp + score.fn) if score.tp + score.fn else 0.0
    if page.truth.strip() and not text.strip():
        return "empty"
    if page_type is not None and page_type != "article" and is_prose(page.truth):
        return "not an article"
    if recall < _POOR and precision >= _GOOD:
        return "too short"
    if recall < _POOR and precision < _POOR:
        return "wrong block"
    if precision < _GOOD and recall >= _GOOD:
        return "boilerplate kept"
    if recall < _GOOD:
        return "parts missing"
    if precision < _GOOD:
        return "boilerplate kept"
    if page.title is not None and title is not None and title_key(title) != title_key(
        page.title
    ):
        return "wrong title"
    return "ok" if precision == recall == 1.0 else "small differences"


def page_figures(
    page: BodyPage, score: PageScore, text: str, page_type: str | None = None,
    title: str | None = None,
) -> PageFigures:
    """Per-page figures, with the README's conventions for empty texts."""
    kind = failure_kind(page, score, text, page_type, title)
    if score.fp == 0 and score.fn == 0:
        return PageFigures(page.id, page.url, 1.0, 1.0, 1.0, kind, len(text), len(page.truth))
    precision = score.tp / (score.tp + score.fp) if score.tp + score.fp else None
    recall = score.tp / (score.tp + score.fn) if score.tp + score.fn else None
    p, r = precision or 0.0, recall or 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return PageFigures(page.id, page.url, precision, recall, f1, kind, len(text),
                       len(page.truth))


def is_defect(page: BodyPage, text: str, page_type: str | None) -> bool:
    """True for an empty or non-article result on a page of several paragraphs of prose."""
    if not is_prose(page.truth):
        return False
    return not text.strip() or (page_type is not None and page_type != "article")
