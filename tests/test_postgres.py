"""What only PostgreSQL has: concurrent writers, connection errors, its text search set-up."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from archive import Article
from archive.cli import main
from archive.extraction.reading import FetchedPage
from archive.storage.writer import Outcome, store_article
from db import DatabaseError, models, open_engine, session_factory
from tests.pg import pg_unreachable_reason
from tests.services import require_service

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def pg_url(db_url: str) -> str:
    """A fresh PostgreSQL archive (the ``postgresql_only`` mark keeps SQLite out)."""
    return db_url


def _page(url: str) -> FetchedPage:
    return FetchedPage(url, status=200, headers={}, body=b"<html>raw</html>", fetched_at=T0)


def test_two_workers_storing_one_new_url_make_one_article(pg_url: str) -> None:
    engine = open_engine(pg_url)
    sessions = session_factory(engine)
    article = Article(text="Same text.", title="Same", page_type="article", site_name="Ex")
    outcomes: list[Outcome] = []
    first = sessions()
    first.begin()
    outcomes.append(store_article(first, article, _page("https://ex.com/a"))[0])

    def second_writer() -> None:
        # sees no row yet (the first transaction is open), inserts, waits for the first
        with sessions.begin() as session:
            outcomes.append(store_article(session, article, _page("https://ex.com/a"))[0])

    thread = threading.Thread(target=second_writer)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive(), "the second insert should wait for the first transaction"
    first.commit()
    first.close()
    thread.join(10)
    assert outcomes == [Outcome.NEW, Outcome.UNCHANGED]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(models.Article)) == 1
        assert session.scalar(select(func.count()).select_from(models.RawPage)) == 1
        assert session.scalar(select(func.count()).select_from(models.Source)) == 1
    engine.dispose()


def test_search_folds_accents_and_case(pg_url: str) -> None:
    engine = open_engine(pg_url)
    with engine.connect() as connection:
        vector = connection.scalar(text("SELECT to_tsvector('archive_text', 'Crème BRÛLÉE')"))
    engine.dispose()
    assert vector == "'brulee':2 'creme':1"


def test_an_unreachable_server_is_one_sentence() -> None:
    reason = pg_unreachable_reason()
    require_service("PostgreSQL", reason is None, reason or "")
    url = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # the discard port: nothing there
    with pytest.raises(DatabaseError, match="^Cannot open the archive database postgresql"):
        open_engine(url)
    result = CliRunner().invoke(main, ["search", "otter", "--db", url])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot open the archive database")


def test_a_stopped_crawl_can_be_closed(pg_url: str) -> None:
    # PostgreSQL enforces VARCHAR lengths where SQLite does not: every status Scrapy can
    # close a crawl with must fit
    engine = open_engine(pg_url)
    with session_factory(engine).begin() as session:
        crawl = models.Crawl(start_urls=["https://ex.com/"])
        session.add(crawl)
        session.flush()
        crawl.status = "stopped: closespider_timeout_no_item"
    engine.dispose()
