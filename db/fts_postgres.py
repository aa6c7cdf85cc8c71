"""Full-text index on PostgreSQL: a generated ``tsvector`` column with a GIN index.

``articles.search_vector`` is computed by the database from ``title`` (weight A) and
``text`` (weight B) on every insert and update, so, as with SQLite's triggers, no code
path can forget to re-index. It is not part of the ORM model: SQLite has no such column.

Words are indexed with the text search configuration ``archive_text``: PostgreSQL's
``simple`` parser and dictionary (lower-casing, no stemming, no stop words — an archive
holds many languages, and a language-specific stemmer would mangle the others) with
``unaccent`` in front when that extension can be installed, so ``cafe`` finds ``café``
as it does on SQLite (``remove_diacritics 2``). Without ``unaccent`` the configuration is
plain ``simple`` and accents must match; a warning says so.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, column, table, text
from sqlalchemy.exc import SQLAlchemyError

from db.exceptions import reason_of

logger = logging.getLogger(__name__)

TS_CONFIG = "archive_text"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_articles_search_vector"
#: ``ts_rank_cd`` weights for D, C, B (text), A (title): a title match counts five times
RANK_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"


def _unaccent_schema(connection: Connection) -> str | None:
    """The schema of the ``unaccent`` extension, installing it in ``public`` if needed."""
    found = connection.scalar(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    )
    if found:
        return str(found)
    try:
        with connection.begin_nested():
            # in public, not the archive's schema: extensions are per database, and a
            # dropped archive schema must not take another archive's dictionary with it
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
    except SQLAlchemyError as exc:
        logger.warning(
            "PostgreSQL's unaccent extension is not available (%s); full-text search will "
            "match accents exactly", reason_of(exc)
        )
        return None
    return "public"


def _create_config(connection: Connection) -> None:
    exists = connection.scalar(
        text(
            "SELECT 1 FROM pg_ts_config WHERE cfgname = :name "
            "AND cfgnamespace = current_schema()::regnamespace"
        ),
        {"name": TS_CONFIG},
    )
    if exists:
        return
    connection.execute(text(f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = simple)"))
    schema = _unaccent_schema(connection)
    if schema is not None:
        connection.execute(
            text(
                f"ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} ALTER MAPPING FOR "
                "asciiword, word, numword, asciihword, hword, numhword, hword_part, "
                f"hword_asciipart, hword_numpart WITH {schema}.unaccent, simple"
            )
        )


def create_pg_fts(connection: Connection) -> None:
    """Create the text search configuration, the ``search_vector`` column and its GIN index.

    Idempotent; PostgreSQL only. Runs in the caller's transaction.
    """
    _create_config(connection)
    connection.execute(
        text(
            f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ("
            f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(title, '')), 'A') || "
            f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(text, '')), 'B')"
            f") STORED"
        )
    )
    connection.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON articles USING gin ({VECTOR_COLUMN})"
        )
    )


def drop_pg_fts(connection: Connection) -> None:
    """Remove what :func:`create_pg_fts` made (for downgrades)."""
    connection.execute(text(f"DROP INDEX IF EXISTS {VECTOR_INDEX}"))
    connection.execute(text(f"ALTER TABLE articles DROP COLUMN IF EXISTS {VECTOR_COLUMN}"))
    connection.execute(text(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TS_CONFIG}"))


#: ``articles`` seen with its generated column, for queries (``id`` joins it to the model).
articles_vector = table("articles", column("id"), column(VECTOR_COLUMN))
