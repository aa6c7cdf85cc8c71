"""The API against its own OpenAPI description: Schemathesis generates requests from it,
valid ones and invalid ones, and checks that no answer is a server error, that invalid
ones are refused, and that every answer has a documented status and a body that matches
the description.

A request the description allows may still be refused with 400: a query in the query
language can be malformed (``(``) and ``since`` can fall after ``until``, which a schema
cannot say; so the "valid data is accepted" check is left out."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from archive.web import create_app
from tests.web_archive import make_story_archive


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    app = create_app(make_story_archive(tmp_path_factory.mktemp("web-schema") / "archive.db"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
def test_every_answer_matches_the_description(api_schema: schemathesis.BaseSchema,
                                              mode: schemathesis.GenerationMode) -> None:
    # not schemathesis' pytest plugin: its fixture loader fails on pytest 9
    @given(case=api_schema.as_strategy(generation_mode=mode))
    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
