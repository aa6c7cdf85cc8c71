"""Main-content detection and boilerplate removal: the article's own text.

1. :func:`~archive.extraction.blocks.walk` splits the page into text blocks, skipping
   furniture (navigation, share bars, comments, ads, related lists, hidden elements...).
2. :func:`~archive.extraction.select.choose` scores the elements by the paragraphs they
   hold and picks the article's container, widened to the sibling containers that
   continue the article and to the containers of its kind elsewhere;
   :func:`~archive.extraction.region.widen_to_region` then compares the choice with its
   ancestors and takes the one holding the page's text when the choice is short
   against it (thresholds in :mod:`archive.extraction.tuning`).
3. The chosen blocks are emitted in order, dropping link lists, interface labels
   ("Advertisement", "Scroll to Top", "Next page"), promotions ("READ ALSO: ..."),
   sections headed "Related" or "You may also like", datelines, bylines and picture
   credits, teasers that repeat the headline ("...see more"), the headline itself and
   copies of a block in another role (a pull quote repeating a paragraph).

The orchestrator may still prefer the page's JSON-LD ``articleBody`` when this body is
short against it (:mod:`archive.extraction.declared`).

:class:`Body` also says how much of the chosen content is links and headline-and-summary
teasers, which :func:`~archive.extraction.extract.classify_page` uses to tell listing
pages from articles.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bs4 import BeautifulSoup, Tag

from archive.extraction import tuning
from archive.extraction.blocks import Block, Page, walk
from archive.extraction.hints import (
    CREDIT,
    CREDIT_MAX,
    DATELINE,
    DATELINE_MAX,
    HEADING_TAGS,
    PROMO,
    TEASER_TAIL,
    TIMESTAMP,
    TIMESTAMP_MAX,
    UI_LABEL,
)
from archive.extraction.region import related_section, widen_to_region
from archive.extraction.select import choose, is_teaser_link

_WORD = re.compile(r"\w+")
_URL = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)


class Body(NamedTuple):
    """The article text and what the orchestrator needs to tell articles from listings."""

    text: str
    #: number of text blocks kept in ``text``
    blocks: int
    #: share of the chosen container's characters that sit inside links (0..1)
    link_density: float
    #: headline-and-summary teasers making up most of the chosen content, as on a listing
    #: page (0 when there are few or they are not most of the text)
    teasers: int = 0


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


def _text_with_link(text: str, block: Block) -> bool:
    """True for a mostly linked block that is still text: a web address, or a paragraph
    led by a linked sentence."""
    if _URL.match(text):
        return True
    return block.chars - block.link_chars >= tuning.MIN_UNLINKED


def _clean(text: str, block: Block, tag: str, titles: set[str]) -> str | None:
    """The block's text to keep, or None when the block is boilerplate."""
    if not _WORD.search(text):
        return None
    if UI_LABEL.match(text):
        return None
    if len(text) <= DATELINE_MAX and DATELINE.match(text):
        return None
    if len(text) <= CREDIT_MAX and CREDIT.match(text):
        return None
    if len(text) <= TIMESTAMP_MAX and TIMESTAMP.match(text):
        return None
    if tag in HEADING_TAGS and _is_headline(text, titles):
        return None
    if PROMO.match(text) and (
        len(text) < tuning.PROMO_MAX_CHARS or block.link_density > tuning.PROMO_MAX_LINKS
    ):
        return None
    if block.link_density > tuning.PARAGRAPH_MAX_LINKS and not _text_with_link(text, block):
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


def _teaser_items(page: Page, chosen: list[int]) -> int:
    """How many headline-and-summary teasers the chosen blocks are, as on a listing page.

    A teaser starts at a link of several words (not a "READ ALSO:" promotion) and runs
    to the next one; it is short. Returns 0 unless such teasers hold most of the text.
    """
    items = 0
    in_items = 0
    total = 0
    segment = -1  # characters since the last teaser link, -1 before the first
    for i in chosen:
        block = page.blocks[i]
        if is_teaser_link(block) and not PROMO.match(block.text):
            if 0 <= segment <= tuning.MAX_TEASER:
                items += 1
                in_items += segment
            segment = 0
            continue
        total += len(block.text)
        if segment >= 0:
            segment += len(block.text)
    if 0 <= segment <= tuning.MAX_TEASER:
        items += 1
        in_items += segment
    return items if in_items * 2 >= total else 0


def _emit(page: Page, chosen: list[int], title: str | None) -> tuple[list[str], float]:
    """The kept blocks' texts, in order, and the chosen blocks' link density.

    After a heading like "Related articles" or "You may also like", the rest of the
    heading's section is dropped; when that section is most of the article, only the
    links that follow the heading are.
    """
    titles = _title_keys(title)
    seen: dict[str, str] = {}  # a long block's text -> the tag of its first copy
    texts: list[str] = []
    chars = sum(page.blocks[i].chars for i in chosen)
    linked = sum(page.blocks[i].link_chars for i in chosen)
    skip_until = -1  # blocks before this index are in a related-links section
    links_only = False  # ... and only its links are dropped
    for i in chosen:
        block = page.blocks[i]
        if i < skip_until:
            if not links_only or (
                block.link_density >= tuning.PARAGRAPH_MAX_LINKS
                or len(block.text) < tuning.MIN_PARAGRAPH
            ):
                continue
            skip_until = -1
        node = page.nodes[block.node]
        tag = node.tag.name or ""
        section = related_section(page, i)
        if section is not None:
            skip_until = section.end_block
            links_only = section.chars * 2 >= chars
            continue
        if tag == "h1" and not texts:
            continue  # the page's headline, whatever the metadata calls it
        text = _clean(block.text, block, tag, titles)
        if text is None:
            continue
        if len(text) >= tuning.MIN_REPEATED:
            key = _key(text)
            if seen.setdefault(key, tag) != tag:
                continue  # a copy in another role (a pull quote, a standfirst); as such, text
        texts.append(text)
    return texts, linked / chars if chars else 0.0


def extract_body(soup: BeautifulSoup, *, title: str | None = None) -> Body:
    """Find the main content of ``soup`` and return its text, blocks separated by "\n\n".

    ``title`` is the page's headline; it is never repeated in the text. ``soup`` is not
    modified. Never raises on any parsed page, however deep or large.
    """
    root = soup.body if isinstance(soup.body, Tag) else soup
    page = walk(root)
    chosen = widen_to_region(page, choose(page))
    texts, density = _emit(page, chosen, title)
    return Body(
        text="\n\n".join(texts),
        blocks=len(texts),
        link_density=density,
        teasers=_teaser_items(page, chosen),
    )
