"""A second opinion on the chosen body: the text-dense region around it.

:func:`~archive.extraction.select.choose` trusts the best-scored container and widens it
only to siblings that look like more of the same. When an article is cut into many small
containers (one per step of a how-to, one per section of a long post), none of them is
like the best one, and the body comes out as a lead or one block.

Here each ancestor of the chosen container is a candidate too. A block's *net* text is
its unlinked text when it reads like a paragraph, and minus its link text otherwise
(teasers count wholly against): the idea of body-text extraction by maximising text
minus markup, over the element tree rather than the token stream. The ancestor with the
largest net text replaces the choice when it holds markedly more paragraph text than the
choice did, so a body that is short against what the page holds is widened, and a choice
that already is the page's text region is kept.
"""

from __future__ import annotations

from itertools import accumulate

from archive.extraction import tuning
from archive.extraction.blocks import Page
from archive.extraction.select import Choice, block_score, inside_article, is_teaser_link


def _is_prose(text: str) -> bool:
    """True for running text: long, or a sentence."""
    return len(text) >= tuning.PROSE_MIN_CHARS or text[-1] in tuning.SENTENCE_END


def _net(page: Page, flagged: list[bool]) -> tuple[list[float], list[float]]:
    """Per block: net text (see module docstring), and paragraph text (0 when not one)."""
    net: list[float] = []
    prose: list[float] = []
    for block, skip in zip(page.blocks, flagged, strict=True):
        if skip:
            net.append(0.0)
            prose.append(0.0)
        elif is_teaser_link(block) or block.link_first:
            net.append(-float(block.chars))
            prose.append(0.0)
        elif block_score(block) > 0 and _is_prose(block.text):
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

    Only a choice with less than ``tuning.REGION_SHORT_BODY`` characters of prose is
    widened, to an ancestor holding ``tuning.REGION_GAIN`` times its prose and more net
    text; not beyond an ``<article>`` holding the choice, nor to an element holding
    several. The ancestor's furniture blocks stay out.
    """
    chosen, best, flagged = choice.blocks, choice.best, choice.flagged
    if not chosen:
        return chosen
    net, prose = _net(page, flagged)
    net_sum = [0.0, *accumulate(net)]
    prose_sum = [0.0, *accumulate(prose)]
    chosen_net = sum(net[i] for i in chosen)
    chosen_prose = sum(prose[i] for i in chosen)
    if chosen_prose >= tuning.REGION_SHORT_BODY:
        return chosen
    nodes = page.nodes
    region, region_net = -1, chosen_net
    index = nodes[best].parent
    in_article = inside_article(nodes, best)
    while index >= 0:
        node = nodes[index]
        if node.articles > 1 or (in_article and not inside_article(nodes, index)):
            break  # the article is a whole; a list of posts holds other articles
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
