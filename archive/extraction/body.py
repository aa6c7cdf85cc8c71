"""Main-content detection and boilerplate removal: the article's own text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

_DROP_TAGS = ["nav", "header", "footer", "aside", "form", "button", "iframe"]
_BOILERPLATE = re.compile(
    r"share|social|related|trending|comment|newsletter|cookie|banner|promo|advert|\bad\b|"
    r"sidebar|menu|subscribe",
    re.IGNORECASE,
)
_TEASER = re.compile(r"(…|\.\.\.)?\s*(see more|read more|scroll to top|back to top)\s*$", re.I)
_BLOCKS = ["p", "h2", "h3", "h4", "li", "blockquote"]


@dataclass(slots=True)
class Body:
    """The article text and what the orchestrator needs to tell articles from listings."""

    text: str
    #: number of text blocks kept in ``text``
    blocks: int
    #: share of the chosen container's characters that sit inside links (0..1)
    link_density: float


def _hint(tag: Tag) -> str:
    classes = tag.get("class") or []
    return " ".join([*classes, str(tag.get("id") or "")])


def extract_body(soup: BeautifulSoup, *, title: str | None = None) -> Body:
    """Find the main content of ``soup`` and return its text; ``soup`` is modified."""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        if _BOILERPLATE.search(_hint(tag)):
            tag.decompose()
    best: Tag | None = None
    best_score = 0
    for p in soup.find_all("p"):
        parent = p.parent
        if isinstance(parent, Tag):
            score = sum(len(c.get_text()) for c in parent.find_all("p", recursive=False))
            if score > best_score:
                best, best_score = parent, score
    if best is None:
        return Body(text="", blocks=0, link_density=0.0)
    total = len(best.get_text()) or 1
    linked = sum(len(a.get_text()) for a in best.find_all("a"))
    blocks: list[str] = []
    seen: set[str] = set()
    for el in best.find_all(_BLOCKS):
        text = " ".join(el.get_text(" ").split())
        if not text or text in seen or _TEASER.search(text):
            continue
        if title and text.rstrip("….").strip() in title:
            continue
        seen.add(text)
        blocks.append(text)
    return Body(text="\n\n".join(blocks), blocks=len(blocks), link_density=linked / total)
