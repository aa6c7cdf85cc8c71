"""Pairwise precision and recall of a grouping of articles into stories.

Every pair of articles is a decision: the same story or not. Precision is the share of
the pairs put together that belong together; recall the share of the pairs that belong
together that were put together. Both are computed from cluster sizes (no pair is
enumerated), so a grouping of a million articles is scored in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PairScore:
    """Pairwise figures: pairs in the truth, pairs predicted, pairs right."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        """Right pairs / predicted pairs; 1.0 when nothing was put together."""
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Right pairs / true pairs; 1.0 when nothing belongs together."""
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise(truth: Mapping[Hashable, Hashable],
             predicted: Mapping[Hashable, Hashable]) -> PairScore:
    """Score ``predicted`` (article → story label) against ``truth`` (article → story).

    Labels are only compared for equality, so any hashable will do.

    Raises:
        ValueError: the two do not label the same articles.
    """
    if truth.keys() != predicted.keys():
        missing = len(truth.keys() - predicted.keys()) + len(predicted.keys() - truth.keys())
        raise ValueError(f"the grouping and the truth differ on {missing} articles")
    both = Counter((truth[a], predicted[a]) for a in truth)
    return PairScore(
        true_pairs=_pairs(Counter(truth.values())),
        predicted_pairs=_pairs(Counter(predicted.values())),
        correct_pairs=_pairs(both),
    )
