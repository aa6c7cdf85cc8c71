"""``extract_article``: bytes or text of one page in, one :class:`Article` out."""

from __future__ import annotations

import gc
import logging

from bs4 import BeautifulSoup

from archive.core.article import Article, metadata_of
from archive.exceptions import ExtractionError
from archive.extraction import tuning
from archive.extraction.body import Body, extract_body
from archive.extraction.declared import with_declared
from archive.extraction.decode import decode_html, looks_binary
from archive.extraction.metadata import Metadata, extract_metadata
from archive.extraction.prepare import prepare_html

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "socialmediaposting",
    "liveblogposting", "techarticle", "scholarlyarticle", "report",
}
_LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage"}


def classify_page(meta: Metadata, body: Body) -> str:
    """Return ``"article"``, ``"listing"`` or ``"empty"`` for a cleaned page.

    Listings: pages whose main text is mostly links, pages declaring a collection type
    (CollectionPage, ItemList...), and pages made of three or more headline-and-summary
    teasers that do not declare an article type. Articles: pages declaring an article
    type with some text, and pages whose text is running prose, in one block or several.
    A page whose text is one long article (``tuning.LONG_ARTICLE`` characters of few
    links and no teasers) is an article whatever it declares. A bare ``og:type=website``,
    which many sites put on every page, only counts when the text is short.
    """
    if not body.text:
        return "empty"
    declared_article = bool(meta.page_types & _ARTICLE_TYPES)
    declared_listing = bool(meta.page_types & _LISTING_TYPES) and not declared_article
    length = len(body.text)
    if body.link_density > tuning.LISTING_LINK_DENSITY:
        return "listing"
    few_links = body.link_density < tuning.LONG_ARTICLE_MAX_LINKS
    long_article = length >= tuning.LONG_ARTICLE and few_links
    if long_article and body.teasers < tuning.LISTING_TEASERS:
        return "article"
    if declared_listing:
        return "listing"
    if declared_article:
        return "article" if length >= tuning.DECLARED_ARTICLE_MIN else "listing"
    if body.teasers >= tuning.LISTING_TEASERS:
        return "listing"
    website = "website" in meta.page_types
    return "article" if length >= tuning.article_min(website=website) else "listing"


def extract_article(html: bytes | str, url: str | None = None) -> Article:
    """Clean one HTML page and return its :class:`Article`.

    ``html`` may be bytes in any encoding (BOM, ``<meta charset>`` or a guess decide) or
    already-decoded text. ``url`` is the page's address, used to make links absolute.
    Any input returns, in at most about a second per megabyte (a second below one).

    The cyclic garbage collector is paused during the call (when it was running): the
    parsed tree is tens of thousands of objects that all live until the call ends, and
    collecting while it grows only walks them again and again (about 10 % of the time
    over the benchmark's pages, the collection that frees the tree afterwards included).
    The collector's switch is process-wide: other threads' garbage waits for the call's
    end too (at most about a second per MB of page), and the thread that paused the
    collector restarts it, so overlapping calls leave it running. Crawls extract in the
    reactor thread, one page at a time; the web server never extracts.

    Raises:
        ExtractionError: the input is not an HTML page (binary data).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _extract(html, url)
    finally:
        if paused:
            gc.enable()


def _extract(html: bytes | str, url: str | None) -> Article:
    if isinstance(html, bytes):
        if looks_binary(html):
            raise ExtractionError("the input is binary data, not an HTML page")
        text = decode_html(html)
    else:
        text = html
    if not text.strip():
        return Article()
    page = prepare_html(text)
    soup = BeautifulSoup(page.html, "lxml")
    meta = extract_metadata(soup, page.json_ld, url, html=text)
    body = with_declared(extract_body(soup, title=meta.title), page.json_ld)
    return Article(**metadata_of(meta), text=body.text, canonical_url=meta.canonical_url,
                   page_type=classify_page(meta, body))
