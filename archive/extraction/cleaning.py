"""Per-source cleaning rules, applied to a page before the cleaner sees it.

The cleaner is general; some sites keep a box of boilerplate it cannot tell from text.
A source's ``cleaning`` rules remove such elements by CSS selector (``drop``) or name
the element that holds the article (``body``), and the page is then cleaned as usual.
"""

from __future__ import annotations

import logging

from bs4 import BeautifulSoup

from archive.core.sources import CleaningRules

logger = logging.getLogger(__name__)


def apply_cleaning_rules(html: str, rules: CleaningRules) -> str:
    """The page ``html`` with ``rules.drop`` elements removed and, with ``rules.body``,
    only the ``<head>`` and the first matching element kept in the body.

    When ``rules.body`` matches nothing the page is kept whole (minus dropped elements)
    rather than emptied: a redesign should degrade the cleaning, not lose the article.
    """
    soup = BeautifulSoup(html, "lxml")
    for selector in rules.drop:
        for element in soup.select(selector):
            element.decompose()
    if rules.body:
        chosen = soup.select_one(rules.body)
        if chosen is None:
            logger.info("Cleaning rule body=%r matched nothing; page kept whole", rules.body)
        elif soup.body is not None:
            chosen.extract()
            soup.body.clear()
            soup.body.append(chosen)
    return str(soup)
