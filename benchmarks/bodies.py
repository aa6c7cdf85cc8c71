"""The body part of the extraction benchmark: every tool on every body corpus.

Each corpus is reported on its own (article-bodies; reader-pages, all pages and its
``site`` pages only, scored from the same pass). Ours is run through
:func:`archive.extract_article` so that, beside the text, its title, page type and
publication time are kept: titles are compared on the pages with a true title, dates on
the pages with a true publication time, and empty or non-article results on pages of
prose are counted as defects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.console import Console

from archive import Article, extract_article
from benchmarks.corpora import BodyCorpus, BodyPage
from benchmarks.failures import TEASER_TITLE, PageFigures, is_defect, page_figures, title_key
from benchmarks.measure import Failure, Pass, load_tools, measure, ratio
from benchmarks.scoring import PageScore, score_bodies, score_page
from benchmarks.tools import BODY_REFERENCE_F1, BODY_TIME_REFERENCE, BODY_TOOLS, BodyExtract, Tool

#: reader-pages' subset of pages from real sites
SITE = "site"


@dataclass(slots=True)
class BodyResult:
    """One tool's figures on one body corpus (or a subset of its pages)."""

    corpus: str
    tool: str
    label: str
    precision: float
    recall: float
    f1: float
    pages: int
    empty: int
    seconds: float
    time_ratio: float | None
    reference_f1: float | None
    failures: list[Failure]
    page_scores: list[PageScore] = field(repr=False)


@dataclass(slots=True)
class OursExtras:
    """What the benchmark checks of our articles beyond the text, on one corpus."""

    corpus: str
    #: pages with a true title (site pages only), and how many of ours are exactly it
    titles: int = 0
    titles_exact: int = 0
    #: our titles that still end in a teaser's tail ("… See more")
    teaser_titles: int = 0
    #: pages with a true publication time, and our right days among them
    dates: int = 0
    dates_right: int = 0
    #: empty or non-article results on pages of several paragraphs of prose
    defects: list[str] = field(default_factory=list)
    worst: list[PageFigures] = field(default_factory=list)
    #: peer titles exactly right on the same pages (tool key -> count)
    peer_titles: dict[str, int] = field(default_factory=dict)


def ours_capturing() -> tuple[BodyExtract, list[Article | None]]:
    """Our body extractor, keeping every article it returns (``None`` where it raised)."""
    articles: list[Article | None] = []

    def extract(raw: bytes, url: str) -> str:
        articles.append(None)
        article = extract_article(raw, url or None)
        articles[-1] = article
        return article.text

    return extract, articles


def score_body_pass(
    corpus: str, tool: Tool[BodyExtract], pages: Sequence[BodyPage], run: Pass[str]
) -> BodyResult:
    """Score one tool's pass over a body corpus."""
    texts = [text or "" for text in run.outputs]
    scores = [score_page(page.truth, text) for page, text in zip(pages, texts, strict=True)]
    total = score_bodies(scores)
    return BodyResult(
        corpus=corpus, tool=tool.key, label=tool.label, precision=total.precision,
        recall=total.recall, f1=total.f1, pages=total.pages,
        empty=sum(not text.strip() for text in texts), seconds=run.seconds, time_ratio=None,
        reference_f1=BODY_REFERENCE_F1.get(tool.key) if corpus == "article-bodies" else None,
        failures=run.failures, page_scores=scores,
    )


def subset(result: BodyResult, pages: Sequence[BodyPage], kind: str) -> BodyResult:
    """``result`` restricted to the pages of one kind (scores only; time is the pass's)."""
    keep = [i for i, page in enumerate(pages) if page.kind == kind]
    scores = [result.page_scores[i] for i in keep]
    total = score_bodies(scores)
    ids = {pages[i].id for i in keep}
    return BodyResult(
        corpus=f"{result.corpus} ({kind})", tool=result.tool, label=result.label,
        precision=total.precision, recall=total.recall, f1=total.f1, pages=total.pages,
        empty=sum(1 for s in scores if s.tp == 0 and s.fp == 0 and s.fn > 0),
        seconds=result.seconds, time_ratio=result.time_ratio, reference_f1=None,
        failures=[f for f in result.failures if f.page in ids], page_scores=scores,
    )


def _published_day(article: Article) -> str | None:
    return article.published.date().isoformat() if article.published else None


def ours_extras(
    corpus: str, pages: Sequence[BodyPage], result: BodyResult,
    articles: Sequence[Article | None], worst: int,
) -> OursExtras:
    """Titles, dates, defects and worst pages of our pass over one corpus."""
    extras = OursExtras(corpus)
    figures: list[PageFigures] = []
    for page, score, article in zip(pages, result.page_scores, articles, strict=True):
        text = article.text if article else ""
        page_type = article.page_type if article else None
        title = article.title if article else None
        extras.teaser_titles += bool(title and TEASER_TITLE.search(title))
        if page.title is not None and page.kind == SITE:
            extras.titles += 1
            extras.titles_exact += title_key(title) == title_key(page.title)
        if page.published is not None:
            extras.dates += 1
            extras.dates_right += bool(article) and _published_day(article) == page.published[:10]
        if is_defect(page, text, page_type):
            extras.defects.append(page.id)
        figures.append(page_figures(page, score, text, page_type, title))
    extras.worst = sorted(figures, key=lambda f: (f.f1, f.kind == "wrong title", f.id))[:worst]
    return extras


def _peer_title_loaders() -> dict[str, Callable[[bytes], str | None]]:
    """The peers' own title readers, for the title comparison (untimed)."""
    loaders: dict[str, Callable[[bytes], str | None]] = {}
    try:
        import trafilatura

        loaders["trafilatura"] = lambda raw: getattr(
            trafilatura.extract_metadata(raw), "title", None)
    except ImportError:
        pass
    try:
        from readability import Document

        loaders["readability"] = lambda raw: Document(raw).short_title()
    except ImportError:
        pass
    return loaders


def peer_titles(pages: Sequence[BodyPage], wanted: set[str] | None) -> dict[str, int]:
    """How many titles each peer gets exactly right on the site pages with a true title."""
    counts: dict[str, int] = {}
    for key, read_title in _peer_title_loaders().items():
        if wanted is not None and key not in wanted:
            continue
        right = 0
        for page in pages:
            if page.title is None or page.kind != SITE:
                continue
            try:
                right += title_key(read_title(page.html)) == title_key(page.title)
            except Exception:  # a peer failing on a page scores it wrong
                continue
        counts[key] = right
    return counts


def run_body_corpus(
    corpus: BodyCorpus, wanted: set[str] | None, warmup: int, repeat: int, worst: int,
    console: Console,
) -> tuple[list[BodyResult], OursExtras | None]:
    """Measure every wanted body tool on one corpus; ours' extras when ours ran."""
    results: list[BodyResult] = []
    extras: OursExtras | None = None
    for tool, extract in load_tools(BODY_TOOLS, wanted, console):
        console.print(f"{corpus.name}: {tool.label} …", highlight=False)
        articles: list[Article | None] = []
        if tool.key == "ours":
            extract, articles = ours_capturing()
        run = measure(extract, corpus.pages, warmup, repeat)
        result = score_body_pass(corpus.name, tool, corpus.pages, run)
        results.append(result)
        if tool.key == "ours":
            # the first timed pass follows the warm-up pages
            start = len(corpus.pages[:warmup])
            first = articles[start : start + len(corpus.pages)]
            extras = ours_extras(corpus.name, corpus.pages, result, first, worst)
    reference = next((r.seconds for r in results if r.tool == BODY_TIME_REFERENCE), None)
    for result in results:
        result.time_ratio = ratio(result.seconds, reference)
    if any(page.kind != SITE for page in corpus.pages):
        results += [subset(r, corpus.pages, SITE) for r in list(results)]
    if extras is not None and any(page.title for page in corpus.pages):
        extras.peer_titles = peer_titles(corpus.pages, wanted)
    return results, extras
