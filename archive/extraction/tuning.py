"""The thresholds of body selection, in one place, each with the reason for its value.

Every value here was measured on both development corpora (article-bodies and
reader-pages, see ``docs/benchmarks.md``) and kept only if it lowered neither.
"""

from __future__ import annotations

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

#: Text of an article, with few links and no teasers, that no declared type overrules.
LONG_ARTICLE = 2000
#: Least text of a page declaring an article type (NewsArticle...) to be one.
DECLARED_ARTICLE_MIN = 150
#: Least text of a page declaring no type to be an article; more when it declares
#: ``og:type=website``, which many sites put on every page, listings included.
UNDECLARED_ARTICLE_MIN = 400
WEBSITE_ARTICLE_MIN = 800


def article_min(*, website: bool) -> int:
    """Least text of an undeclared page to be an article."""
    return WEBSITE_ARTICLE_MIN if website else UNDECLARED_ARTICLE_MIN
