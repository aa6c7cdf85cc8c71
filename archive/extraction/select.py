"""Choosing which blocks of a page make up its main content.

Blocks inside furniture (see :mod:`archive.extraction.hints`) do not count, unless the
furniture-looking element holds half of the page's paragraphs: then it is a wrapper.

Every block that reads like a paragraph -- long enough, few links, sentence punctuation
-- scores; its score goes to the element holding the paragraph and, halved at each step,
to the two elements above, never beyond an ``<article>`` (the idea of Arc90's
readability, with our own weights). A candidate's score is raised by a content-like
class/id/``itemprop``, and a little when it holds or follows the page's ``<h1>``; it is
lowered by its link density, and by the share of its paragraphs that begin with a link
when most do (a list of headline teasers).

The best candidate is then widened, since articles are often cut into several
containers: going up to six levels (not beyond an enclosing ``<article>``), each sibling
subtree that holds a fair share of paragraph text, few links and few teasers joins it;
near the candidate, so do plain paragraphs held by the parent and small elements of
plain paragraphs before the candidate (a lead paragraph set apart). Other ``<article>``
elements never join one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.extraction import tuning
from archive.extraction.blocks import Block, Node, Page
from archive.extraction.hints import (
    COMMENTS,
    PARAGRAPH_TAGS,
    POSITIVE_WEIGHT,
    RELATED_HEADING,
    content_weight,
)

_PUNCTUATION = re.compile(r"[,.;:!?،؛。，、；：！？]")


def block_score(block: Block) -> float:
    """How much a block reads like a paragraph of running text (0 when it does not)."""
    length = len(block.text)
    if length < tuning.MIN_PARAGRAPH or block.link_density > tuning.PARAGRAPH_MAX_LINKS:
        return 0.0
    punctuation = len(_PUNCTUATION.findall(block.text))
    return (1.0 + min(punctuation, 20) + min(length / 100.0, 3.0)) * (1.0 - block.link_density)


def is_teaser_link(block: Block) -> bool:
    """True for a block that is a link of several words, like a headline in a list."""
    return block.link_density >= 0.75 and block.text.count(" ") >= 2


def _unflag_wrappers(page: Page, scores: list[float]) -> None:
    """Clear the furniture mark of elements that hold most of the page's paragraphs.

    Themes name wrappers "content-with-sidebar" or "page-ad-margins"; an element holding
    half the page's paragraph score is not furniture, unless it is a comment section.
    """
    nodes = page.nodes
    totals = [0.0] * len(nodes)
    for block, score in zip(page.blocks, scores, strict=True):
        totals[block.node] += score
    for i in range(len(nodes) - 1, 0, -1):
        totals[nodes[i].parent] += totals[i]
    limit = tuning.WRAPPER_SHARE * totals[0]
    for i, node in enumerate(nodes):
        if node.flag and node.flag < COMMENTS and totals[i] > 0 and totals[i] >= limit:
            node.flag = 0


def _marked(nodes: list[Node], level: int) -> list[bool]:
    """For each node, whether it or a marked node above it has at least ``level``.

    One pass: nodes come in document order, each after the nodes holding it.
    """
    marked = [False] * len(nodes)
    for i, node in enumerate(nodes):
        marked[i] = node.flag >= level or (node.flag_parent >= 0 and marked[node.flag_parent])
    return marked


def _unflag_discussion(page: Page, scores: list[float]) -> None:
    """Clear the marks of comment sections on a page whose prose is all in them.

    On a forum thread or a discussion page the posts are the text: when comment
    sections hold ``tuning.DISCUSSION_SHARE`` of the page's paragraph score and what
    lies outside them and outside other furniture scores less than
    ``tuning.DISCUSSION_OUTSIDE_MAX``, they are read.
    """
    comments = _marked(page.nodes, COMMENTS)
    furniture = _marked(page.nodes, 1)
    inside = outside = 0.0
    for block, score in zip(page.blocks, scores, strict=True):
        if not score:
            continue
        if block.flag_node < 0:
            outside += score
        elif comments[block.flag_node]:
            inside += score
        elif not furniture[block.flag_node]:
            outside += score
    if outside >= tuning.DISCUSSION_OUTSIDE_MAX:
        return
    if inside < tuning.DISCUSSION_SHARE * (inside + outside):
        return
    for node in page.nodes:
        if node.flag >= COMMENTS:
            node.flag = 0


def _score(page: Page) -> tuple[list[bool], list[float]]:
    """Fill in the nodes' scores and totals from the blocks outside furniture.

    Returns, for each block, whether it lies in furniture, and its paragraph score.
    """
    nodes = page.nodes
    scores = [block_score(b) for b in page.blocks]
    _unflag_wrappers(page, scores)
    _unflag_discussion(page, scores)
    furniture = _marked(nodes, 1)
    flagged = [b.flag_node >= 0 and furniture[b.flag_node] for b in page.blocks]
    for block, score, skip in zip(page.blocks, scores, flagged, strict=True):
        own = nodes[block.node]
        if is_teaser_link(block):  # furniture or not: teaser lists hide in <header>s
            own.teasers += 1
        if skip:
            continue
        own.chars += block.chars
        own.link_chars += block.link_chars
        if not score:
            continue
        own.good += score
        own.paragraphs += 1
        own.link_first += block.link_first
        index = block.node
        if own.tag.name in PARAGRAPH_TAGS and own.parent >= 0:
            index = own.parent
        for share in tuning.LEVEL_SHARE:
            nodes[index].score += score * share
            if nodes[index].tag.name == "article":
                break  # an <article> is a whole: its text does not score what holds it
            index = nodes[index].parent
            if index < 0:
                break
    for node in reversed(nodes[1:]):  # pre-order: children come after their parent
        parent = nodes[node.parent]
        parent.articles += node.articles + (node.tag.name == "article")
        parent.good += node.good
        parent.link_first += node.link_first
        parent.paragraphs += node.paragraphs
        parent.teasers += node.teasers
        parent.chars += node.chars
        parent.link_chars += node.link_chars
    return flagged, scores


def _candidate_score(node: Node) -> float:
    score = (node.score + content_weight(node.tag)) * (1.0 - node.link_density)
    led = node.link_first
    if led >= tuning.TEASER_LIST_MIN and led > tuning.TEASER_LIST_SHARE * node.paragraphs:
        score *= 1.0 - led / node.paragraphs  # a list of teasers
    return score


def _plain_paragraph(block: Block) -> bool:
    """True for a block of running text with few links, worth keeping next to the article."""
    length = len(block.text)
    if length >= tuning.PROSE_MIN_CHARS:
        return block.link_density < tuning.PLAIN_MAX_LINKS
    return (
        block.link_density == 0 and length > 0 and block.text[-1] in ".!?…\"”'’"
    )


def _joins(node: Node, min_good: float, min_paragraphs: int) -> bool:
    """True when a sibling subtree of the article holds more of the article's text."""
    return (
        node.good >= min_good
        and node.paragraphs >= min_paragraphs
        and node.link_density < tuning.SIBLING_MAX_LINKS
        and node.teasers * 3 <= node.paragraphs
        and node.link_first * 2 <= node.paragraphs
    )


def _headed_as_related(page: Page, node: Node) -> bool:
    """True when the element opens with a heading like "Related articles"."""
    if node.first_block >= node.end_block:
        return False
    text = page.blocks[node.first_block].text
    return len(text) <= tuning.MAX_LABEL and RELATED_HEADING.match(text) is not None


def enclosing_articles(nodes: list[Node]) -> list[int]:
    """For each node, the ``<article>`` that is or holds it (-1 when none), in one pass."""
    found = [-1] * len(nodes)
    for i, node in enumerate(nodes):
        if node.tag.name == "article":
            found[i] = i
        elif node.parent >= 0:
            found[i] = found[node.parent]
    return found


def _plain_sibling(page: Page, index: int, flagged: list[bool]) -> bool:
    """True for a small element holding only plain paragraphs (not list items: a summary
    of key points is set apart that way)."""
    node = page.nodes[index]
    if not node.paragraphs or node.end_block - node.first_block > tuning.PLAIN_SIBLING_BLOCKS:
        return False
    return all(
        flagged[i]
        or (_plain_paragraph(page.blocks[i]) and page.nodes[page.blocks[i].node].tag.name != "li")
        for i in range(node.first_block, node.end_block)
    )


def _signature(node: Node) -> tuple[str, tuple[str, ...]] | None:
    classes = node.tag.attrs.get("class")
    if not isinstance(classes, list) or not classes:
        return None
    return node.tag.name or "", tuple(classes)


def _same_kind(page: Page, best: int, articles: list[int]) -> set[int]:
    """Blocks of the elements marked up like the article's container, elsewhere.

    Pages cut the article into several containers of one kind ("article__body" between
    advertisements, one per section), too far apart to be siblings; each that holds
    paragraphs of few links joins. Only classes naming the article's body count (not
    the weaker "story", "post", "content").
    """
    nodes = page.nodes
    signatures = set()
    index = best
    for _ in range(tuning.SAME_KIND_LEVELS):
        signature = _signature(nodes[index])
        if signature is not None and content_weight(nodes[index].tag) >= POSITIVE_WEIGHT:
            signatures.add(signature)
        index = nodes[index].parent
        if index < 0:
            break
    if not signatures:
        return set()
    taken = nodes[best]
    blocks: set[int] = set()
    for i, node in enumerate(nodes):
        if node.first_block < taken.end_block and node.end_block > taken.first_block:
            continue  # the chosen container, what holds it or what it holds
        if node.flag or _signature(node) not in signatures:
            continue
        if articles[best] >= 0 and (node.articles or articles[i] < 0):
            continue
        if _joins(node, tuning.SAME_KIND_MIN_GOOD, 1):
            blocks.update(range(node.first_block, node.end_block))
    return blocks


@dataclass(slots=True)
class Choice:
    """The main content's blocks, the container they were chosen by, and the furniture."""

    #: indices of the blocks, in document order (none in furniture)
    blocks: list[int]
    #: the best-scored node, -1 when no block reads like a paragraph
    best: int
    #: for each block of the page, whether it lies in furniture
    flagged: list[bool]
    #: for each block, how much it reads like a paragraph (see :func:`block_score`)
    scores: list[float]
    #: the ``<article>`` node that is or holds the best node, -1 when none
    article: int = -1


def choose(page: Page) -> Choice:
    """The blocks making up the main content, in document order, and how they were found."""
    nodes = page.nodes
    flagged, scores = _score(page)
    headline = next((i for i, b in enumerate(page.blocks) if nodes[b.node].tag.name == "h1"), -1)
    best = -1
    best_score = 0.0
    for i, node in enumerate(nodes):
        if node.score > 0 and not node.flag:
            score = _candidate_score(node)
            near = node.first_block - tuning.NEAR_HEADLINE
            if headline >= 0 and near <= headline < node.end_block:
                score *= tuning.HEADLINE_BONUS  # the article follows its headline
            if score > best_score:
                best, best_score = i, score
    if best < 0:
        return Choice([], best, flagged, scores)
    children: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        if node.parent >= 0:
            children.setdefault(node.parent, []).append(i)
    chosen = set(range(nodes[best].first_block, nodes[best].end_block))
    near_good = max(tuning.SIBLING_MIN_GOOD, tuning.SIBLING_SHARE * nodes[best].good)
    far_good = max(tuning.FAR_MIN_GOOD, tuning.FAR_SHARE * nodes[best].good)
    current = best
    articles = enclosing_articles(nodes)
    in_article = articles[best] >= 0
    for level in range(1, tuning.WIDEN_LEVELS + 1):
        parent = nodes[current].parent
        if parent < 0:
            break
        min_good, min_paragraphs = (near_good, 1) if level <= 2 else (far_good, 2)
        for j in children.get(parent, ()):
            if j == current or nodes[j].flag:
                continue
            if in_article and (nodes[j].articles or nodes[j].tag.name == "article"):
                continue  # another article, as in a list of posts
            if _headed_as_related(page, nodes[j]):
                continue  # "Recommended for you": other pages, however they read
            if _joins(nodes[j], min_good, min_paragraphs) or (
                level <= 2 and j < current and _plain_sibling(page, j, flagged)
            ):
                chosen.update(range(nodes[j].first_block, nodes[j].end_block))
        if level <= 2:
            for i in range(nodes[parent].first_block, nodes[parent].end_block):
                block = page.blocks[i]
                if block.node == parent and _plain_paragraph(block):
                    chosen.add(i)
        if nodes[parent].tag.name == "article":
            break  # the article is a whole: what lies around it is not
        current = parent
    chosen.update(_same_kind(page, best, articles))
    blocks = [i for i in sorted(chosen) if not flagged[i]]
    return Choice(blocks, best, flagged, scores, articles[best])
