"""Which extractor read a stored article: a module of its own, so that the processes that
only store articles (the crawl's, when worker processes read the pages) can name it
without loading the extraction stack."""

from __future__ import annotations

#: Bumped whenever a change to extraction can change its output, so stored articles
#: record which extractor produced them and can be re-extracted.
EXTRACTOR_VERSION = "4"
