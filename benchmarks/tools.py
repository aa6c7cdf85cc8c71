"""The extractors the benchmark compares: ours and its peers, behind one calling convention.

Every tool is called as ``extract(raw, url)`` with the page's bytes exactly as served
(decompressed, not decoded): each tool decodes them the way it is designed to, and that
decoding is part of its measured time.

- ours: ``archive.extract_article(raw, url)`` (BOM, ``<meta charset>``, then a guess).
- trafilatura 2.3.1: ``trafilatura.extract(raw)``; its ``load_html`` accepts bytes and
  decodes them itself (UTF-8 first, then charset_normalizer), as its own ``fetch_url`` +
  ``extract`` path does. Defaults, plus a second row with ``include_comments=False``.
- readability-lxml 0.9: ``Document(raw).summary()``, as its README does with
  ``response.content`` (it decodes with the declared charset, then chardet). The summary's
  HTML is turned into text with lxml's ``text_content()`` after a newline is put around
  every block element, so words of adjacent paragraphs are never glued together.
- BeautifulSoup 4 ``get_text()`` of the whole page, parsed with lxml from the bytes
  (UnicodeDammit decodes): the naive baseline, without separator (the literal call) and
  with ``" "`` as separator (which reproduces the corpus README's reference figure).
- htmldate 1.11: ``find_date(raw, url=url, extensive_search=True)`` with
  ``original_date=True`` (the truth is the original publication day) and ``False``.

Peers are imported lazily, so ``benchmarks`` works without them (``pip install -e
'.[bench]'`` installs them); nothing outside ``benchmarks/`` may import them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

#: A body extractor: ``(raw bytes, url) -> text``.
BodyExtract = Callable[[bytes, str], str]
#: A date extractor: ``(raw bytes, url) -> (day "YYYY-MM-DD" or None, where it came from)``.
DateExtract = Callable[[bytes, str], tuple[str | None, str | None]]

F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class Tool(Generic[F]):
    """A named extractor, imported only when ``load`` is called."""

    key: str
    label: str
    load: Callable[[], F]


# --- ours -------------------------------------------------------------------------------


def _load_ours_body() -> BodyExtract:
    from archive import extract_article

    def extract(raw: bytes, url: str) -> str:
        return extract_article(raw, url).text

    return extract


def _load_ours_date() -> DateExtract:
    from archive import extract_article

    def extract(raw: bytes, url: str) -> tuple[str | None, str | None]:
        article = extract_article(raw, url)
        if article.published is None:
            return None, None
        # the day as the page states it, in the page's own offset (not converted to UTC)
        return article.published.date().isoformat(), article.date_source

    return extract


# --- body peers ---------------------------------------------------------------------------


def _load_trafilatura(include_comments: bool = True) -> BodyExtract:
    import trafilatura

    def extract(raw: bytes, url: str) -> str:
        if include_comments:
            return trafilatura.extract(raw) or ""
        return trafilatura.extract(raw, include_comments=False) or ""

    return extract


_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})


def html_blocks_text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block element (``<br>`` breaks a line)."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        if element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif element.tag == "br":
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _load_readability() -> BodyExtract:
    from readability import Document

    def extract(raw: bytes, url: str) -> str:
        return html_blocks_text(Document(raw).summary())

    return extract


def _load_get_text(separator: str = "") -> BodyExtract:
    from bs4 import BeautifulSoup

    def extract(raw: bytes, url: str) -> str:
        return BeautifulSoup(raw, "lxml").get_text(separator)

    return extract


# --- date peers ---------------------------------------------------------------------------


def _load_htmldate(original_date: bool) -> DateExtract:
    from htmldate import find_date

    def extract(raw: bytes, url: str) -> tuple[str | None, str | None]:
        day = find_date(raw, url=url, extensive_search=True, original_date=original_date)
        return day, None

    return extract


BODY_TOOLS: tuple[Tool[BodyExtract], ...] = (
    Tool("ours", "ours", _load_ours_body),
    Tool("trafilatura", "trafilatura", _load_trafilatura),
    Tool(
        "trafilatura-nc",
        "trafilatura, no comments",
        lambda: _load_trafilatura(include_comments=False),
    ),
    Tool("readability", "readability-lxml", _load_readability),
    Tool("get_text", "get_text()", _load_get_text),
    Tool("get_text-sp", "get_text(' ')", lambda: _load_get_text(" ")),
)

DATE_TOOLS: tuple[Tool[DateExtract], ...] = (
    Tool("ours", "ours", _load_ours_date),
    Tool("htmldate", "htmldate", lambda: _load_htmldate(True)),
    Tool(
        "htmldate-latest",
        "htmldate, original_date=False",
        lambda: _load_htmldate(False),
    ),
)

#: The peer each tool's time is compared with.
BODY_TIME_REFERENCE = "trafilatura"
DATE_TIME_REFERENCE = "htmldate"

#: F1 the corpus README reports for a tool, measured by others on the same pages.
BODY_REFERENCE_F1: dict[str, float] = {
    "trafilatura": 0.960,
    "trafilatura-nc": 0.960,
    "readability": 0.949,
    "get_text": 0.665,
    "get_text-sp": 0.665,
}


def reset_caches() -> None:
    """Empty the LRU caches of trafilatura, htmldate, courlan, jusText, charset_normalizer.

    Called before every timed pass so that no pass profits from caches filled by an
    earlier pass over the same pages; then collects garbage.
    """
    reset_all: Callable[[], None] | None = None
    try:
        from trafilatura.meta import reset_caches as reset_all
    except ImportError:
        with contextlib.suppress(ImportError):
            from htmldate.meta import reset_caches as reset_all
    if reset_all is not None:
        reset_all()
    gc.collect()
