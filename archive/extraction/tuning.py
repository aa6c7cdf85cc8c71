"""The thresholds of body selection, in one place, each with the reason for its value.

Every value here was measured on both development corpora (article-bodies and
reader-pages, see ``docs/benchmarks.md``) and kept only if it lowered neither.
"""

from __future__ import annotations

# --- choosing the article's container (archive.extraction.select) --------------------

#: Share of a paragraph's score given to its container and each element above it.
LEVEL_SHARE = (1.0, 0.5, 0.25)
#: A block reads like a paragraph from this many characters (and few links).
MIN_PARAGRAPH = 25
#: Paragraphs that begin with a link (a headline), when they are this many and more than
#: this share, make a list of teasers rather than an article.
TEASER_LIST_MIN = 3
TEASER_LIST_SHARE = 0.6
#: A candidate holding the page's first <h1>, or starting this few blocks after it, has
#: its score raised by this factor.
NEAR_HEADLINE = 5
HEADLINE_BONUS = 1.1
#: How many levels above the best candidate siblings are looked for.
WIDEN_LEVELS = 6
#: A sibling joins when it holds this share of the best candidate's paragraph score...
SIBLING_SHARE = 0.15
SIBLING_MIN_GOOD = 3.0
#: ... and, beyond the grandparent, this share, this score and two paragraphs at least.
FAR_SHARE = 0.2
FAR_MIN_GOOD = 15.0
#: A sibling before the article of at most this many blocks joins if they are all plain
#: paragraphs (a lead paragraph set apart).
PLAIN_SIBLING_BLOCKS = 3
SIBLING_MAX_LINKS = 0.3
#: A furniture-looking element holding this share of the page's paragraphs is a wrapper.
WRAPPER_SHARE = 0.5

# --- emitting the text (archive.extraction.body) ---------------------------------------

#: A heading like "Related articles" or "You may also like" is at most this long.
MAX_LABEL = 80

#: Blocks this long are kept once only (short ones, like table cells or "Step 1"
#: headings, may rightly repeat).
MIN_REPEATED = 100
#: A mostly linked block is kept with this many characters of text outside links.
MIN_UNLINKED = 100
#: A teaser (headline link and what follows it) holds at most this many characters.
MAX_TEASER = 400

# --- discussion pages (archive.extraction.select) --------------------------------------

#: Comment sections are read as the text when they hold this share of the page's
#: paragraph score and the rest of the page scores less than this (not one paragraph of
#: a few lines): a forum thread, whose posts are marked up as comments. A blog post
#: with a short text and a long comment thread keeps its comments out.
DISCUSSION_SHARE = 0.8
DISCUSSION_OUTSIDE_MAX = 8.0

# --- containers of the same kind (archive.extraction.select) --------------------------

#: The chosen container and this many levels above it give the class signatures
#: (tag and classes, with a content-like class) of the article's containers...
SAME_KIND_LEVELS = 3
#: ... and an element of one of them elsewhere joins when its paragraphs score this.
SAME_KIND_MIN_GOOD = 8.0

#: A block more in links than this is no paragraph (nor kept as text unless much of it
#: is outside links).
PARAGRAPH_MAX_LINKS = 0.5
#: A plain paragraph next to the article (a lead set apart) has fewer links than this.
PLAIN_MAX_LINKS = 0.25
#: A "READ ALSO: ..." promotion is dropped when shorter than this or this linked.
PROMO_MAX_CHARS = 300
PROMO_MAX_LINKS = 0.3

# --- the fail-safe region (archive.extraction.region) ---------------------------------

#: An ancestor of the chosen container replaces it when it holds this many times the
#: prose of the choice and more net text: the choice was a part of the article (a lead,
#: a caption, a teaser box, one block). Measured flat between 1.5 and 3.
REGION_GAIN = 2.0
#: Net text of a block that is not prose: minus this share of its unlinked text (labels,
#: headings, menus) and minus all its link text; every block also costs this many
#: characters, as markup between texts does.
REGION_LABEL_WEIGHT = 0.5
REGION_BLOCK_COST = 20.0

# --- the declared body (archive.extraction.declared) ----------------------------------

#: The JSON-LD ``articleBody`` replaces the body found in the markup when that holds less
#: than this share of its characters (a teaser or a notice where scripts render the
#: article), provided the declared body holds this many characters.
DECLARED_SHARE = 0.3
DECLARED_MIN = 500

# --- what reads as prose ---------------------------------------------------------------

#: A block this long, or ending like a sentence, is running text.
PROSE_MIN_CHARS = 80
SENTENCE_END = ".!?…\"”'’:;)。！？"

# --- page classification (archive.extraction.extract.classify_page) --------------------

#: A page whose chosen text is more in links than this is a listing.
LISTING_LINK_DENSITY = 0.5
#: Text of an article, with few links (under this share) and no teasers, that no
#: declared type overrules.
LONG_ARTICLE = 2000
LONG_ARTICLE_MAX_LINKS = 0.2
#: This many headline-and-summary teasers make a listing.
LISTING_TEASERS = 3
#: Least text of a page declaring an article type (NewsArticle...) to be one.
DECLARED_ARTICLE_MIN = 150
#: Least text of a page declaring no type to be an article; more when it declares
#: ``og:type=website``, which many sites put on every page, listings included.
UNDECLARED_ARTICLE_MIN = 400
WEBSITE_ARTICLE_MIN = 800


def article_min(*, website: bool) -> int:
    """Least text of an undeclared page to be an article."""
    return WEBSITE_ARTICLE_MIN if website else UNDECLARED_ARTICLE_MIN
