"""Baseline: the archive schema when migrations were introduced

Revision ID: 0001
Revises:
Created: 2026-11-29

Every table as it stood when migrations were introduced, and the full-text index: on
SQLite the FTS5 table ``articles_fts`` with its triggers (``db/fts.py``), on PostgreSQL
the generated ``articles.search_vector`` with its GIN index (``db/fts_postgres.py``).
Both helpers are idempotent; changing either needs a new revision, not an edit here.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from db.fts import create_fts
from db.fts_postgres import create_pg_fts, drop_pg_fts
from db.types import UTCDateTime

revision = "0001"
down_revision = None

NAME = sa.String(length=255)
URL = sa.String(length=2048)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _columns(kind: sa.types.TypeEngine[Any], *names: str, nullable: bool = False
             ) -> list[sa.Column[Any]]:
    """Columns of one type (not null unless ``nullable``), in order."""
    return [sa.Column(name, kind, nullable=nullable) for name in names]


def _keys(table: str, *foreign: tuple[str, str, str | None], unique: str | None = None,
          primary: str = "id") -> list[sa.Constraint]:
    """``table``'s primary key, its foreign keys (column, referred table, ON DELETE) and a
    unique column, named by the models' naming convention."""
    keys: list[sa.Constraint] = [sa.PrimaryKeyConstraint(primary, name=op.f(f"pk_{table}"))]
    keys += [sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                     name=op.f(f"fk_{table}_{column}_{target}"),
                                     ondelete=ondelete)
             for column, target, ondelete in foreign]
    if unique:
        keys.append(sa.UniqueConstraint(unique, name=op.f(f"uq_{table}_{unique}")))
    return keys


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "crawl_locks",
        *_columns(NAME, "source_name", "holder"),
        *_columns(UTCDateTime(), "acquired_at", "expires_at"),
        *_keys("crawl_locks", primary="source_name"),
    )
    op.create_table(
        "crawls", _id(),
        sa.Column("source_name", NAME, nullable=True),
        sa.Column("start_urls", sa.JSON(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_columns(sa.Integer(), "pages_fetched", "articles_new", "articles_updated",
                  "articles_unchanged", "non_articles", "errors", "requests", "discovered"),
        sa.Column("error_reasons", sa.JSON(), nullable=False),
        *_keys("crawls"),
    )
    op.create_table(
        "sources", _id(),
        sa.Column("domain", NAME, nullable=False),
        sa.Column("name", NAME, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *_keys("sources", unique="domain"),
    )
    op.create_table(
        "articles", _id(), sa.Column("url", URL, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        *_columns(UTCDateTime(), "published", "modified", nullable=True),
        sa.Column("date_source", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("site_name", NAME, nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", URL, nullable=True),
        *_columns(sa.JSON(), "tags", "extra"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("extractor_version", sa.String(length=16), nullable=False),
        *_columns(UTCDateTime(), "first_seen", "last_seen", "changed_at"),
        *_keys("articles", ("source_id", "sources", None), unique="url"),
    )
    _indexes("articles", "language", "published", "source_id")
    op.create_table(
        "crawl_errors", _id(),
        sa.Column("crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        *_keys("crawl_errors", ("crawl_id", "crawls", "CASCADE")),
    )
    _indexes("crawl_errors", "crawl_id")
    op.create_table(
        "article_versions", _id(),
        *_columns(sa.Integer(), "article_id", "number"),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("extractor_version", sa.String(length=16), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        *_keys("article_versions", ("article_id", "articles", "CASCADE")),
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_article_versions_article_number", ["article_id", "number"], unique=False
        )
    op.create_table(
        "raw_pages", _id(), *_columns(sa.Integer(), "article_id", "crawl_id", nullable=True),
        sa.Column("url", URL, nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        *_keys("raw_pages", ("article_id", "articles", "CASCADE"),
               ("crawl_id", "crawls", "SET NULL")),
    )
    _indexes("raw_pages", "article_id")
    op.create_table(
        "url_states", _id(),
        sa.Column("url", URL, nullable=False),
        sa.Column("source_name", NAME, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=64), nullable=True),
        *_columns(UTCDateTime(), "first_fetched", "last_fetched"),
        *_columns(UTCDateTime(), "last_changed", "next_check", nullable=True),
        sa.Column("fail_count", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        *_keys("url_states", ("article_id", "articles", "SET NULL"), unique="url"),
    )
    _indexes("url_states", "article_id", "next_check", "source_name")

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        create_fts(bind)
    elif bind.dialect.name == "postgresql":
        create_pg_fts(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif bind.dialect.name == "postgresql":
        drop_pg_fts(bind)
    # the tables, children first (their indexes go with them)
    for table in ("url_states", "raw_pages", "article_versions", "crawl_errors", "articles",
                  "sources", "crawls", "crawl_locks"):
        op.drop_table(table)
