"""The demo: serve the bundled sites locally and crawl them into a fresh archive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from archive.operations.demo.server import SITE_ROOT, serve_folder
from crawler.runner import CrawlResult, ProgressCallback, run_crawl

#: The demo sites are on this machine: no need to wait between requests.
DEMO_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
#: The example search the demo runs once the sites are archived.
DEMO_QUERY = "scientists"
#: The demo lists the stories run by at least this many of its sites: one article is
#: republished by all three.
DEMO_MIN_SOURCES = 2


def demo_site_folders(root: Path = SITE_ROOT) -> list[Path]:
    """The bundled demo sites: the folders of ``root`` that hold an ``index.html``."""
    return sorted(p for p in root.iterdir() if (p / "index.html").is_file())


@contextmanager
def serve_demo_sites(root: Path = SITE_ROOT) -> Iterator[dict[str, str]]:
    """Serve each demo site on its own free port; yields ``{site folder name: base URL}``."""
    with ExitStack() as stack:
        yield {f.name: stack.enter_context(serve_folder(f)) for f in demo_site_folders(root)}


def crawl_demo(
    db_url: str, base_urls: dict[str, str], *, on_progress: ProgressCallback | None = None
) -> CrawlResult:
    """Crawl the served demo sites from their home pages into ``db_url``."""
    return run_crawl(
        list(base_urls.values()),
        db_url=db_url,
        depth=3,
        settings=DEMO_CRAWL_SETTINGS,
        on_progress=on_progress,
    )
