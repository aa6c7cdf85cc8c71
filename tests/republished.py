"""Synthetic news articles and their republished copies, for the near-copy tests.

An article is paragraphs of sentences of English function words, a topic's names and
pseudo-words drawn by Zipf's law, so that two articles on one topic share many words and
some phrases (the hard case for telling stories apart). A copy is what content farms do
to an article: 1 to 3 paragraphs dropped or moved, 10 to 30 % of sentences with one to
three words substituted, and boilerplate added (headlines are not part of the text).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_FUNCTION_WORDS = ("the", "of", "and", "to", "in", "a", "that", "is", "was", "for", "on",
                   "with", "as", "it", "by", "at", "from", "has", "have", "said", "would",
                   "will", "its", "after", "but", "not", "this", "were", "their", "who")
_SUBSTITUTES = {"said": "stated", "told": "informed", "warned": "cautioned", "the": "this",
                "would": "will", "could": "might", "after": "following", "has": "had",
                "officials": "authorities", "residents": "locals", "reporters": "journalists"}
_BOILERPLATE = (
    "Subscribe to our newsletter for the stories everyone is talking about.",
    "Share this article with your friends and family on social media.",
    "This story was originally reported elsewhere and has been updated with new details.",
    "Follow us for more viral news, breaking stories and exclusive updates every day.",
)


@dataclass(frozen=True)
class Topic:
    """What the articles on one subject keep naming: people, places and things."""

    words: tuple[str, ...]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                   for _ in range(rng.randint(1, 4)))


class Language:
    """A vocabulary of pseudo-words drawn with Zipf's law, and English function words."""

    def __init__(self, rng: random.Random, size: int = 4000) -> None:
        self.words = [_pseudo_word(rng) for _ in range(size)]
        self.weights = [1 / (rank + 1) for rank in range(size)]

    def topic(self, rng: random.Random) -> Topic:
        """A topic: a dozen words its articles keep coming back to."""
        return Topic(words=tuple(_pseudo_word(rng).title() for _ in range(12)))

    def sentence(self, rng: random.Random, on: Topic) -> str:
        words = []
        for _ in range(rng.randint(12, 26)):
            draw = rng.random()
            if draw < 0.4:
                words.append(rng.choice(_FUNCTION_WORDS))
            elif draw < 0.55:
                words.append(rng.choice(on.words))
            else:
                words.append(rng.choices(self.words, self.weights)[0])
        return " ".join(words).capitalize() + "."

    def article(self, rng: random.Random, on: Topic, *, paragraphs: int = 8) -> list[list[str]]:
        """A new article on ``on``: paragraphs of 2 to 4 sentences."""
        return [[self.sentence(rng, on) for _ in range(rng.randint(2, 4))]
                for _ in range(paragraphs)]


def republished(rng: random.Random, original: list[list[str]]) -> list[list[str]]:
    """A content farm's copy of ``original``."""
    copy = [list(paragraph) for paragraph in original]
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.5 and len(copy) > 4:
            copy.pop(rng.randrange(len(copy)))
        else:
            copy.insert(rng.randrange(len(copy)), copy.pop(rng.randrange(len(copy))))
    sentences = [(p, s) for p in range(len(copy)) for s in range(len(copy[p]))]
    for p, s in rng.sample(sentences, int(len(sentences) * rng.uniform(0.1, 0.3))):
        words = copy[p][s].split()
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(words))
            words[at] = _SUBSTITUTES.get(words[at].lower(), "really " + words[at])
        copy[p][s] = " ".join(words)
    copy.insert(rng.randrange(len(copy) + 1), rng.sample(_BOILERPLATE, 2))
    copy.append([rng.choice(_BOILERPLATE)])
    return copy


def text(paragraphs: list[list[str]]) -> str:
    """The article's text as the archive stores it: paragraphs separated by a blank line."""
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


def corpus(seed: int, *, topics: int, stories_per_topic: int,
           copies: tuple[int, int]) -> tuple[list[str], list[int]]:
    """Texts and, for each, the index of its story's original: ``topics`` topics with
    ``stories_per_topic`` different articles each, every article with a random number of
    copies in ``copies`` (inclusive), all shuffled."""
    rng = random.Random(seed)
    language = Language(rng)
    items: list[tuple[str, int]] = []
    for _ in range(topics):
        on = language.topic(rng)
        for _ in range(stories_per_topic):
            original = language.article(rng, on)
            story = len(items)
            items.append((text(original), story))
            items += [(text(republished(rng, original)), story)
                      for _ in range(rng.randint(*copies))]
    rng.shuffle(items)
    return [t for t, _ in items], [s for _, s in items]


def pairwise_scores(found: list[int], truth: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall of grouping ``found`` against ``truth`` (labels)."""
    def pairs(labels: list[int]) -> set[tuple[int, int]]:
        members: dict[int, list[int]] = {}
        for index, label in enumerate(labels):
            members.setdefault(label, []).append(index)
        return {(a, b) for group in members.values() for i, a in enumerate(group)
                for b in group[i + 1:]}
    found_pairs, true_pairs = pairs(found), pairs(truth)
    common = len(found_pairs & true_pairs)
    return (common / len(found_pairs) if found_pairs else 1.0,
            common / len(true_pairs) if true_pairs else 1.0)
