"""The read-only web application: the JSON API under ``/api`` and the page at ``/``.

``create_app(db_url)`` opens the archive read-only (a SQLite file through a ``mode=ro``
connection, so no code path can write to it) and serves:

- ``/api/...``: search, article, count, export and stats (see ``routes.py``),
- ``/`` and ``/static/...``: the page (plain HTML, JavaScript and CSS shipped here),
- ``/openapi.json``: the API's OpenAPI description (no ``/docs``: Swagger UI needs a CDN).

Every response carries a Content-Security-Policy that allows only this server's own
scripts and styles, and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import event

from archive import __version__
from archive.exceptions import ArchiveError, ArticleNotFound, QueryError, StoryNotFound
from archive.research.api import Archive
from archive.web.routes import router
from db import DatabaseError
from db.session import read_only_url

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def open_read_only(db_url: str | None) -> Archive:
    """The archive at ``db_url`` opened so that the server cannot write to it.

    SQLite: a read-only (``mode=ro``) connection; PostgreSQL: sessions whose transactions
    are read-only. The web application has no endpoint that writes in any case.

    Raises:
        db.DatabaseError: the database cannot be opened or holds no archive.
    """
    archive = Archive(read_only_url(db_url))
    if archive.engine.dialect.name == "postgresql":
        event.listen(archive.engine, "connect", _read_only_postgres_session)
        archive.engine.dispose()  # connections made before the listener are dropped
    return archive


def _read_only_postgres_session(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_connection.commit()  # type: ignore[attr-defined]


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


def create_app(db_url: str | None = None) -> FastAPI:
    """The web application over the archive at ``db_url`` (resolved as the CLI does).

    Raises:
        db.DatabaseError: the database cannot be opened or holds no archive.
    """
    archive = open_read_only(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        archive.close()

    app = FastAPI(
        title="viral-archive",
        version=__version__,
        summary="Read-only access to an archive of viral and news articles.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.archive = archive
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(QueryError)
    async def bad_query(_request: Request, exc: QueryError) -> JSONResponse:
        return _error(400, str(exc))

    async def not_found(_request: Request, exc: Exception) -> JSONResponse:
        return _error(404, str(exc))

    for missing in (ArticleNotFound, StoryNotFound):
        app.add_exception_handler(missing, not_found)

    @app.exception_handler(ArchiveError)
    async def archive_error(_request: Request, exc: ArchiveError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(DatabaseError)
    async def database_error(_request: Request, exc: DatabaseError) -> JSONResponse:
        logger.error("Database error: %s", exc)
        return _error(503, str(exc))

    @app.exception_handler(Exception)
    async def server_error(_request: Request, _exc: Exception) -> JSONResponse:
        # a bug: the client gets one sentence; Starlette re-raises, so the server logs it
        return _error(500, "The server failed to answer this request; its log says why.")

    return app
