"""``viral-archive serve``: the read-only web interface."""

from __future__ import annotations

import click

from archive.cli.options import db_option
from archive.core.optional import require
from db import resolve_db_url


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 opens it to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(db_url: str | None, host: str, port: int) -> None:
    """Serve the archive read-only: a search page and a JSON API (OpenAPI at /openapi.json).

        viral-archive serve --db sqlite:///news.db --port 8000

    then open http://127.0.0.1:8000/ in a browser. The server never writes to the archive.
    """
    uvicorn = require("uvicorn", feature="The web interface", extra="web")
    require("fastapi", feature="The web interface", extra="web")
    from archive.web import create_app  # needs the web extra: imported once it is there

    app = create_app(db_url)  # a missing or broken archive fails here, before listening
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {resolve_db_url(db_url)} read-only at http://{shown_host}:{port}/ "
               "(Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
