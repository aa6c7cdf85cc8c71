"""``viral-archive demo``: the bundled sites, crawled into a fresh archive."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from archive.cli.options import stdout_console
from archive.cli.progress import run_shown
from archive.cli.render import articles_table, write_hits
from archive.cli.stories import write_stories
from archive.operations.demo.run import (
    DEMO_MIN_SOURCES,
    DEMO_QUERY,
    crawl_demo,
    serve_demo_sites,
)
from archive.research.api import Archive
from db.session import sqlite_file


@click.command()
@click.option("--db", "db_file", metavar="FILE",
              help="SQLite file to create, as a path or sqlite:///FILE [default: a new file "
                   "in a temporary folder].")
def demo(db_file: str | None) -> None:
    """Crawl the bundled demo sites into a fresh SQLite archive, search it and list the
    stories that more than one site ran.

    Three small news sites, full of the boilerplate of viral content farms, are served
    on 127.0.0.1 for the length of the demo; nothing leaves this machine. One article
    is republished by the other two sites, so it shows as a story with three sources.
    """
    if db_file is None:
        db_file = str(Path(tempfile.mkdtemp(prefix="viral-archive-demo-")) / "demo.db")
    db_path = sqlite_file(db_file)
    if db_path is None:
        raise click.BadParameter("the demo makes a SQLite file: give its path or "
                                 "sqlite:///FILE", param_hint="--db")
    if db_path.exists():
        raise click.ClickException(f"{db_path} already exists; the demo needs a fresh file.")
    if not db_path.parent.is_dir():
        raise click.ClickException(f"The folder of {db_path} does not exist.")
    db_url = f"sqlite:///{db_path.resolve()}"
    console = stdout_console()
    console.print(f"Archive for the demo: [bold]{db_path}[/]")
    with serve_demo_sites() as sites:
        for name, url in sites.items():
            console.print(f"Serving demo site {name} at {url}")
        run_shown(lambda progress: crawl_demo(db_url, sites, on_progress=progress), db_url,
                  contact_hint=False)
    with Archive(db_url) as archive:
        total = archive.total()
        console.print(articles_table(archive.latest(limit=100),
                                     title=f"{total} articles archived"))
        hits = archive.search(DEMO_QUERY, limit=5).hits
        spread = archive.stories(min_sources=DEMO_MIN_SOURCES)
    console.print(f'Example search: viral-archive search "{DEMO_QUERY}" --db {db_url}')
    write_hits(hits, "table", sys.stdout, console)
    console.print(f"Stories run by {DEMO_MIN_SOURCES} sites or more: viral-archive stories "
                  f"--min-sources {DEMO_MIN_SOURCES} --db {db_url}")
    write_stories(spread, "table", console)
    if spread:
        console.print(f"Its timeline: viral-archive story {spread[0].id} --db {db_url}")
    console.print(f"Next: viral-archive show {hits[0].id if hits else 1} --db {db_url}")
