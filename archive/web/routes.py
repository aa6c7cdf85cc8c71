"""The JSON API: read-only endpoints over :class:`archive.research.api.Archive`.

Each parameter is checked here (types, lengths, ranges, real ``YYYY-MM-DD`` dates) before
the archive sees it, and a bad one answers HTTP 422; what only the query layer can judge
(the query's syntax, a ``since`` after ``until``) comes back from it as a ``QueryError``
and leaves as HTTP 400 with that sentence (see ``app.py``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator

from archive.research.api import Archive
from archive.research.results import ArchiveStats, ArticleView, CountRow, StoryView
from archive.web.export import EXPORT_MEDIA_TYPES, MAX_EXPORT_ROWS, export_stream
from archive.web.schemas import CountResponse, ErrorMessage, SearchPage, StoriesResponse

MAX_QUERY_LENGTH = 1_000
MAX_PAGE = 1_000
#: no control characters but tab and line breaks: a NUL reaches the full-text index's
#: own parser as an unterminated string
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: answers every endpoint may give besides its own (422, a bad parameter, is FastAPI's)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorMessage, "description": "The query or a filter is malformed."},
    500: {"model": ErrorMessage, "description": "A bug; the server's log says more."},
    503: {"model": ErrorMessage, "description": "The archive database cannot be used."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "No article has this id."},
}
STORY_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorMessage, "description": "No story has this id."},
}
#: stories one request may list
MAX_STORIES = 1_000

router = APIRouter(prefix="/api", responses=ERRORS)


def get_archive(request: Request) -> Archive:
    """The archive the application was created over."""
    archive: Archive = request.app.state.archive
    return archive


ArchiveDep = Annotated[Archive, Depends(get_archive)]
RequiredQuery = Annotated[str, Query(
    min_length=1, max_length=MAX_QUERY_LENGTH, pattern=NO_CONTROL_CHARACTERS,
    description="Search words; phrases in quotes, -word or NOT to exclude, OR, field:word.",
)]
OptionalQuery = Annotated[str | None, Query(
    max_length=MAX_QUERY_LENGTH, pattern=NO_CONTROL_CHARACTERS,
    description="Search words; all articles when left out.",
)]
SourceParam = Annotated[str | None, Query(
    max_length=255, description="A domain (example.com) or a source name.",
)]


def _strict_day(value: object) -> object:
    # pydantic alone would also take a timestamp or a datetime for a date
    if isinstance(value, str) and not DAY.fullmatch(value):
        raise ValueError("use a date as YYYY-MM-DD")
    return value


SinceParam = Annotated[date | None, BeforeValidator(_strict_day), Query(
    description="Published on or after this day (YYYY-MM-DD, UTC).",
)]
UntilParam = Annotated[date | None, BeforeValidator(_strict_day), Query(
    description="Published on or before this day (YYYY-MM-DD, UTC, the whole day).",
)]
LangParam = Annotated[str | None, Query(
    pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$", max_length=16,
    description="A language code such as en, de or pt-BR.",
)]


@router.get("/search", response_model=SearchPage, summary="Search articles")
def search(
    archive: ArchiveDep,
    q: RequiredQuery,
    source: SourceParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    lang: LangParam = None,
    order: Literal["relevance", "newest", "oldest"] = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """One page of the articles matching ``q``, each with a snippet around the matches.

    ``snippet_html`` is HTML-escaped with the matches in ``<mark>``; ``snippet`` is plain
    text with the matches in brackets.
    """
    results = archive.search(q, source=source, since=since, until=until, lang=lang,
                             order=order, limit=page_size, offset=(page - 1) * page_size)
    return SearchPage(query=q, total=results.total, page=page, page_size=page_size,
                      hits=list(results.hits))


@router.get("/articles/{article_id}", response_model=ArticleView, summary="One article",
            responses=NOT_FOUND)
def article(
    archive: ArchiveDep, article_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> ArticleView:
    """An article's metadata, clean text and earlier versions (404 when there is none)."""
    return archive.article(article_id)


@router.get("/count", response_model=CountResponse, summary="Articles over time")
def count(
    archive: ArchiveDep,
    q: OptionalQuery = None,
    by: Literal["day", "week", "month"] = "month",
    per_source: bool = False,
    source: SourceParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    lang: LangParam = None,
) -> CountResponse:
    """How many matching articles (all without ``q``) were published per period.

    ``period`` is the first day of the period (weeks start on Monday); periods without
    articles are left out and undated articles are not counted.
    """
    rows: list[CountRow] = archive.count(q or None, by=by, per_source=per_source,
                                         source=source, since=since, until=until, lang=lang)
    return CountResponse(query=q or None, by=by, per_source=per_source, rows=rows)


@router.get(
    "/export",
    summary="Export matching articles",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in EXPORT_MEDIA_TYPES.values()},
                     "description": "The articles with their text, streamed."}},
)
def export(
    archive: ArchiveDep,
    q: RequiredQuery,
    format: Literal["csv", "jsonl"] = "jsonl",  # noqa: A002 - the public parameter name
    source: SourceParam = None,
    since: SinceParam = None,
    until: UntilParam = None,
    lang: LangParam = None,
    max_rows: Annotated[int, Query(
        ge=1, le=MAX_EXPORT_ROWS,
        description="Refuse (HTTP 400) rather than stream more articles than this.",
    )] = 10_000,
) -> StreamingResponse:
    """Every article matching ``q`` with its text and metadata, as CSV or JSON Lines.

    ``q`` may be field filters alone, e.g. ``source:example.com`` for a whole source. The
    export is refused with HTTP 400 when more than ``max_rows`` articles match.
    """
    chunks = export_stream(archive, q, format, source=source, since=since,
                           until=until, lang=lang, max_rows=max_rows)
    filename = f"viral-archive-export.{format}"
    return StreamingResponse(
        chunks, media_type=EXPORT_MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/stories", response_model=StoriesResponse, summary="Stories")
def stories(
    archive: ArchiveDep,
    q: OptionalQuery = None,
    since: Annotated[date | None, BeforeValidator(_strict_day), Query(
        description="First seen on or after this day (YYYY-MM-DD, UTC).",
    )] = None,
    until: Annotated[date | None, BeforeValidator(_strict_day), Query(
        description="First seen on or before this day (YYYY-MM-DD, UTC, the whole day).",
    )] = None,
    min_sources: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_STORIES)] = 20,
) -> StoriesResponse:
    """Stories (an article and its near-copies across sources), most sources first, then
    the fastest spread, each with its members in the order they appeared.

    ``q`` keeps the stories holding an article that matches it.
    """
    found = archive.stories(q or None, since=since, until=until, min_sources=min_sources,
                            limit=limit)
    return StoriesResponse(query=q or None, min_sources=min_sources, stories=list(found))


@router.get("/stories/{story_id}", response_model=StoryView, summary="One story",
            responses=STORY_NOT_FOUND)
def story(
    archive: ArchiveDep, story_id: Annotated[int, Path(ge=1, le=2**63 - 1)]
) -> StoryView:
    """A story's timeline (who ran it first, who followed and when) and its headlines
    (404 when there is none)."""
    return archive.story(story_id)


@router.get("/stats", response_model=ArchiveStats, summary="The archive at a glance")
def stats(archive: ArchiveDep) -> ArchiveStats:
    """Totals, articles per source and per language, and the span of publication dates."""
    return archive.stats()
