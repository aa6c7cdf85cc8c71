"""Scoring of extracted text and dates, as ``../shared/corpora/README.md`` defines it.

Bodies: 4-token shingles of ``\\w+`` tokens; per page tp/fp/fn from the shingle multisets,
normalised so every page weighs the same; precision and recall are means over pages,
F1 the harmonic mean of the two means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text``."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(slots=True)
class PageScore:
    """Normalised true positives, false positives and false negatives of one page."""

    tp: float
    fp: float
    fn: float


def score_page(truth: str, predicted: str) -> PageScore:
    """Compare one page's predicted body with its true body."""
    t, p = shingles(truth), shingles(predicted)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(slots=True)
class BodyScore:
    """Corpus-level precision, recall and F1 of body extraction."""

    precision: float
    recall: float
    f1: float
    pages: int


def score_bodies(pages: Iterable[PageScore]) -> BodyScore:
    """Aggregate page scores as the corpus README prescribes."""
    precisions: list[float] = []
    recalls: list[float] = []
    n = 0
    for s in pages:
        n += 1
        if s.fp == 0 and s.fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if s.tp + s.fp > 0:
            precisions.append(s.tp / (s.tp + s.fp))
        if s.tp + s.fn > 0:
            recalls.append(s.tp / (s.tp + s.fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return BodyScore(precision=p, recall=r, f1=f1, pages=n)


@dataclass(slots=True)
class DateScore:
    """Accuracy, precision and recall of publication-day extraction."""

    accuracy: float
    precision: float
    recall: float
    pages: int


def score_dates(pairs: Iterable[tuple[str, str | None]]) -> DateScore:
    """Score ``(true_day, predicted_day_or_None)`` pairs, days as ``YYYY-MM-DD``."""
    total = given = correct = 0
    for truth, predicted in pairs:
        total += 1
        if predicted:
            given += 1
            correct += predicted == truth
    return DateScore(
        accuracy=correct / total if total else 0.0,
        precision=correct / given if given else 0.0,
        recall=given / total if total else 0.0,
        pages=total,
    )
