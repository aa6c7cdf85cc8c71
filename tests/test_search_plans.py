"""SQLite's faster search plans give the answers of the general plan: the best page by
FTS5's ``rank`` and the same total, with and without source and date filters."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from archive import Archive
from archive.research.query import Filters
from archive.research.query.engine import plan_query
from archive.research.query.sqlite import DRIVE_FROM_FTS_UP_TO, SqliteBackend
from db import session_factory

ARTICLES = DRIVE_FROM_FTS_UP_TO + 500  # enough matches for the candidate-set plan


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    folder = tmp_path_factory.mktemp("plans")
    source = folder / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(ARTICLES):
            # lengths and title hits vary, so that scores differ
            handle.write(json.dumps({
                "url": f"https://s{i % 5}.example/{i}",
                "title": "Harbour news" if i % 11 == 0 else f"News {i}",
                "text": "harbour " * (1 + i % 3) + "calm water " * (i % 13) + f"n{i}",
                "published": f"{2020 + i % 4}-0{1 + i % 9}-15T08:00:00Z",
                "source": f"s{i % 5}.example",
            }) + "\n")
    arc = Archive(f"sqlite:///{folder / 'plans.db'}", create=True)
    arc.import_jsonl(source)
    return arc


def by_rank(arc: Archive, match: str, where: str = "", **params: object) -> list[tuple[int,
                                                                                     float]]:
    """Every match as (id, rank), best first: the general plan, by FTS5's ``rank``."""
    sql = ("SELECT a.id, articles_fts.rank FROM articles_fts "
           "JOIN articles a ON a.id = articles_fts.rowid "
           "JOIN sources s ON s.id = a.source_id "
           f"WHERE articles_fts MATCH :match {where} ORDER BY articles_fts.rank")
    with arc.engine.connect() as connection:
        return [(row.id, row.rank) for row in connection.execute(text(sql), {
            "match": match, **params})]


def ranks_of(arc: Archive, match: str, ids: list[int]) -> list[float]:
    with arc.engine.connect() as connection:
        rank: dict[int, float] = dict(connection.execute(text(
            "SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH :match"
        ), {"match": match}).all())
    return [rank[i] for i in ids]


@pytest.mark.parametrize("offset", [0, 40])
def test_relevance_without_filters_is_fts5_rank(archive: Archive, offset: int) -> None:
    expected = by_rank(archive, '"harbour"')
    results = archive.search("harbour", offset=offset)
    assert results.total == len(expected) == ARTICLES
    got = ranks_of(archive, '"harbour"', [hit.id for hit in results.hits])
    assert got == pytest.approx([rank for _, rank in expected[offset:offset + 20]])


def test_a_filtered_search_collects_candidates_first(archive: Archive) -> None:
    filters = Filters(source="s2.example", since=None, until=None)
    with session_factory(archive.engine)() as session:
        backend, plan = plan_query(session, "harbour", filters)
        assert isinstance(backend, SqliteBackend)
        assert backend.candidates(session, plan) is not None
        # an author is no indexed column: the general plan, match by match
        backend, plan = plan_query(session, "harbour author:someone", filters)
        assert backend.candidates(session, plan) is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("offset", [0, 20])
def test_a_filtered_search_gives_the_general_plans_answer(archive: Archive,
                                                          offset: int) -> None:
    expected = by_rank(archive, '"harbour"',
                       "AND s.domain = 's2.example' AND a.published >= '2021-01-01' "
                       "AND a.published < '2022-01-01'")
    results = archive.search("harbour", source="s2.example", since="2021-01-01",
                             until="2021-12-31", offset=offset)
    assert results.total == len(expected) > 40
    ids = [hit.id for hit in results.hits]
    assert ranks_of(archive, '"harbour"', ids) == pytest.approx(
        [rank for _, rank in expected[offset:offset + 20]])
    assert {hit.source for hit in results.hits} == {"s2.example"}


def test_newest_first_walks_the_dates_in_order(archive: Archive) -> None:
    with archive.engine.connect() as connection:
        expected = list(connection.scalars(text(
            "SELECT a.id FROM articles a WHERE a.id IN (SELECT rowid FROM articles_fts "
            "WHERE articles_fts MATCH '\"harbour\"') ORDER BY a.published DESC, a.id DESC "
            "LIMIT 20 OFFSET 20")))
    results = archive.search("harbour", order="newest", offset=20)
    assert [hit.id for hit in results.hits] == expected
