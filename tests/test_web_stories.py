"""Stories through the JSON API, over a real SQLite archive file and a real PostgreSQL
schema: the same requests, the same answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from archive.web import create_app
from tests.pg import fresh_schema, pg_unreachable_reason
from tests.services import require_service
from tests.web_archive import STORY, fill_archive, fill_story, make_story_archive


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if request.param == "sqlite":
        url = make_story_archive(tmp_path_factory.mktemp("web-stories") / "archive.db")
        with TestClient(create_app(url), raise_server_exceptions=False) as test_client:
            yield test_client
        return
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    with fresh_schema("va_web_stories") as url:
        fill_archive(url)
        fill_story(url)
        with TestClient(create_app(url), raise_server_exceptions=False) as test_client:
            yield test_client


def test_the_story_run_by_three_sources_comes_first(client: TestClient) -> None:
    response = client.get("/api/stories", params={"min_sources": 2})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["min_sources"] == 2 and body["query"] is None
    [story] = body["stories"]
    assert story["sources"] == 3 and story["articles"] == 3
    assert story["title"] == STORY[0][1]
    assert story["first_seen"].startswith("2026-05-04T08:00")
    assert story["first_seen_kind"] == "published"
    assert [m["url"] for m in story["members"]] == [copy[0] for copy in STORY]
    assert [m["after_seconds"] for m in story["members"]] == [0, 27_000, 176_400]
    assert story["spread_seconds"] == 176_400

    # every other article is a story of its own, after the one with three sources
    everything = client.get("/api/stories", params={"limit": 1000}).json()["stories"]
    assert everything[0]["id"] == story["id"]
    assert all(s["sources"] == 1 and s["articles"] == 1 for s in everything[1:])


def test_stories_filters(client: TestClient) -> None:
    def ids(**params: object) -> list[int]:
        response = client.get("/api/stories", params={"min_sources": 2, **params})
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["stories"]]

    [story_id] = ids()
    assert ids(q="lighthouse") == [story_id]
    assert ids(q="otter") == []
    assert ids(since="2026-05-04", until="2026-05-04") == [story_id]
    assert ids(since="2026-05-05") == []
    assert ids(until="2026-05-03") == []


def test_one_story_with_its_timeline_and_headlines(client: TestClient) -> None:
    story_id = client.get("/api/stories", params={"min_sources": 2}).json()["stories"][0]["id"]
    response = client.get(f"/api/stories/{story_id}")
    assert response.status_code == 200, response.text
    story = response.json()
    assert [m["source"] for m in story["members"]] == [
        "riverside.example", "ledger.example", "quill.example"]
    assert [m["title"] for m in story["members"]] == [copy[1] for copy in STORY]
    assert sorted(h["title"] for h in story["headlines"]) == sorted(c[1] for c in STORY)
    assert all(h["articles"] == 1 for h in story["headlines"])

    # an article names its story, and the story names the article
    member = story["members"][1]
    article = client.get(f"/api/articles/{member['id']}").json()
    assert article["story_id"] == story_id and article["story_articles"] == 3
    hits = client.get("/api/search", params={"q": "lighthouse keeper"}).json()["hits"]
    assert {hit["story_id"] for hit in hits} == {story_id}


@pytest.mark.parametrize(("path", "params", "status", "message"), [
    ("/api/stories/999999", {}, 404, "No story with id 999999"),
    ("/api/stories/0", {}, 422, None),
    ("/api/stories", {"min_sources": 0}, 422, None),
    ("/api/stories", {"limit": 0}, 422, None),
    ("/api/stories", {"limit": 1001}, 422, None),
    ("/api/stories", {"since": "2026-13-01"}, 422, None),
    ("/api/stories", {"since": "2026-05-06", "until": "2026-05-01"}, 400, None),
    ("/api/stories", {"q": "("}, 400, None),
])
def test_bad_requests_are_answered_4xx(client: TestClient, path: str,
                                       params: dict[str, object], status: int,
                                       message: str | None) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    if message:
        assert message in detail
    if status == 400:
        assert isinstance(detail, str) and detail.endswith(".")
