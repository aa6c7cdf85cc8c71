"""Reading pages in worker processes: :func:`read_page` behind a process pool.

What crosses between processes is a :class:`~archive.extraction.reading.FetchedPage` one
way and an :class:`~archive.core.article.Article` (or the sentence saying why there is
none) the other, both plain picklable values.

A test must be able to make a worker die in the middle of a page, as a crash of the HTML
parser would: when :data:`CRASH_MARKER_ENV` is set in the environment of the process that
creates the pool, a worker given a page whose body contains that text exits at once.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from archive.core.article import Article
from archive.core.processes import process_pool
from archive.exceptions import ExtractionError
from archive.extraction.reading import FetchedPage, read_page

#: environment variable naming a text that makes a worker die on a page holding it (tests)
CRASH_MARKER_ENV = "VIRAL_ARCHIVE_TEST_CRASH_MARKER"
#: pages a worker reads before a fresh one takes over: a worker keeps the memory of the
#: largest pages it has read (and of the caches they filled), ~20 MB of its own after 100
#: pages and ~30 MB after 200 (measured on the corpora's pages); forking a fresh one from
#: the forkserver takes about 10 ms
PAGES_PER_WORKER = 100
#: exit status of a worker that died on purpose
CRASH_EXIT_STATUS = 70

#: what the forkserver imports once, for every worker forked from it to share: this
#: module, what :func:`read_page` imports on first use (the crawling process does not
#: import it), and :mod:`.warm`
READER_MODULES = (__name__, "archive.extraction.cleaning", "archive.extraction.decode",
                  "archive.extraction.extract", f"{__package__}.warm")

_crash_marker: bytes | None = None


def _remember_crash_marker(marker: str | None) -> None:
    global _crash_marker
    _crash_marker = marker.encode("utf-8") if marker else None


def reading_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes for :func:`read_in_worker`."""
    return process_pool(workers, preload=READER_MODULES,
                        setup=_remember_crash_marker, jobs_per_worker=PAGES_PER_WORKER,
                        setup_args=(os.environ.get(CRASH_MARKER_ENV),))


def read_in_worker(page: FetchedPage) -> Article | str:
    """:func:`read_page` of ``page``, or the reason it cannot be read (an
    :class:`ExtractionError`'s sentence)."""
    if _crash_marker is not None and _crash_marker in page.body:
        os._exit(CRASH_EXIT_STATUS)
    try:
        return read_page(page)
    except ExtractionError as exc:
        return str(exc)
