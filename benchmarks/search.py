"""Search benchmark: import rate, database size and query latency on a large archive,
side by side with a plain ``LIKE`` scan as the naive baseline.

Run from the repository root::

    python -m benchmarks.search [--articles 1000000] [--runs 200] [--like-runs 5]
        [--workdir DIR] [--keep] [--corpora ../shared/corpora] [--seed 1]
        [--db postgresql+psycopg://HOST/DB]

With ``--db`` the archive is that database (empty, or with ``--reuse`` one this
benchmark filled before) instead of a SQLite file in the work folder, so the same
queries measure PostgreSQL's tsvector/GIN backend next to SQLite's FTS5.

Method (figures in ``docs/benchmarks.md``):

- Text: paragraphs of the shared corpora — the true bodies of ``article-bodies`` and the
  ``<p>`` texts of the ``publication-dates`` pages (mostly German) — so word statistics are
  those of real news. Each generated article takes 3–10 paragraphs, most from one page and
  the rest from other pages of the same language, shuffled; its title is a sentence of
  them. Sources: 300 made-up domains with Zipf-like sizes; dates spread over 2019–2026;
  2–3 authors from a list of names.
- Import: the JSON Lines file goes through :meth:`archive.Archive.import_jsonl` (the code
  path of ``viral-archive import``) into a fresh SQLite file; FTS5 triggers index as rows
  are inserted. Rate = articles / wall time of the import.
- Queries (``--runs`` different queries of each kind, each timed once, after 20 untimed
  warm-up queries): :meth:`archive.Archive.search` for the first page of 20 by relevance —
  the whole call: parsing, the page of ids, the total, snippets and the hit rows. A
  typical query word is drawn uniformly among the words on 2–20 of the corpus's 462 pages
  (``TYPICAL_PAGES``: in 0.4–4.3 % of real articles), leaving out the 150 most frequent
  words (stop words); two words are typical words of one paragraph, so they co-occur;
  phrases are 2–3 consecutive words of a paragraph. Frequent words (on more than 20
  pages) and words drawn by their number of occurrences (the rule of earlier runs) are
  measured as kinds of their own.
- ``count --by month`` over the whole archive (no query) and for one word.
- Baseline: ``title LIKE '%w%' OR text LIKE '%w%'`` (ASCII case-insensitive in SQLite),
  newest first, LIMIT 20 — a full table scan; run ``--like-runs`` times per kind.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import html as lxml_html
from sqlalchemy import text

from archive import Archive
from benchmarks.corpora import BODIES, DATES, DEFAULT_CORPORA

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: the corpus's most frequent words, left out of queries as stop words
STOP_WORDS = 150
#: a typical query word occurs on this many of the corpus's pages (of 462: 0.4–4.3 % of
#: real articles); rarer words are faster, frequent ones are measured on their own
TYPICAL_PAGES = (2, 20)
FIRST_NAMES = ["Anna", "Ben", "Chloe", "David", "Elif", "Farid", "Greta", "Hiro", "Ines",
               "Jonas", "Kofi", "Lena", "Marta", "Nils", "Olga", "Pablo", "Quinn", "Rosa",
               "Sami", "Tara", "Uwe", "Vera", "Wen", "Yusuf", "Zoe"]
LAST_NAMES = ["Schmidt", "Smith", "Garcia", "Nguyen", "Müller", "Rossi", "Kowalski", "Dubois",
              "Okafor", "Tanaka", "Larsen", "Novak", "Silva", "Hughes", "Weber", "Costa"]


@dataclass(slots=True)
class Pool:
    """Paragraphs of one corpus page, and the page's language."""

    language: str
    paragraphs: list[str]


def _lang(root: lxml_html.HtmlElement) -> str:
    code = (root.get("lang") or root.get("xml:lang") or "").strip().lower()[:2]
    return code if code.isalpha() and len(code) == 2 else "en"


def load_pools(corpora: Path) -> list[Pool]:
    """The paragraphs of every corpus page, with the page's language."""
    pools: list[Pool] = []
    truth = json.loads((corpora / BODIES / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, entry in sorted(truth.items()):
        raw = gzip.decompress((corpora / BODIES / "html" / f"{page_id}.html.gz").read_bytes())
        paragraphs = [p.strip() for p in entry["articleBody"].split("\n") if len(p.strip()) > 40]
        if paragraphs:
            pools.append(Pool(_lang(lxml_html.fromstring(raw)), paragraphs))
    for path in sorted((corpora / DATES / "html").glob("*.html.gz")):
        root = lxml_html.fromstring(gzip.decompress(path.read_bytes()))
        paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
        paragraphs = [p for p in paragraphs if len(p) > 60]
        if len(paragraphs) >= 2:
            pools.append(Pool(_lang(root), paragraphs))
    return pools


def generate(pools: list[Pool], n: int, out: Path, rng: random.Random) -> None:
    """Write ``n`` articles as JSON Lines to ``out``."""
    by_lang: dict[str, list[Pool]] = {}
    for pool in pools:
        by_lang.setdefault(pool.language, []).append(pool)
    domains = [f"news{i:03d}.example" for i in range(300)]
    weights = [1 / (i + 1) for i in range(len(domains))]
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 7, 1, tzinfo=UTC) - start).total_seconds())
    with out.open("w", encoding="utf-8") as handle:
        for i in range(n):
            pool = rng.choice(pools)
            same = by_lang[pool.language]
            count = rng.randint(3, 10)
            paragraphs = [rng.choice(pool.paragraphs) if rng.random() < 0.7
                          else rng.choice(rng.choice(same).paragraphs) for _ in range(count)]
            sentences = _SENTENCE.split(rng.choice(paragraphs))
            title = rng.choice(sentences)[:150]
            published = start + timedelta(seconds=rng.randrange(span))
            domain = rng.choices(domains, weights)[0]
            record = article_record(rng, i, domain=domain, published=published, title=title,
                                    paragraphs=paragraphs, language=pool.language)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def article_record(rng: random.Random, number: int, *, domain: str, published: datetime,
                   title: str, paragraphs: list[str], language: str) -> dict[str, object]:
    """One line of a generated import file: the article ``number`` with random authors
    and section."""
    return {
        "url": f"https://{domain}/{published:%Y/%m}/story-{number}",
        "title": title,
        "text": "\n\n".join(paragraphs),
        "published": published.isoformat(),
        "authors": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                    for _ in range(rng.randint(1, 2))],
        "source": domain,
        "language": language,
        "section": rng.choice(["world", "politics", "science", "culture", "sport"]),
    }


class QueryMaker:
    """Query texts drawn from the corpus (see the module docstring)."""

    def __init__(self, pools: list[Pool], rng: random.Random) -> None:
        self.rng = rng
        self.paragraphs = [p for pool in pools for p in pool.paragraphs]
        counts = Counter(w.lower() for p in self.paragraphs for w in _WORD.findall(p))
        common = {w for w, _ in counts.most_common(STOP_WORDS)}
        self.words = [w for w in counts if w not in common]
        self.weights = [counts[w] for w in self.words]
        # document frequency: on how many corpus pages (real articles) a word occurs
        pages = Counter(w for pool in pools for w in
                        {w.lower() for p in pool.paragraphs for w in _WORD.findall(p)})
        low, high = TYPICAL_PAGES
        self.typical = sorted(w for w in self.words if low <= pages[w] <= high)
        self.frequent = sorted(w for w in self.words if pages[w] > high)

    def word(self) -> str:
        """A typical query word: uniformly among words on TYPICAL_PAGES corpus pages."""
        return self.rng.choice(self.typical)

    def frequent_word(self) -> str:
        """A frequent word: on more corpus pages than typical (stop words left out)."""
        return self.rng.choice(self.frequent)

    def weighted_word(self) -> str:
        """A word drawn by its number of occurrences (the rule of earlier runs)."""
        return self.rng.choices(self.words, self.weights)[0]

    def two_words(self) -> str:
        """Two typical words of one paragraph."""
        typical = set(self.typical)
        while True:
            words = sorted({w.lower() for w in self._paragraph_words()} & typical)
            if len(words) >= 2:
                return " ".join(self.rng.sample(words, 2))

    def _paragraph_words(self) -> list[str]:
        while True:
            words = _WORD.findall(self.rng.choice(self.paragraphs))
            if len(words) >= 4:
                return words

    def phrase(self) -> str:
        words = self._paragraph_words()
        size = self.rng.randint(2, 3)
        start = self.rng.randrange(len(words) - size + 1)
        return '"' + " ".join(words[start:start + size]) + '"'


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


@dataclass(slots=True)
class Row:
    name: str
    runs: int
    p50: float
    p95: float
    matches: float | None = None


#: (query kind, matches, ms) of every timed search, for the breakdown by matches
SAMPLES: list[tuple[str, int, float]] = []
#: the relevance searches of typical queries, broken down by matches
TYPICAL_KINDS = ("one word", "two words", "phrase", "word + source + 1-year range")
BUCKETS = [(0, 1_000), (1_000, 10_000), (10_000, 100_000), (100_000, 10**12)]


def run_queries(arc: Archive, name: str, queries: Iterator[tuple[str, dict[str, object]]],
                runs: int) -> Row:
    times: list[float] = []
    totals: list[int] = []
    for _ in range(runs):
        query, options = next(queries)
        started = time.perf_counter()
        results = arc.search(query, limit=20, **options)  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
        totals.append(results.total)
        SAMPLES.append((name, results.total, times[-1]))
    return Row(name, runs, _percentile(times, 0.5), _percentile(times, 0.95),
               statistics.median(totals))


def print_breakdown() -> None:
    """p50/p95 of the typical relevance searches by how many articles matched."""
    print("\n| matches | searches | p50 ms | p95 ms |\n|---|---:|---:|---:|")
    for low, high in BUCKETS:
        times = [ms for kind, n, ms in SAMPLES
                 if low <= n < high and kind in TYPICAL_KINDS]
        if times:
            label = f"{low:,}–{high:,}" if high < 10**12 else f"≥ {low:,}"
            print(f"| {label} | {len(times)} | {_percentile(times, 0.5):.1f} | "
                  f"{_percentile(times, 0.95):.1f} |")


def like_baseline(arc: Archive, name: str, queries: Iterator[tuple[str, dict[str, object]]],
                  runs: int) -> Row:
    times: list[float] = []
    with arc.engine.connect() as connection:
        for _ in range(runs):
            query, options = next(queries)
            words = [w.strip('"') for w in query.split()] if not query.startswith('"') else [
                query.strip('"')]
            where = " AND ".join(f"(a.title LIKE :w{i} OR a.text LIKE :w{i})"
                                 for i in range(len(words)))
            params: dict[str, object] = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
            if "source" in options:
                where += " AND s.domain = :source AND a.published >= :since"
                where += " AND a.published <= :until"
                params.update(source=options["source"],
                              since=f"{options['since']} 00:00:00",
                              until=f"{options['until']} 23:59:59.999999")
            if arc.engine.dialect.name == "postgresql":  # SQLite's LIKE ignores ASCII case
                where = where.replace(" LIKE ", " ILIKE ")
            sql = text(f"SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id "
                       f"WHERE {where} ORDER BY a.published DESC LIMIT 20")
            times.append(timed(lambda: connection.execute(sql, params).all()))  # noqa: B023
    return Row(f"{name} — LIKE scan", runs, _percentile(times, 0.5), _percentile(times, 0.95))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--like-runs", type=int, default=5)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--workdir", type=Path, help="keep the JSONL and database here")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the archive in --workdir if it is there (queries only)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", metavar="URL",
                        help="benchmark this archive database instead of a SQLite file")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    jsonl, db = workdir / f"articles-{args.articles}.jsonl", workdir / f"archive-{args.articles}.db"
    url = args.db or f"sqlite:///{db}"
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731

    pools = load_pools(args.corpora)
    say(f"{len(pools)} corpus pages, {sum(len(p.paragraphs) for p in pools)} paragraphs")
    if not (args.reuse and (db.exists() or args.db)):
        if not args.db:
            db.unlink(missing_ok=True)
        if not jsonl.exists():
            started = time.monotonic()
            generate(pools, args.articles, jsonl, rng)
            say(f"generated {jsonl} in {time.monotonic() - started:.0f}s")
        arc = Archive(url, create=True)
        step = max(args.articles // 20, 1_000)
        report = arc.import_jsonl(jsonl, on_progress=lambda n: n % step < 1_000 and say(
            f"  imported {n:,} lines"))
        rate = report.new / report.seconds
        say(f"import: {report.new:,} articles in {report.seconds:.1f}s = {rate:,.0f}/s, "
            f"{len(report.errors)} errors")
        arc.close()
    else:
        rate, report = float("nan"), None
    arc = Archive(url)
    if args.db:
        with arc.engine.connect() as connection:
            size = int(connection.scalar(text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            )) or 0)
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    else:
        with arc.engine.connect() as connection:  # fold the WAL into the file first
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.stat().st_size

    makers = QueryMaker(pools, rng)
    domains = [f"news{i:03d}.example" for i in range(300)]

    def stream(kind: str) -> Iterator[tuple[str, dict[str, object]]]:
        while True:
            if kind == "one word":
                yield makers.word(), {}
            elif kind == "one frequent word":
                yield makers.frequent_word(), {}
            elif kind == "one word, drawn by occurrences":
                yield makers.weighted_word(), {}
            elif kind == "two words":
                yield makers.two_words(), {}
            elif kind == "phrase":
                yield makers.phrase(), {}
            elif kind == "one word, newest first":
                yield makers.word(), {"order": "newest"}
            else:
                year = rng.randint(2019, 2025)
                yield makers.word(), {"source": rng.choices(domains, [1 / (i + 1) for i in
                                                                       range(300)])[0],
                                      "since": f"{year}-01-01", "until": f"{year}-12-31"}

    kinds = ["one word", "two words", "phrase", "word + source + 1-year range",
             "one word, newest first", "one frequent word", "one word, drawn by occurrences"]
    say(f"load average before the queries: {os.getloadavg()}")
    warm = stream("one word")
    for _ in range(20):
        arc.search(next(warm)[0])
    rows = [run_queries(arc, kind, stream(kind), args.runs) for kind in kinds]
    count_all = [timed(lambda: arc.count(by="month")) for _ in range(10)]
    rows.append(Row("count --by month, whole archive", 10, _percentile(count_all, 0.5),
                    _percentile(count_all, 0.95)))
    count_word = [timed(lambda: arc.count(makers.word(), by="month")) for _ in range(50)]
    rows.append(Row("count 'word' --by month", 50, _percentile(count_word, 0.5),
                    _percentile(count_word, 0.95)))
    rows += [like_baseline(arc, kind, stream(kind), args.like_runs) for kind in kinds[:4]]

    where = "PostgreSQL tables" if args.db else "SQLite file"
    print(f"\nSearch benchmark: {args.articles:,} articles, {where} {size / 1e9:.2f} GB")
    if report is not None:
        print(f"import: {report.new:,} articles in {report.seconds:.1f} s = {rate:,.0f} articles/s")
    print("\n| query | runs | p50 ms | p95 ms | median matches |\n|---|---:|---:|---:|---:|")
    for row in rows:
        matches = "" if row.matches is None else f"{row.matches:,.0f}"
        print(f"| {row.name} | {row.runs} | {row.p50:.1f} | {row.p95:.1f} | {matches} |")
    print_breakdown()
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}")
    arc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
