"""Stories speed benchmark: placing articles in stories at import and crawl time, ``stories
rebuild`` and the ``stories`` list, on a large archive, with stories on and off.

Run from the repository root::

    python -m benchmarks.story_speed [--articles 100000] [--probe 1000] [--workdir DIR]
        [--reuse] [--crawl-articles 400] [--seed 1]

Method (figures in ``docs/benchmarks.md``, "Stories"):

- Articles: the search benchmark's set (``benchmarks/search.py``: the paragraphs of the
  shared corpora, its 300 Zipf-sized sources, dates, authors and sections), with two
  changes. Each paragraph is 2–5 sentences of corpus pages of the article's language
  instead of a whole corpus paragraph: the search set's paragraph mixes share whole
  paragraphs with thousands of other articles, which made 8,852 of 20,000 articles one
  story; for the same reason, languages of fewer than ``MIN_SENTENCES`` sentences are
  left out (English, German, Russian and French remain), and so are repeated sentences
  and "sentences" longer than 40 words (unsplit blocks, URL lists). And a share ``--copy-share``
  (10 %) of the articles are republished copies of one of the 2,000 articles before
  them, edited as the quality benchmark's in-spec copies (``benchmarks/republish.py``),
  from another source, 1 hour to 10 days later.
- Build: the JSON Lines imported with stories off, then ``stories rebuild`` (timed).
- Assignment at scale: ``--probe`` more articles (same generator, copies among them)
  imported into the built archive with stories off, then as many others with stories on;
  the difference of the two imports' time per article is the cost of placing one.
- Import on/off at small scale: the first ``--small`` lines into two fresh archives.
- ``stories`` list: :meth:`archive.Archive.stories` with no query, ``min_sources=2``, and
  a query word, ``--runs`` times each.
- Crawl on/off: the generated news site (``benchmarks/newssite.py``) with these
  articles' texts, ``--crawl-articles`` pages, crawled from its home page into fresh
  archives in a process of its own each, ``ARCHIVE_STORIES`` on and off.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from archive import Archive
from archive.operations.demo.server import serve_folder
from benchmarks.corpora import DEFAULT_CORPORA
from benchmarks.newssite import write_news_site
from benchmarks.republish import alter, in_spec_edits, rearrange
from benchmarks.search import Pool, article_record, load_pools
from db import models

#: a copy republishes one of this many articles before it
RECENT = 2_000
#: articles are written in the languages of at least this many corpus sentences
MIN_SENTENCES = 500
#: the words (``\w+`` tokens) of the sentences drawn, each once: a longer "sentence" is an
#: unsplit block (a list of URLs counts many), and two articles drawing the same block
#: are near-copies by accident
SENTENCE_WORDS = (4, 40)
_TOKEN = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(slots=True)
class Texts:
    """Sentences and words of the corpora, by language."""

    sentences: dict[str, list[str]]
    words: dict[str, list[str]]
    languages: list[str]


def corpus_texts(pools: list[Pool]) -> Texts:
    found: dict[str, dict[str, None]] = {}  # ordered sets
    for pool in pools:
        for paragraph in pool.paragraphs:
            found.setdefault(pool.language, {}).update(dict.fromkeys(
                s for s in _SENTENCE.split(paragraph)
                if SENTENCE_WORDS[0] <= len(_TOKEN.findall(s)) <= SENTENCE_WORDS[1]))
    sentences = {lang: list(ss) for lang, ss in found.items()}
    words = {lang: sorted({w for s in ss for w in s.split() if w.isalpha()})
             for lang, ss in sentences.items()}
    # a language of few sentences would make its articles near-copies of each other
    rich = {lang for lang, ss in sentences.items() if len(ss) >= MIN_SENTENCES}
    return Texts(sentences, words, [p.language for p in pools if p.language in rich])


def articles(texts: Texts, n: int, rng: random.Random, *, copy_share: float,
             first_number: int = 0) -> Iterator[dict[str, object]]:
    """``n`` import records (see the module docstring); a share ``copy_share`` copies."""
    domains = [f"news{i:03d}.example" for i in range(300)]
    weights = [1 / (i + 1) for i in range(len(domains))]
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 7, 1, tzinfo=UTC) - start).total_seconds())
    recent: deque[dict[str, object]] = deque(maxlen=RECENT)
    for i in range(first_number, first_number + n):
        if recent and rng.random() < copy_share:
            base = rng.choice(recent)
            language = str(base["language"])
            paragraphs = str(base["text"]).split("\n\n")
            edits = in_spec_edits(rng)
            paragraphs = alter(rearrange(paragraphs, edits.drops, rng), edits,
                               texts.words[language], rng)
            published = datetime.fromisoformat(str(base["published"])) + timedelta(
                minutes=rng.randrange(60, 60 * 24 * 10))
            domain = rng.choice([d for d in domains if d != base["source"]])
            title = f"{base['title']} (via {domain})"
        else:
            language = rng.choice(texts.languages)
            pool = texts.sentences[language]
            paragraphs = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
                          for _ in range(rng.randint(3, 10))]
            title = rng.choice(_SENTENCE.split(rng.choice(paragraphs)))[:150]
            published = start + timedelta(seconds=rng.randrange(span))
            domain = rng.choices(domains, weights)[0]
        record = article_record(rng, i, domain=domain, published=published, title=title,
                                paragraphs=paragraphs, language=language)
        recent.append(record)
        yield record


def write_jsonl(records: Iterator[dict[str, object]], out: Path) -> None:
    """Write ``records`` to ``out`` through a temporary name: a file under the final name
    is complete (``--workdir`` reuses it)."""
    part = out.with_name(out.name + ".part")
    with part.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    part.rename(out)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed_import(url: str, jsonl: Path, *, stories: bool, create: bool = False
                 ) -> tuple[int, float]:
    """Articles imported and seconds taken."""
    with Archive(url, create=create) as archive:
        report = archive.import_jsonl(jsonl, stories=stories)
    if report.errors:
        say(f"  {len(report.errors)} import errors, first: {report.errors[0]}")
    return report.new, report.seconds


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def list_latency(url: str, runs: int, words: list[str], rng: random.Random
                 ) -> list[tuple[str, float, float]]:
    """p50 and p95 ms of the stories list, by kind."""
    rows = []
    with Archive(url) as archive:
        archive.stories()  # warm the cache
        kinds = [("no query, top 20", {}), ("--min-sources 2", {"min_sources": 2}),
                 ("a query word", None)]
        for name, options in kinds:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                if options is None:
                    archive.stories(rng.choice(words))
                else:
                    archive.stories(**options)  # type: ignore[arg-type]
                times.append((time.perf_counter() - started) * 1000)
            rows.append((name, _percentile(times, 0.5), _percentile(times, 0.95)))
    return rows


def story_sizes(url: str) -> Counter[int]:
    """How many stories have each number of articles."""
    with Archive(url) as archive, archive.engine.connect() as connection:
        return Counter(dict(connection.execute(
            select(models.Story.n_articles, func.count()).group_by(models.Story.n_articles)
        ).all()))


_CRAWL = """
import json, sys, time
from crawler.runner import run_crawl
started = time.monotonic()
result = run_crawl([sys.argv[1]], db_url=sys.argv[2], depth=3, settings={
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ARCHIVE_STORIES": sys.argv[3] == "on"})
print(json.dumps({"seconds": time.monotonic() - started, "new": result.counts["articles_new"]}))
"""


def crawl_rates(texts: Texts, count: int, workdir: Path, rng: random.Random
                ) -> dict[str, tuple[int, float]]:
    """Articles archived and seconds, crawling the news site with stories on and off."""
    bodies = [str(r["text"]).split("\n\n") for r in articles(texts, count, rng, copy_share=0.1)]
    folder = workdir / "newssite"
    write_news_site(folder, count, bodies=bodies)
    out: dict[str, tuple[int, float]] = {}
    with serve_folder(folder) as base_url:
        for mode in ("off", "on", "off", "on"):  # twice each, alternated: the load varies
            db = workdir / f"crawl-{mode}.db"
            db.unlink(missing_ok=True)
            done = subprocess.run([sys.executable, "-c", _CRAWL, base_url, f"sqlite:///{db}",
                                   mode], capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            new, seconds = out.get(mode, (0, 0.0))
            out[mode] = (new + result["new"], seconds + result["seconds"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--probe", type=int, default=1_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--crawl-articles", type=int, default=400)
    parser.add_argument("--copy-share", type=float, default=0.1)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the built archive in --workdir (probe, list and crawl)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", default="", help="comma-separated: small,crawl")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    rng = random.Random(args.seed)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="story-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    texts = corpus_texts(load_pools(args.corpora))
    n = args.articles
    jsonl, db = workdir / f"articles-{n}.jsonl", workdir / f"archive-{n}.db"
    url = f"sqlite:///{db}"
    lines: list[str] = []
    if not jsonl.exists():
        write_jsonl(articles(texts, n, rng, copy_share=args.copy_share), jsonl)
        say(f"generated {jsonl}")
    probes = []
    for name in ("probe-off", "probe-on"):
        probe = workdir / f"{name}-{n}.jsonl"
        write_jsonl(articles(texts, args.probe, random.Random(f"{args.seed}{name}"),
                             copy_share=args.copy_share, first_number=n + len(probes)
                             * args.probe), probe)
        probes.append(probe)

    if not (args.reuse and db.exists()):
        for leftover in workdir.glob(f"{db.name}*"):
            leftover.unlink()
        say(f"load average before the build: {os.getloadavg()}")
        new, seconds = timed_import(url, jsonl, stories=False, create=True)
        lines.append(f"import of {new:,} articles, stories off: {seconds:.0f} s = "
                     f"{new / seconds:,.0f} articles/s")
        say(lines[-1])
        with Archive(url) as archive:
            started = time.monotonic()
            report = archive.rebuild_stories()
            rebuild = time.monotonic() - started
        lines.append(f"stories rebuild of {n:,} articles: {rebuild:.0f} s "
                     f"({rebuild * 1000 / n:.2f} ms/article; {report}); "
                     f"load average {os.getloadavg()}")
        say(lines[-1])
    sizes = story_sizes(url)
    lines.append(f"stories: {sum(sizes.values()):,}; by size: "
                 f"{dict(sorted(sizes.items())[:8])}, largest {max(sizes)}")
    say(lines[-1])

    say(f"load average before the probes: {os.getloadavg()}")
    off_new, off_seconds = timed_import(url, probes[0], stories=False)
    on_new, on_seconds = timed_import(url, probes[1], stories=True)
    off_ms, on_ms = off_seconds * 1000 / off_new, on_seconds * 1000 / on_new
    lines.append(f"import of {args.probe:,} more articles into the {n:,}: stories off "
                 f"{off_ms:.2f} ms/article, on {on_ms:.2f} ms/article: placing one "
                 f"article {on_ms - off_ms:.2f} ms; load average {os.getloadavg()}")
    say(lines[-1])

    words = [w for w in texts.words.get("en", []) if len(w) > 6][:2000]
    latency = list_latency(url, args.runs, words, rng)

    small: dict[str, float] = {}
    if "small" not in skip:
        part = workdir / f"first-{args.small}.jsonl"
        with jsonl.open("rb") as source, part.open("wb") as out:
            for _, line in zip(range(args.small), source, strict=False):
                out.write(line)
        for mode in ("off", "on", "off", "on"):
            target = workdir / f"small-{mode}.db"
            for leftover in workdir.glob(f"{target.name}*"):
                leftover.unlink()
            new, seconds = timed_import(f"sqlite:///{target}", part, stories=mode == "on",
                                        create=True)
            small[mode] = small.get(mode, 0.0) + seconds / 2
        say(f"small imports: {small}")
    crawls = {} if "crawl" in skip else crawl_rates(texts, args.crawl_articles, workdir, rng)

    print(f"\nStories speed benchmark: {n:,} articles ({args.copy_share:.0%} copies), "
          f"SQLite, workdir {workdir}")
    for line in lines:
        print(f"- {line}")
    print("\n| stories list | runs | p50 ms | p95 ms |\n|---|---:|---:|---:|")
    for name, p50, p95 in latency:
        print(f"| {name} | {args.runs} | {p50:.1f} | {p95:.1f} |")
    if small:
        off, on = args.small / small["off"], args.small / small["on"]
        print(f"\nimport of the first {args.small:,} lines into a fresh archive (mean of 2): "
              f"stories off {off:,.0f} articles/s, on {on:,.0f} articles/s "
              f"({(on - off) / off:+.1%})")
    if crawls:
        (off_n, off_s), (on_n, on_s) = crawls["off"], crawls["on"]
        print(f"crawl of the news site ({args.crawl_articles} articles, twice each): "
              f"stories off {off_n / off_s:.1f} articles/s, on {on_n / on_s:.1f} articles/s "
              f"({(on_n / on_s - off_n / off_s) / (off_n / off_s):+.1%})")
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
