"""One walk over the parsed page: its text as blocks, and its elements as scoring nodes.

A *block* is the text between two block-level boundaries (``<p>``, ``<li>``, ``<div>``,
``<br>``...), whitespace collapsed; a table row of data cells is one block, its cells
separated by " | ". A *node* is a block-level element; each keeps the
range of blocks inside it, its text and link-text sizes, so that choosing the article's
container is arithmetic on nodes, and emitting its text is slicing the block list.

The walk is iterative (pages nest tens of thousands of elements deep) and skips the
subtrees that are never text (buttons, media, hidden elements); the elements that look
like furniture by their tag, class or id are marked (see :mod:`archive.extraction.hints`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import NavigableString, Tag

from archive.extraction.hints import BLOCK_TAGS, SKIP_TAGS, furniture_level, is_hidden

#: Markers pushed on the walk's stack, popped when an element's subtree is done.
_EXIT_NODE = object()
_EXIT_LINK = object()
_CELL_SEPARATOR = " | "
#: Elements of running text: a link inside one is never furniture of its own (a tag
#: page's link, a "meta" link), or the sentence would be cut in two. Spans stay marked:
#: a caption's or a credit's span inside a paragraph is not the article.
RUNNING_TEXT_TAGS = frozenset(("p",))


@dataclass(slots=True)
class Node:
    """A block-level or furniture element of the page, with what scoring needs of it."""

    tag: Tag
    #: index of the enclosing node, -1 for the root
    parent: int
    #: blocks ``first_block`` to ``end_block - 1`` lie inside this element
    first_block: int
    end_block: int = 0
    #: furniture level of the element itself (see :func:`hints.furniture_level`)
    flag: int = 0
    #: index of the nearest enclosing node with a furniture level, -1 when none
    flag_parent: int = -1
    #: characters of text (whitespace included) and of link text in the subtree
    chars: int = 0
    link_chars: int = 0
    #: content score gathered from the paragraphs below, decreasing with their distance
    score: float = 0.0
    #: sum of the paragraph scores of the blocks in the subtree, and their number
    good: float = 0.0
    paragraphs: int = 0
    #: number of blocks in the subtree that are a link of several words (teaser links)
    teasers: int = 0
    #: number of ``<article>`` elements below this one
    articles: int = 0
    #: number of its paragraphs that begin with a link (teasers: headline, then summary)
    link_first: int = 0

    @property
    def link_density(self) -> float:
        """Share of the subtree's text that sits inside links."""
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass(slots=True)
class Block:
    """A run of text between block boundaries."""

    text: str
    #: characters of the raw text and of its part inside links
    chars: int
    link_chars: int
    #: the node whose element directly holds the text
    node: int
    #: the nearest node with a furniture level holding the block, -1 when none
    flag_node: int = -1
    #: the block's text begins inside a link (as a teaser's headline does)
    link_first: bool = False

    @property
    def link_density(self) -> float:
        """Share of the block's text that sits inside links."""
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass(slots=True)
class Page:
    """The blocks and nodes of a page, in document order; ``nodes[0]`` is the root."""

    nodes: list[Node]
    blocks: list[Block]


def _holds_blocks(tag: Tag) -> bool:
    """True when a table cell holds block-level elements (a layout table's cell)."""
    return any(isinstance(c, Tag) and c.name in BLOCK_TAGS for c in tag.contents)


def walk(root: Tag) -> Page:
    """Split ``root``'s text into blocks and index its block-level elements.

    Never-text tags and hidden elements are skipped. Elements that
    :func:`~archive.extraction.hints.furniture_level` marks (even inline ones) become
    nodes of their own, bounding blocks, and every block records the nearest of them
    that holds it; whether they are really furniture is decided later.
    """
    nodes: list[Node] = [Node(root, -1, 0)]
    blocks: list[Block] = []
    parts: list[str] = []
    raw = 0
    linked = 0
    current = 0
    flagged = -1
    link_depth = 0
    first = 0  # 0: no text yet in the block, 1: it began in a link, 2: it did not

    def flush() -> None:
        nonlocal raw, linked, first
        if parts:
            text = " ".join("".join(parts).split())
            if _CELL_SEPARATOR in text:
                cells = (c.strip() for c in text.split(_CELL_SEPARATOR.strip()))
                text = _CELL_SEPARATOR.join(c for c in cells if c)
            if text:
                blocks.append(Block(text, raw, linked, current, flagged, first == 1))
            parts.clear()
            raw = linked = 0
            first = 0

    stack: list[object] = list(reversed(root.contents))
    pop = stack.pop
    push = stack.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is NavigableString:
            parts.append(item)  # type: ignore[arg-type]
            raw += len(item)  # type: ignore[arg-type]
            if link_depth:
                linked += len(item)  # type: ignore[arg-type]
            if not first and not item.isspace():  # type: ignore[attr-defined]
                first = 1 if link_depth else 2
            continue
        if kind is not Tag:
            if item is _EXIT_NODE:
                flush()
                node = nodes[current]
                node.end_block = len(blocks)
                if node.flag:
                    flagged = node.flag_parent
                current = node.parent
            elif item is _EXIT_LINK:
                link_depth -= 1
            continue  # or comments, doctype, CDATA, processing instructions
        tag: Tag = item  # type: ignore[assignment]
        name = tag.name
        if name in SKIP_TAGS or is_hidden(tag):
            continue
        level = furniture_level(tag)
        if level and name == "a" and nodes[current].tag.name in RUNNING_TEXT_TAGS:
            level = 0  # a link inside a paragraph is part of its sentence
        if (name == "td" or name == "th") and not _holds_blocks(tag):
            if parts:  # a data cell: one row of a table is one block
                parts.append(_CELL_SEPARATOR)
        elif level or name in BLOCK_TAGS:
            flush()
            if name == "br" or name == "hr":
                continue
            nodes.append(Node(tag, current, len(blocks), flag=level, flag_parent=flagged))
            current = len(nodes) - 1
            if level:
                flagged = current
            push(_EXIT_NODE)
        if name == "a":
            link_depth += 1
            push(_EXIT_LINK)
        stack.extend(reversed(tag.contents))
    flush()
    nodes[0].end_block = len(blocks)
    return Page(nodes, blocks)
