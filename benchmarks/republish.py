"""Republished copies of real articles, and different articles on the same topics.

The stories benchmark (``benchmarks/stories.py``) groups what this module generates and
scores the grouping against the truth it records: every generated item belongs to the
story of the real article it was made from, and to no other.

- **Originals**: the true texts of ``article-bodies`` and of the ``site`` pages of
  ``reader-pages`` (``../shared/corpora``) of at least ``MIN_WORDS`` words and three
  paragraphs, each text once.
- **Copies** (same story as their original): another source, a later date, a rewritten
  headline; ``drops`` paragraphs dropped or moved elsewhere (at most a third of them
  dropped), a fraction ``altered`` of the sentences altered by word substitutions (a
  share ``words`` of their words, 1 in 5 unless said otherwise, replaced by words of the
  same language's vocabulary), the copying site's own boilerplate and "…see more" teasers
  injected between paragraphs.
- **Boilerplate** of a site: short lines (share buttons, newsletter, "Read also", teasers)
  and a footer paragraph of its own (two corpus sentences, ~50 words) that half of its
  articles carry — so two different articles of one site share a paragraph, as they do
  when an extractor keeps a footer.
- **Topic articles** (a story of their own): the original's most distinctive words put
  into the sentences of other articles of the same language: the same vocabulary, not
  the same sentences.
- **Follow-ups** (a story of their own): a different article that quotes one paragraph
  of the original (at most ``QUOTED_SHARE`` of its words).

Everything is drawn from a ``random.Random`` seeded by the caller, so a seed names a data
set: tune on one seed, report on another.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.corpora import BODIES, READER

#: originals shorter than this many words are left out (a teaser is not an article)
MIN_WORDS = 150
#: a follow-up quotes at most this share of its own words from the original
QUOTED_SHARE = 0.15
#: distinctive words of an original that its topic article reuses
TOPIC_WORDS = 20
SOURCES = 40

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_BOILERPLATE = [
    "Advertisement",
    "Follow {site} on Facebook for more stories like this.",
    "Subscribe to the {site} newsletter and never miss a story.",
    "Share this article: Facebook · Twitter · WhatsApp · Email",
    "Copyright © 2026 {site}. All rights reserved.",
    "Read also: {other}",
    "{title}…see more",
    "{title}… See more",
    "This story originally appeared elsewhere and is republished on {site} with permission.",
    "Comments are closed. Scroll to top.",
]
_HEADLINE_OPENERS = ["You Won't Believe This:", "WATCH:", "Breaking:", "Must Read:",
                     "This Is Why", "Everyone Is Talking About This:", "Update:"]


@dataclass(frozen=True, slots=True)
class Original:
    """A real article: its corpus id, title, paragraphs and language (2 letters)."""

    id: str
    title: str
    paragraphs: list[str]
    language: str


@dataclass(frozen=True, slots=True)
class Edits:
    """How strongly a copy is edited: paragraphs dropped or moved, the share of
    sentences altered, and the share of an altered sentence's words substituted."""

    drops: int
    altered: float
    words: float = 0.2

    @property
    def label(self) -> str:
        return (f"{self.drops} ¶ dropped/moved, {self.altered:.0%} of sentences with "
                f"{self.words:.0%} of words substituted")


@dataclass(frozen=True, slots=True)
class Item:
    """One generated article and its truth: the story it belongs to."""

    id: str
    story: str
    kind: str  # "original", "copy", "topic" or "follow-up"
    source: str
    published: datetime
    title: str
    text: str
    language: str
    edits: Edits | None = None

    def record(self) -> dict[str, object]:
        """The item as a line of ``viral-archive import`` JSON Lines."""
        return {
            "url": f"https://{self.source}/{self.published:%Y/%m}/{self.id}",
            "title": self.title,
            "text": self.text,
            "published": self.published.isoformat(),
            "source": self.source,
            "language": self.language,
            "authors": ["Staff Writer"],
        }


def _language(code: str | None) -> str:
    code = (code or "en").strip().lower()[:2]
    return code if code.isalpha() else "en"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n") if p.strip()]


def load_originals(corpora: Path) -> list[Original]:
    """The real articles the copies are made from, sorted by id."""
    originals: list[Original] = []
    bodies = json.loads((corpora / BODIES / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, entry in sorted(bodies.items()):
        paragraphs = _paragraphs(entry["articleBody"])
        title = _SENTENCE.split(paragraphs[0])[0][:120] if paragraphs else ""
        originals.append(Original(f"b-{page_id}", title, paragraphs, "en"))
    reader = json.loads((corpora / READER / "truth.json").read_text(encoding="utf-8"))
    for name, entry in sorted(reader.items()):
        if entry["kind"] == "site":
            paragraphs = _paragraphs(entry["text"] or "")
            title = entry.get("title") or (paragraphs[0][:120] if paragraphs else "")
            originals.append(Original(f"r-{name}", title, paragraphs,
                                      _language(entry.get("lang"))))
    kept: list[Original] = []
    seen: set[str] = set()
    for original in originals:
        # the same text twice (two reader-pages tests of one article) is one story
        key = " ".join(" ".join(original.paragraphs).lower().split())
        words = sum(len(p.split()) for p in original.paragraphs)
        if len(original.paragraphs) >= 3 and words >= MIN_WORDS and key not in seen:
            kept.append(original)
            seen.add(key)
    return kept


def substitute(sentence: str, share: float, vocabulary: Sequence[str],
               rng: random.Random) -> str:
    """``sentence`` with a ``share`` of its words (at least one) replaced by words of
    ``vocabulary``."""
    words = sentence.split(" ")
    count = max(1, round(len(words) * share))
    for index in rng.sample(range(len(words)), min(count, len(words))):
        words[index] = rng.choice(vocabulary)
    return " ".join(words)


def alter(paragraphs: list[str], edits: Edits, vocabulary: Sequence[str],
          rng: random.Random) -> list[str]:
    """``paragraphs`` with a share ``edits.altered`` of their sentences altered by word
    substitutions (``edits.words`` of their words)."""
    split = [_SENTENCE.split(p) for p in paragraphs]
    places = [(i, j) for i, sentences in enumerate(split) for j in range(len(sentences))]
    for i, j in rng.sample(places, round(edits.altered * len(places))):
        split[i][j] = substitute(split[i][j], edits.words, vocabulary, rng)
    return [" ".join(sentences) for sentences in split]


def rearrange(paragraphs: list[str], operations: int, rng: random.Random) -> list[str]:
    """``operations`` paragraphs dropped or moved, each at even odds, but at most a third
    of them dropped (the rest moved)."""
    out = list(paragraphs)
    most_dropped = len(paragraphs) // 3
    dropped = 0
    for _ in range(operations):
        index = rng.randrange(len(out))
        if dropped < most_dropped and rng.random() < 0.5:
            del out[index]
            dropped += 1
        else:
            moved = out.pop(index)
            out.insert(rng.randrange(len(out) + 1), moved)
    return out


class Generator:
    """Makes copies, topic articles and follow-ups of ``originals`` from ``rng``."""

    def __init__(self, originals: list[Original], rng: random.Random) -> None:
        self.originals = originals
        self.rng = rng
        self.sources = [f"site{i:02d}.example" for i in range(SOURCES)]
        self.vocabulary: dict[str, list[str]] = {}
        counts: dict[str, Counter[str]] = {}
        for original in originals:
            words = [w for p in original.paragraphs for w in _WORD.findall(p)]
            counts.setdefault(original.language, Counter()).update(words)
        for language, counter in counts.items():
            self.vocabulary[language] = sorted(counter)
        pages = Counter(w.lower() for o in originals
                        for w in {w for p in o.paragraphs for w in _WORD.findall(p)})
        self.page_count = pages
        self.start = datetime(2025, 1, 1, tzinfo=UTC)
        sentences = [s for o in originals for p in o.paragraphs for s in _SENTENCE.split(p)]
        long = [s for s in sentences if 15 <= len(s.split()) <= 40]
        self.footers = {source: " ".join(rng.sample(long if len(long) > 1 else sentences, 2))
                        for source in self.sources}

    # --- pieces -----------------------------------------------------------------------

    def _date(self) -> datetime:
        return self.start + timedelta(minutes=self.rng.randrange(60 * 24 * 600))

    def _boilerplate(self, source: str, title: str) -> str:
        other = self.rng.choice(self.originals).title
        template = self.rng.choice(_BOILERPLATE)
        return template.format(site=source.split(".")[0].title(), other=other, title=title)

    def _inject(self, paragraphs: list[str], source: str, title: str, count: int) -> list[str]:
        out = list(paragraphs)
        for _ in range(count):
            out.insert(self.rng.randrange(len(out) + 1), self._boilerplate(source, title))
        if self.rng.random() < 0.5:
            out.append(self.footers[source])
        return out

    def _substitute(self, sentence: str, language: str, share: float = 0.2) -> str:
        vocabulary = self.vocabulary.get(language) or self.vocabulary["en"]
        return substitute(sentence, share, vocabulary, self.rng)

    def _alter(self, paragraphs: list[str], edits: Edits, language: str) -> list[str]:
        vocabulary = self.vocabulary.get(language) or self.vocabulary["en"]
        return alter(paragraphs, edits, vocabulary, self.rng)

    def _rearrange(self, paragraphs: list[str], operations: int) -> list[str]:
        return rearrange(paragraphs, operations, self.rng)

    def _headline(self, title: str, language: str) -> str:
        words = self._substitute(title, language).split(" ")
        if self.rng.random() < 0.5:
            words = [self.rng.choice(_HEADLINE_OPENERS), *words]
        return " ".join(words)[:160]

    # --- items ------------------------------------------------------------------------

    def original(self, number: int, original: Original) -> Item:
        source = self.rng.choice(self.sources)
        paragraphs = self._inject(original.paragraphs, source, original.title,
                                  self.rng.randint(0, 2))
        return Item(f"o{number}", f"s{number}", "original", source, self._date(),
                    original.title, "\n\n".join(paragraphs), original.language)

    def copy(self, first: Item, original: Original, index: int, edits: Edits) -> Item:
        """A republished copy of ``first`` (the original's item) on another site."""
        source = self.rng.choice([s for s in self.sources if s != first.source])
        paragraphs = self._rearrange(original.paragraphs, edits.drops)
        paragraphs = self._alter(paragraphs, edits, original.language)
        paragraphs = self._inject(paragraphs, source, original.title, self.rng.randint(1, 4))
        published = first.published + timedelta(minutes=self.rng.randrange(60, 60 * 24 * 10))
        return Item(f"{first.id}-c{index}", first.story, "copy", source, published,
                    self._headline(original.title, original.language),
                    "\n\n".join(paragraphs), original.language, edits)

    def _distinctive(self, original: Original) -> list[str]:
        counts = Counter(w for p in original.paragraphs for w in _WORD.findall(p))
        total = len(self.originals)
        scored = sorted(counts, key=lambda w: -counts[w] * math.log(
            total / self.page_count[w.lower()]))
        return scored[:TOPIC_WORDS]

    def _others(self, original: Original) -> list[str]:
        """As many paragraphs as the original has, each of a different article in the
        original's language (where there are enough), so the result copies none."""
        same = [o for o in self.originals
                if o.language == original.language and o.id != original.id]
        pool = same if len(same) >= len(original.paragraphs) else [
            o for o in self.originals if o.id != original.id]
        chosen = self.rng.sample(pool, min(len(pool), len(original.paragraphs)))
        return [self.rng.choice(other.paragraphs) for other in chosen]

    def topic(self, number: int, original: Original) -> Item:
        """Another article on the original's topic: its words, others' sentences."""
        topic = self._distinctive(original)
        paragraphs = []
        for paragraph in self._others(original):
            words = paragraph.split(" ")
            for index in self.rng.sample(range(len(words)), len(words) // 4):
                words[index] = self.rng.choice(topic)
            paragraphs.append(" ".join(words))
        title = " ".join(self.rng.sample(topic, min(6, len(topic))))
        return Item(f"t{number}", f"t{number}", "topic", self.rng.choice(self.sources),
                    self._date(), title, "\n\n".join(paragraphs), original.language)

    def follow_up(self, number: int, original: Original) -> Item | None:
        """A different article quoting one paragraph of the original, or ``None`` when
        every paragraph is too long a share of an article."""
        others = self._others(original) + self._others(original)
        size = sum(len(p.split()) for p in others)
        quotable = [p for p in original.paragraphs
                    if len(p.split()) <= QUOTED_SHARE * (size + len(p.split()))]
        if not quotable:
            return None
        others.insert(self.rng.randrange(len(others) + 1), self.rng.choice(quotable))
        return Item(f"f{number}", f"f{number}", "follow-up", self.rng.choice(self.sources),
                    self._date(), f"What happened next: {original.title}"[:160],
                    "\n\n".join(others), original.language)


def in_spec_edits(rng: random.Random) -> Edits:
    """Edits as the issue describes them: 1–3 paragraphs, 10–30 % of sentences."""
    return Edits(rng.randint(1, 3), rng.uniform(0.10, 0.30))


def generate(originals: list[Original], seed: int, *, copies: tuple[int, int] = (1, 4),
             edits: Edits | None = None) -> list[Item]:
    """Every original, ``copies`` (a range) republished copies of each — with ``edits``,
    or in-spec edits drawn per copy — one topic article and one follow-up per original."""
    rng = random.Random(seed)
    maker = Generator(originals, rng)
    items: list[Item] = []
    for number, original in enumerate(originals):
        first = maker.original(number, original)
        items.append(first)
        for index in range(rng.randint(*copies)):
            items.append(maker.copy(first, original, index, edits or in_spec_edits(rng)))
        items.append(maker.topic(number, original))
        follow_up = maker.follow_up(number, original)
        if follow_up is not None:
            items.append(follow_up)
    return items
