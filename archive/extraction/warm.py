"""Imported by the page-reading processes' forkserver only (:mod:`.workers`): fills, once,
the caches that reading some pages fills on first use, so that the workers forked from
it share them instead of each filling its own.

htmldate's extensive date search (:func:`.pubdate.htmldate_fallback`) loads the month
names and compiles the regular expressions of all of dateparser's ~200 locales the first
time a page needs them: about 50 MB (over 100 MB of a process's RSS once fragmented),
which every worker would otherwise hold a private copy of.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Load htmldate's dateparser locales (see the module docstring)."""
    try:
        from htmldate.extractors import get_external_parser, month_words

        month_words()
        # words no locale knows: every locale splits the string, compiling its regexes
        get_external_parser().get_date_data("xqzt 12 wvyk 2019")
    except Exception:  # noqa: BLE001 - htmldate's internals may move; only memory is at stake
        logger.debug("htmldate warm-up skipped", exc_info=True)


warm_up()
