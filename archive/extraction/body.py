"""Main-content detection and boilerplate removal: the article's own text.

1. :func:`~archive.extraction.blocks.walk` splits the page into text blocks, skipping
   furniture (navigation, share bars, comments, ads, related lists, hidden elements...).
2. Every block that reads like a paragraph -- long enough, few links, with sentence
   punctuation -- adds a score to the element holding it and, decreasingly, to the two
   elements above. Elements whose class/id/itemprop say "article body" get a bonus; the
   score is discounted by the element's link density. The best element is the article's
   container; its siblings that score well or hold plain paragraphs join it.
3. The container's blocks are emitted in order, dropping link lists, interface labels
   ("Advertisement", "Scroll to Top"), promotions ("READ ALSO: ..."), teasers that repeat
   the headline ("...see more"), the headline itself, and repeated blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from archive.extraction.blocks import Block, Node, Page, walk
from archive.extraction.hints import (
    HEADING_TAGS,
    PARAGRAPH_TAGS,
    PROMO,
    TEASER_TAIL,
    UI_LABEL,
    content_weight,
)

#: Share of the ancestors' score given to each level above a paragraph's container.
_LEVEL_SHARE = (1.0, 0.5, 0.25)
_MIN_PARAGRAPH = 25
_PUNCTUATION = re.compile(r"[,.;:!?،؛。，、；：！？]")
_WORD = re.compile(r"\w+")
#: Below this many characters of text, the page is walked again without class/id hints.
_MIN_TEXT = 200


@dataclass(slots=True)
class Body:
    """The article text and what the orchestrator needs to tell articles from listings."""

    text: str
    #: number of text blocks kept in ``text``
    blocks: int
    #: share of the chosen container's characters that sit inside links (0..1)
    link_density: float


def _block_score(block: Block) -> float:
    """How much a block reads like a paragraph of running text (0 when it does not)."""
    length = len(block.text)
    if length < _MIN_PARAGRAPH or block.link_density > 0.5:
        return 0.0
    punctuation = len(_PUNCTUATION.findall(block.text))
    return (1.0 + min(punctuation, 20) + min(length / 100.0, 3.0)) * (1.0 - block.link_density)


def _score_nodes(page: Page) -> None:
    """Spread each paragraph's score over the element holding it and those above."""
    nodes = page.nodes
    for block in page.blocks:
        score = _block_score(block)
        if not score:
            continue
        index = block.node
        if nodes[index].tag.name in PARAGRAPH_TAGS and nodes[index].parent >= 0:
            index = nodes[index].parent
        for share in _LEVEL_SHARE:
            nodes[index].score += score * share
            index = nodes[index].parent
            if index < 0:
                break


def _final_scores(nodes: list[Node]) -> dict[int, float]:
    """The candidates' scores: paragraph score plus markup bonus, discounted by links."""
    scores: dict[int, float] = {}
    for i, node in enumerate(nodes):
        if node.score <= 0:
            continue
        scores[i] = (node.score + content_weight(node.tag)) * (1.0 - node.link_density)
    return scores


def _choose(page: Page) -> list[int]:
    """Indices of the blocks making up the main content, in document order."""
    nodes = page.nodes
    _score_nodes(page)
    scores = _final_scores(nodes)
    if not scores:
        return []
    top = max(scores, key=scores.__getitem__)
    top_score = scores[top]
    parent = nodes[top].parent
    if parent < 0:
        return list(range(nodes[top].first_block, nodes[top].end_block))
    threshold = max(10.0, 0.2 * top_score)
    chosen: list[int] = []
    i = nodes[parent].first_block
    end = nodes[parent].end_block
    # children of ``parent`` in order; blocks held directly by ``parent`` are in between
    children = [
        j for j in range(parent + 1, len(nodes)) if nodes[j].parent == parent
        and nodes[j].first_block < end
    ]
    for j in children:
        child = nodes[j]
        while i < child.first_block:  # text directly inside the parent
            if _plain_paragraph(page.blocks[i]):
                chosen.append(i)
            i += 1
        if j == top or scores.get(j, 0.0) >= threshold or _sibling_paragraph(page, j):
            chosen.extend(range(child.first_block, child.end_block))
        i = max(i, child.end_block)
    while i < end:
        if _plain_paragraph(page.blocks[i]):
            chosen.append(i)
        i += 1
    return chosen


def _plain_paragraph(block: Block) -> bool:
    """True for a block of running text with few links, worth keeping next to the article."""
    length = len(block.text)
    density = block.link_density
    if length >= 80:
        return density < 0.25
    return density == 0 and length > 0 and block.text[-1] in ".!?…\"”'’:"


def _sibling_paragraph(page: Page, index: int) -> bool:
    node = page.nodes[index]
    if node.tag.name != "p" or node.end_block - node.first_block != 1:
        return False
    return _plain_paragraph(page.blocks[node.first_block])


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _title_keys(title: str | None) -> set[str]:
    """The headline and its variants without a " | Site name" suffix, normalised."""
    if not title:
        return set()
    keys = {_key(title)}
    for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
        if sep in title:
            head = title.rsplit(sep, 1)[0]
            keys.add(_key(head))
            keys.add(_key(title.split(sep, 1)[0]))
    keys.discard("")
    return keys


def _is_headline(text: str, titles: set[str]) -> bool:
    key = _key(text)
    if not key:
        return False
    if key in titles:
        return True
    # a shortened headline ("Prison Scandal: Female Officers…")
    return len(key) >= 20 and any(t.startswith(key) for t in titles)


def _clean(text: str, block: Block, tag: str, titles: set[str]) -> str | None:
    """The block's text to keep, or None when the block is boilerplate."""
    if not _WORD.search(text):
        return None
    if UI_LABEL.match(text):
        return None
    if tag in HEADING_TAGS and _is_headline(text, titles):
        return None
    if PROMO.match(text) and (len(text) < 300 or block.link_density > 0.3):
        return None
    if block.link_density > 0.5:
        return None
    tail = TEASER_TAIL.search(text)
    if tail is not None:
        head = text[: tail.start()].rstrip()
        if _is_headline(head, titles) or len(head) < 30:
            return None
        if re.search(r"more\W*$", text, re.IGNORECASE):
            text = head
    if _is_headline(text, titles):
        return None
    return text


def _emit(page: Page, chosen: list[int], title: str | None) -> tuple[list[str], float]:
    """The kept blocks' texts and the link density of the chosen blocks."""
    titles = _title_keys(title)
    seen: set[str] = set()
    texts: list[str] = []
    chars = linked = 0
    for i in chosen:
        block = page.blocks[i]
        chars += block.chars
        linked += block.link_chars
        tag = page.nodes[block.node].tag.name or ""
        text = _clean(block.text, block, tag, titles)
        if text is None:
            continue
        key = _key(text)
        if key in seen:
            continue
        seen.add(key)
        texts.append(text)
    return texts, (linked / chars if chars else 0.0)


def extract_body(soup: BeautifulSoup, *, title: str | None = None) -> Body:
    """Find the main content of ``soup`` and return its text, blocks separated by "\\n\\n".

    ``title`` is the page's headline; it is never repeated in the text. ``soup`` is not
    modified. Never raises on any parsed page, however deep or large.
    """
    root = soup.body if isinstance(soup.body, Tag) else soup
    texts: list[str] = []
    density = 0.0
    for use_hints in (True, False):
        page = walk(root, use_hints=use_hints)
        texts, density = _emit(page, _choose(page), title)
        if sum(map(len, texts)) >= _MIN_TEXT:
            break
    return Body(text="\n\n".join(texts), blocks=len(texts), link_density=density)
