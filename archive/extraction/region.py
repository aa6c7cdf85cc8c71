"""A second opinion on the chosen body: the text-dense region around it.

:func:`~archive.extraction.select.choose` trusts the best-scored container and widens it
only to siblings that look like more of the same. When an article is cut into many small
containers (one per step of a how-to, one per section of a long post), none of them is
like the best one, and the body comes out as a lead or one block.

Here each ancestor of the chosen container is a candidate too. A block's *net* text is
its unlinked text less its links when it reads like prose, and minus its link text and
half its other text otherwise (labels, menus, player controls), less a cost per block;
teasers and the blocks of a "Related articles" section count wholly against. This is the
idea of body-text extraction by maximising text minus markup, over the element tree
rather than the token stream. The ancestor with the largest net text replaces the choice
when it holds markedly more prose than the choice did, so a body that is short against
what the page holds is widened, and a choice that already is the page's text region is
kept.
"""

from __future__ import annotations

from itertools import accumulate

from archive.extraction import tuning
from archive.extraction.blocks import Node, Page
from archive.extraction.hints import RELATED_HEADING
from archive.extraction.select import Choice, is_teaser_link

#: When a related-links heading is one of these elements, its section is its parent.
LABEL_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span"))


def _is_prose(text: str) -> bool:
    """True for running text: long, or a sentence."""
    return len(text) >= tuning.PROSE_MIN_CHARS or text[-1] in tuning.SENTENCE_END


def related_section(page: Page, index: int) -> Node | None:
    """The section a "Related articles"-like heading at block ``index`` opens, if it is one.

    The section is the heading's parent when the heading is a label element (a heading,
    a paragraph, bold text), else its own element; wrappers of the label alone are
    climbed out of.
    """
    block = page.blocks[index]
    if len(block.text) > tuning.MAX_LABEL or not RELATED_HEADING.match(block.text):
        return None
    nodes = page.nodes
    node = nodes[block.node]
    section = nodes[node.parent] if node.tag.name in LABEL_TAGS and node.parent >= 0 else node
    while section.end_block - section.first_block <= 1 and section.parent >= 0:
        section = nodes[section.parent]
    return section


def _net(
    page: Page, flagged: list[bool], scores: list[float]
) -> tuple[list[float], list[float]]:
    """Per block: net text (see module docstring), and paragraph text (0 when not one).

    The blocks of a related-links section count as links: they are not emitted.
    """
    net: list[float] = []
    prose: list[float] = []
    related_end = -1
    for i, (block, skip, score) in enumerate(zip(page.blocks, flagged, scores, strict=True)):
        section = None if skip else related_section(page, i)
        if section is not None:
            related_end = max(related_end, section.end_block)
        if i < related_end and not skip:
            net.append(-float(block.chars))
            prose.append(0.0)
        elif skip:
            net.append(0.0)
            prose.append(0.0)
        elif is_teaser_link(block) or block.link_first:
            net.append(-float(block.chars))
            prose.append(0.0)
        elif score > 0 and _is_prose(block.text):
            text = float(block.chars - block.link_chars)
            net.append(text - block.link_chars - tuning.REGION_BLOCK_COST)
            prose.append(text)
        else:
            unlinked = block.chars - block.link_chars
            net.append(
                -block.link_chars - tuning.REGION_LABEL_WEIGHT * unlinked - tuning.REGION_BLOCK_COST
            )
            prose.append(0.0)
    return net, prose


def widen_to_region(page: Page, choice: Choice) -> list[int]:
    """The chosen blocks, or those of the ancestor of the chosen container holding the text.

    The choice is widened to the ancestor with the most net text, when that holds
    ``tuning.REGION_GAIN`` times the choice's prose and more net text than it; not
    beyond an ``<article>`` holding the choice, nor to an element holding several. The
    ancestor's furniture blocks stay out.
    """
    chosen, best, flagged = choice.blocks, choice.best, choice.flagged
    if not chosen:
        return chosen
    net, prose = _net(page, flagged, choice.scores)
    net_sum = [0.0, *accumulate(net)]
    prose_sum = [0.0, *accumulate(prose)]
    chosen_net = sum(net[i] for i in chosen)
    chosen_prose = sum(prose[i] for i in chosen)
    nodes = page.nodes
    region, region_net = -1, chosen_net
    index = nodes[best].parent
    while index >= 0:
        node = nodes[index]
        if node.articles > 1 or index < choice.article:
            break  # the article is a whole (what holds it comes before it); a list of posts
        value = net_sum[node.end_block] - net_sum[node.first_block]
        held = prose_sum[node.end_block] - prose_sum[node.first_block]
        if value > region_net and held >= tuning.REGION_GAIN * chosen_prose:
            region, region_net = index, value
        index = node.parent
    if region < 0:
        return chosen
    node = nodes[region]
    widened = set(chosen)
    widened.update(i for i in range(node.first_block, node.end_block) if not flagged[i])
    return sorted(widened)
