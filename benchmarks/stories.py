"""Stories benchmark: how well near-copies of one article are grouped, MinHash against
SimHash, on republications generated from real article texts.

Run from the repository root::

    python -m benchmarks.stories [--corpora ../shared/corpora] [--tune-seed 1] [--seed 2]
        [--end-to-end] [--workdir DIR]

Method (figures in ``docs/benchmarks.md``, "Stories"):

- Data: ``benchmarks/republish.py`` — every real article of two corpora, 1–4 republished
  copies of each (other source, later date, rewritten headline, paragraphs dropped or
  moved, sentences altered by word substitutions, boilerplate and teasers injected), a
  topic article (the same distinctive words in other sentences) and a follow-up (quotes
  one paragraph) per original. A seed names a data set.
- Also reported: for each real article, whether it was joined with its nearest other
  real article in topic (tf·idf cosine): pairs of real articles on similar subjects.
- Scores: pairwise precision and recall (``benchmarks/story_scoring.py``) of the
  grouping against the truth (an item's story is its original's).
- MinHash: ``archive.core.nearcopy`` as the archive uses it. SimHash: 64-bit
  fingerprints of the same word shingles (``benchmarks/simhash.py``), grouped within a
  Hamming distance chosen on ``--tune-seed`` (the best F1 with precision ≥ 0.97), then
  reported with that distance on ``--seed``.
- Breaking points: the same originals with every copy edited with one strength, from
  none to far beyond the issue's range.
- ``--end-to-end``: the report seed's items written as JSON Lines, imported into a fresh
  SQLite archive through :meth:`archive.Archive.import_jsonl` and the stories read back.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

from sqlalchemy import select

from benchmarks import simhash
from benchmarks.corpora import DEFAULT_CORPORA
from benchmarks.republish import Edits, Item, Original, generate, load_originals
from benchmarks.story_scoring import PairScore, pairwise
from db import models

#: the edit strengths of the breaking-point table: (paragraphs, share of sentences,
#: share of an altered sentence's words)
STRENGTHS = [Edits(0, 0.0), Edits(1, 0.1), Edits(2, 0.2), Edits(3, 0.3), Edits(4, 0.4),
             Edits(5, 0.5), Edits(6, 0.6), Edits(8, 0.8), Edits(10, 1.0),
             Edits(10, 1.0, 0.35), Edits(10, 1.0, 0.5)]
PRECISION_TARGET, RECALL_TARGET = 0.97, 0.93
SIMHASH_DISTANCES = range(0, 17)
_TOKEN = re.compile(r"\w+")
SHINGLE = 5

Labels = list[Hashable]


def word_shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Lower-cased ``\\w+`` tokens, ``size`` at a time (SimHash's features)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) <= size:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


def timed_labels(items: Sequence[Item], labels_of: Callable[[Sequence[str]], Labels]
                 ) -> tuple[Labels, float]:
    started = time.perf_counter()
    labels = labels_of([item.text for item in items])
    return labels, (time.perf_counter() - started) * 1000 / len(items)


def score(items: Sequence[Item], labels: Labels) -> PairScore:
    return pairwise({i.id: i.story for i in items},
                    {i.id: label for i, label in zip(items, labels, strict=True)})


def words(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens, each occurrence a feature (SimHash's classic input)."""
    return _TOKEN.findall(text.lower())


#: SimHash's features: words weighted by tf·idf (idf over the texts grouped), as Manku
#: et al. (2007) use it for web pages, or the word shingles MinHash sees, unweighted
FEATURES = ("words, tf·idf", "5-word shingles")


def fingerprints(texts: Sequence[str], features: str) -> list[int]:
    if features == "5-word shingles":
        return [simhash.fingerprint(word_shingles(t)) for t in texts]
    tokens = [words(t) for t in texts]
    document_frequency = Counter(w for t in tokens for w in set(t))
    idf = {w: math.log(len(texts) / n) for w, n in document_frequency.items()}
    return [simhash.fingerprint(t, idf) for t in tokens]


def simhash_labels(features: str, distance: int) -> Callable[[Sequence[str]], Labels]:
    def labels(texts: Sequence[str]) -> Labels:
        return list(simhash.group(fingerprints(texts, features), distance))
    return labels


def minhash_labels(texts: Sequence[str]) -> Labels:
    from archive.core import nearcopy

    return list(nearcopy.group_texts(texts))


Curve = list[tuple[str, int, PairScore]]


def tune_simhash(items: Sequence[Item]) -> tuple[str, int, Curve]:
    """The features and distance with the best F1 among those with precision ≥ the
    target (or the best precision when none reaches it), and the whole curve."""
    curve: Curve = []
    for name in FEATURES:
        prints = fingerprints([i.text for i in items], name)
        curve += [(name, d, score(items, list(simhash.group(prints, d))))
                  for d in SIMHASH_DISTANCES]
    good = [(s.f1, f, d) for f, d, s in curve if s.precision >= PRECISION_TARGET]
    best = max(good) if good else max((s.precision, f, d) for f, d, s in curve)
    return best[1], best[2], curve


def false_pairs(items: Sequence[Item], labels: Labels) -> Counter[str]:
    """The wrongly joined pairs, by the kinds of their two items."""
    groups: dict[Hashable, list[Item]] = {}
    for item, label in zip(items, labels, strict=True):
        groups.setdefault(label, []).append(item)
    kinds: Counter[str] = Counter()
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.story != b.story:
                    kinds[" + ".join(sorted((a.kind, b.kind)))] += 1
    return kinds


def topic_neighbours(items: Sequence[Item]) -> list[tuple[int, int, float]]:
    """For each original, the other original nearest in topic: the largest cosine of
    their tf·idf word vectors (real articles on similar subjects, different texts)."""
    originals = [i for i, item in enumerate(items) if item.kind == "original"]
    tokens = {i: Counter(words(items[i].text)) for i in originals}
    frequency = Counter(w for counts in tokens.values() for w in counts)
    idf = {w: math.log(len(originals) / n) for w, n in frequency.items()}
    vectors = {}
    for i, counts in tokens.items():
        vector = {w: c * idf[w] for w, c in counts.items() if idf[w] > 0}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors[i] = {w: v / norm for w, v in vector.items()}
    pairs = []
    for i in originals:
        best = max(((sum(v * vectors[j].get(w, 0.0) for w, v in vectors[i].items()), j)
                    for j in originals if j != i), default=(0.0, i))
        pairs.append((i, best[1], best[0]))
    return pairs


def end_to_end(items: Sequence[Item], workdir: Path) -> tuple[Labels, float]:
    """Import ``items`` into a fresh SQLite archive; their story ids as stored, and the
    import's articles per second."""
    from archive import Archive

    jsonl, db = workdir / "stories.jsonl", workdir / "stories.db"
    db.unlink(missing_ok=True)
    with jsonl.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item.record(), ensure_ascii=False) + "\n")
    with Archive(f"sqlite:///{db}", create=True) as archive:
        report = archive.import_jsonl(jsonl)
        with archive.engine.connect() as connection:
            story_of = dict(connection.execute(
                select(models.Article.url, models.StoryArticle.story_id)
                .join(models.StoryArticle,
                      models.StoryArticle.article_id == models.Article.id)).all())
    urls = [str(item.record()["url"]) for item in items]
    # an article without a story row would be alone: its own URL is its label
    return [story_of.get(url, url) for url in urls], report.new / report.seconds


def _row(name: str, s: PairScore, ms: float | None = None) -> str:
    timing = "" if ms is None else f" {ms:.2f} |"
    return (f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
            f"{s.true_pairs:,} | {s.predicted_pairs:,} |{timing}")


def jaccards(items: Sequence[Item]) -> dict[str, list[float]]:
    """Exact Jaccard of 5-word shingle sets between each item and its original, by kind
    (topic articles and follow-ups against the original they were made from)."""
    originals = {i.story: set(word_shingles(i.text)) for i in items if i.kind == "original"}
    by_number = {i.id[1:]: originals[i.story] for i in items if i.kind == "original"}
    out: dict[str, list[float]] = {}
    for item in items:
        if item.kind == "original":
            continue
        base = originals[item.story] if item.kind == "copy" else by_number[item.id[1:]]
        mine = set(word_shingles(item.text))
        out.setdefault(item.kind, []).append(len(mine & base) / len(mine | base))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--tune-seed", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2, help="the seed reported")
    parser.add_argument("--methods", default="minhash,simhash")
    parser.add_argument("--end-to-end", action="store_true",
                        help="also import the report seed's items and read the stories back")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    methods = args.methods.split(",")

    originals: list[Original] = load_originals(args.corpora)
    tune = generate(originals, args.tune_seed)
    report = generate(originals, args.seed)
    print(f"Stories benchmark: {len(originals)} real articles; seed {args.seed}: "
          f"{len(report)} items ({Counter(i.kind for i in report)})")
    print(f"load average at the start: {os.getloadavg()}")
    print("\nExact Jaccard (5-word shingles) with the original, seed "
          f"{args.seed}: kind, min / p10 / median / max")
    for kind, values in jaccards(report).items():
        q = statistics.quantiles(values, n=10)
        print(f"  {kind}: {min(values):.3f} / {q[0]:.3f} / {statistics.median(values):.3f} / "
              f"{max(values):.3f}")

    features, distance = FEATURES[0], 0
    if "simhash" in methods:
        features, distance, curve = tune_simhash(tune)
        print(f"\nSimHash tuned on seed {args.tune_seed}: {features}, ≤ {distance} bits")
        print("| features, bits | precision | recall | F1 | true pairs | predicted pairs |")
        print("|---|---:|---:|---:|---:|---:|")
        for f, d, s in curve:
            print(_row(f"{f}, {d}", s))

    groupers: dict[str, Callable[[Sequence[str]], Labels]] = {}
    if "minhash" in methods:
        groupers["MinHash (archive.core.nearcopy)"] = minhash_labels
    if "simhash" in methods:
        groupers[f"SimHash ({features}, ≤ {distance} bits)"] = simhash_labels(features,
                                                                             distance)

    print(f"\nIn-spec edits, seed {args.seed} (tuned on seed {args.tune_seed}):")
    print("| method | precision | recall | F1 | true pairs | predicted pairs | ms/article |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    labelled: dict[str, Labels] = {}
    verdicts = []
    for name, labels_of in groupers.items():
        labels, ms = timed_labels(report, labels_of)
        labelled[name] = labels
        result = score(report, labels)
        print(_row(name, result, ms))
        met = result.precision >= PRECISION_TARGET and result.recall >= RECALL_TARGET
        verdicts.append(f"{name}: {'met' if met else 'missed'}")
    print(f"targets (precision ≥ {PRECISION_TARGET}, recall ≥ {RECALL_TARGET}): "
          + "; ".join(verdicts))
    for name, labels in labelled.items():
        print(f"wrong pairs of {name}: {dict(false_pairs(report, labels)) or 'none'}")
    neighbours = topic_neighbours(report)
    cosines = [c for _, _, c in neighbours]
    print(f"\nEach real article and its nearest real article in topic (tf·idf cosine median "
          f"{statistics.median(cosines):.2f}, max {max(cosines):.2f}): pairs joined")
    for name, labels in labelled.items():
        joined = sum(labels[i] == labels[j] for i, j, _ in neighbours)
        print(f"  {name}: {joined} of {len(neighbours)}")

    print(f"\nBy edit strength (every copy edited alike), seed {args.seed}:")
    names = list(groupers)
    print("| edits | " + " | ".join(f"{n} P | {n} R" for n in names) + " |")
    print("|---|" + "---:|---:|" * len(names))
    for edits in STRENGTHS:
        items = generate(originals, args.seed, edits=edits)
        cells = []
        for labels_of in groupers.values():
            s = score(items, timed_labels(items, labels_of)[0])
            cells += [f"{s.precision:.3f}", f"{s.recall:.3f}"]
        print(f"| {edits.label} | " + " | ".join(cells) + " |")

    if args.end_to_end:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="stories-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        labels, rate = end_to_end(report, workdir)
        print(f"\nEnd to end (import into SQLite, stories read back), seed {args.seed}: "
              f"{rate:,.0f} articles/s")
        print(_row("MinHash, stored", score(report, labels)))
        name = next((n for n in labelled if n.startswith("MinHash")), None)
        if name is not None:
            same = pairwise(dict(enumerate(labelled[name])), dict(enumerate(labels)))
            print(f"stored stories against the in-memory grouping: pairwise precision "
                  f"{same.precision:.3f}, recall {same.recall:.3f} (1 and 1: the same groups)")
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
