"""Response bodies of the JSON API that are not the research API's own result types.

Hits, count rows, articles and stats are the dataclasses of ``archive.research.results`` as they
are; these wrap them with the request's paging and parameters.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from archive.research.results import CountRow, SearchHit, StorySummary


class SearchPage(BaseModel):
    """One page of search results."""

    query: str
    #: how many articles match in all
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]


class CountResponse(BaseModel):
    """Articles per period (and source), for a chart of a query over time."""

    query: str | None
    by: Literal["day", "week", "month"]
    per_source: bool
    rows: list[CountRow]


class StoriesResponse(BaseModel):
    """Stories ranked by number of sources, then by how fast they spread."""

    query: str | None
    min_sources: int
    stories: list[StorySummary]


class ErrorMessage(BaseModel):
    """An error the client can act on, as one sentence."""

    detail: str
