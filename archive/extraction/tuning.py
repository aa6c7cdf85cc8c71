"""The thresholds of body selection, in one place, each with the reason for its value.

Every value here was measured on both development corpora (article-bodies and
reader-pages, see ``docs/benchmarks.md``) and kept only if it lowered neither.
"""

from __future__ import annotations

# --- the fail-safe region (archive.extraction.region) ---------------------------------

#: An ancestor of the chosen container replaces it when it holds this many times the
#: paragraph text of the choice (and more net text): the choice was a part of the article.
REGION_GAIN = 2.0
#: ... provided the choice holds fewer characters of prose than this: a lead, a caption,
#: a teaser box or one block where the article runs to several kB.
REGION_SHORT_BODY = 2500
#: Net text of a block that is not prose: minus this share of its unlinked text (labels,
#: headings, menus) and minus all its link text; every block also costs this many
#: characters, as markup between texts does.
REGION_LABEL_WEIGHT = 0.5
REGION_BLOCK_COST = 20.0

# --- what reads as prose ---------------------------------------------------------------

#: A block this long, or ending like a sentence, is running text.
PROSE_MIN_CHARS = 80
SENTENCE_END = ".!?…\"”'’:;)。！？"
