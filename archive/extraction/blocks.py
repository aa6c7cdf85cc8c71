"""One walk over the parsed page: its text as blocks, and its elements as scoring nodes.

A *block* is the text between two block-level boundaries (``<p>``, ``<li>``, ``<div>``,
``<br>``...), whitespace collapsed. A *node* is a block-level element; each keeps the
range of blocks inside it, its text and link-text sizes, so that choosing the article's
container is arithmetic on nodes, and emitting its text is slicing the block list.

The walk is iterative (pages nest tens of thousands of elements deep) and skips the
subtrees that are never text: furniture tags, hidden elements and, when asked, elements
whose class or id name furniture (see :mod:`archive.extraction.hints`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import NavigableString, Tag

from archive.extraction.hints import BLOCK_TAGS, SKIP_TAGS, is_furniture, is_hidden

_EXIT_NODE = 1
_EXIT_LINK = 2


@dataclass(slots=True)
class Node:
    """A block-level element of the page, with what the scoring needs to know of it."""

    tag: Tag
    #: index of the enclosing node, -1 for the root
    parent: int
    #: blocks ``first_block`` to ``end_block - 1`` lie inside this element
    first_block: int
    end_block: int = 0
    #: characters of text (whitespace included) and of link text in the subtree
    chars: int = 0
    link_chars: int = 0
    #: content score gathered from the paragraphs below
    score: float = 0.0

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

    @property
    def link_density(self) -> float:
        """Share of the block's text that sits inside links."""
        return self.link_chars / self.chars if self.chars else 0.0


@dataclass(slots=True)
class Page:
    """The blocks and nodes of a page, in document order; ``nodes[0]`` is the root."""

    nodes: list[Node]
    blocks: list[Block]


def walk(root: Tag, *, use_hints: bool = True) -> Page:
    """Split ``root``'s text into blocks and index its block-level elements.

    Furniture tags and hidden elements are always skipped; elements whose class, id or
    role name furniture are skipped when ``use_hints`` is true.
    """
    nodes: list[Node] = [Node(root, -1, 0)]
    blocks: list[Block] = []
    parts: list[str] = []
    raw = 0
    linked = 0
    current = 0
    link_depth = 0

    def flush() -> None:
        nonlocal raw, linked
        if parts:
            text = " ".join("".join(parts).split())
            if text:
                blocks.append(Block(text, raw, linked, current))
                node = nodes[current]
                node.chars += raw
                node.link_chars += linked
            parts.clear()
            raw = linked = 0

    stack: list[tuple[object, int]] = [(c, 0) for c in reversed(root.contents)]
    while stack:
        item, kind = stack.pop()
        if kind == _EXIT_NODE:
            flush()
            node = nodes[current]
            node.end_block = len(blocks)
            current = node.parent
            parent = nodes[current]
            parent.chars += node.chars
            parent.link_chars += node.link_chars
            continue
        if kind == _EXIT_LINK:
            link_depth -= 1
            continue
        if type(item) is NavigableString:
            parts.append(item)
            raw += len(item)
            if link_depth:
                linked += len(item)
            continue
        if not isinstance(item, Tag):
            continue  # comments, doctype, CDATA, processing instructions
        name = item.name
        if name in SKIP_TAGS or is_hidden(item) or (use_hints and is_furniture(item)):
            continue
        if name in BLOCK_TAGS:
            flush()
            if name == "br" or name == "hr":
                continue
            nodes.append(Node(item, current, len(blocks)))
            current = len(nodes) - 1
            stack.append((None, _EXIT_NODE))
        elif name == "a":
            link_depth += 1
            stack.append((None, _EXIT_LINK))
        stack.extend((c, 0) for c in reversed(item.contents))
    flush()
    nodes[0].end_block = len(blocks)
    return Page(nodes, blocks)
