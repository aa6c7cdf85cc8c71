"""The stories benchmark's scoring and generator (``benchmarks/story_scoring.py``,
``benchmarks/republish.py``, ``benchmarks/simhash.py``) on tiny hand-made cases."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import simhash
from benchmarks.republish import Edits, Original, generate, load_originals
from benchmarks.stories import false_pairs, jaccards, word_shingles
from benchmarks.story_scoring import PairScore, pairwise

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def test_perfect_grouping_scores_one() -> None:
    truth = {"a": 1, "b": 1, "c": 2, "d": 3}
    score = pairwise(truth, {"a": "x", "b": "x", "c": "y", "d": "z"})
    assert score == PairScore(true_pairs=1, predicted_pairs=1, correct_pairs=1)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_one_wrong_member_costs_precision_not_recall() -> None:
    # truth {a,b,c} {d}; predicted {a,b,c,d}: 3 true pairs, 6 predicted, 3 right
    score = pairwise({"a": 1, "b": 1, "c": 1, "d": 2}, dict.fromkeys("abcd", 0))
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (3, 6, 3)
    assert score.precision == 0.5 and score.recall == 1.0
    assert score.f1 == pytest.approx(2 / 3)


def test_a_split_story_costs_recall_not_precision() -> None:
    # truth {a,b,c,d}; predicted {a,b} {c,d}: 6 true pairs, 2 predicted, both right
    score = pairwise(dict.fromkeys("abcd", 1), {"a": 1, "b": 1, "c": 2, "d": 2})
    assert score.precision == 1.0 and score.recall == pytest.approx(2 / 6)


def test_labels_are_only_compared_for_equality() -> None:
    truth = {"a": "s1", "b": "s1", "c": "s2", "d": "s2"}
    assert pairwise(truth, {"a": 7, "b": 7, "c": 9, "d": 9}).f1 == 1.0
    # the same label names meaning different groups do not count
    assert pairwise(truth, {"a": "s1", "b": "s2", "c": "s1", "d": "s2"}).correct_pairs == 0


def test_all_singletons() -> None:
    truth = {"a": 1, "b": 2}
    score = pairwise(truth, {"a": 1, "b": 2})
    assert (score.precision, score.recall) == (1.0, 1.0)
    missed = pairwise({"a": 1, "b": 1}, {"a": 1, "b": 2})
    assert (missed.precision, missed.recall, missed.f1) == (1.0, 0.0, 0.0)


def test_grouping_and_truth_must_label_the_same_articles() -> None:
    with pytest.raises(ValueError, match="differ on 2 articles"):
        pairwise({"a": 1, "b": 1}, {"a": 1, "c": 1})


def test_simhash_groups_within_the_distance_transitively() -> None:
    # a–b 2 bits apart, b–c 2 bits apart (a–c 4), d far from all
    a, b, c, d = 0, 0b11, 0b1111, (1 << 64) - 1
    labels = simhash.group([a, b, c, d], 2)
    assert labels[0] == labels[1] == labels[2] != labels[3]
    assert len(set(simhash.group([a, b, c, d], 1))) == 4


def test_simhash_fingerprint_of_near_texts_is_near() -> None:
    text = " ".join(f"word{i}" for i in range(300))
    near = text.replace("word17 ", "other ")
    far = " ".join(f"thing{i}" for i in range(300))
    fp = simhash.fingerprint(word_shingles(text))
    # 5 of 296 shingles differ: a few bits; unrelated texts: about half of the 64
    assert (fp ^ simhash.fingerprint(word_shingles(near))).bit_count() <= 12
    assert (fp ^ simhash.fingerprint(word_shingles(far))).bit_count() >= 20
    assert simhash.fingerprint([]) == 0


def _originals() -> list[Original]:
    """Eight articles of six paragraphs of made-up words, none shared between them."""
    rng = random.Random(0)

    def word() -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    def paragraph() -> str:
        return " ".join(" ".join(word() for _ in range(8)) + "." for _ in range(5))

    return [Original(f"o{k}", f"Title {word()}", [paragraph() for _ in range(6)], "en")
            for k in range(8)]


def test_generator_is_seeded_and_records_the_truth() -> None:
    originals = _originals()
    first, again = generate(originals, 3), generate(originals, 3)
    assert [(i.id, i.text) for i in first] == [(i.id, i.text) for i in again]
    assert [i.text for i in generate(originals, 4)] != [i.text for i in first]
    for item in first:
        if item.kind == "copy":
            original = next(i for i in first if i.story == item.story and i.kind == "original")
            assert item.source != original.source and item.published > original.published
            assert item.title != original.title
        elif item.kind in ("topic", "follow-up"):
            assert item.story == item.id  # a story of its own


def test_copies_get_weaker_with_stronger_edits() -> None:
    originals = _originals()
    light = jaccards(generate(originals, 5, edits=Edits(0, 0.0)))["copy"]
    heavy = jaccards(generate(originals, 5, edits=Edits(3, 0.6)))["copy"]
    assert min(light) > max(heavy)


def test_false_pairs_are_counted_by_kind() -> None:
    items = generate(_originals(), 6, copies=(1, 1))
    story_of = {i.id: i.story for i in items}
    everything_together = [0] * len(items)
    kinds = false_pairs(items, everything_together)
    n = len(items)
    right = sum(1 for i in items for j in items if i.id < j.id and story_of[i.id] == story_of[j.id])
    assert sum(kinds.values()) == n * (n - 1) // 2 - right
    assert false_pairs(items, [i.story for i in items]) == {}


@pytest.mark.skipif(not CORPORA.is_dir(), reason="needs ../shared/corpora")
def test_originals_are_real_texts_each_once() -> None:
    originals = load_originals(CORPORA)
    assert len(originals) > 200
    texts = [" ".join(o.paragraphs) for o in originals]
    assert len(set(texts)) == len(texts)
    assert all(len(o.paragraphs) >= 3 for o in originals)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="needs ../shared/corpora")
def test_speed_set_has_stories_but_no_accidental_giant_one() -> None:
    """The speed benchmark's articles: its copies group with what they copy, and the
    other articles stay apart (the search set's paragraph mixes did not)."""
    from archive.core.nearcopy import group_texts
    from benchmarks.search import load_pools
    from benchmarks.story_speed import articles, corpus_texts

    texts = corpus_texts(load_pools(CORPORA))
    records = list(articles(texts, 1500, random.Random(3), copy_share=0.1))
    copies = sum(" (via " in str(r["title"]) for r in records)
    assert 100 < copies < 200
    groups = group_texts(str(r["text"]) for r in records)
    sizes = Counter(groups)
    in_stories = sum(n for n in sizes.values() if n > 1)
    # every copy is in a story with its original: about 2 articles a copy, chains fewer
    assert copies * 1.5 < in_stories < copies * 2.2
    assert max(sizes.values()) <= 12
