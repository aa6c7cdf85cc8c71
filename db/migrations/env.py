"""Alembic's entry point for the archive's migrations (run through :mod:`db.migrate`).

The connection comes from ``config.attributes["connection"]`` (``db.migrate`` opens it,
with the same set-up as the archive itself); ``alembic -x db=URL ...`` run by hand works
too. SQLite gets batch mode, so ALTERs become table copies where SQLite needs them.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, String

from db.fts import FTS_TABLE
from db.fts_postgres import VECTOR_COLUMN, VECTOR_INDEX
from db.models import Base

config = context.config
target_metadata = Base.metadata


def _include(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    # the full-text index is not in the models (it differs per backend): autogenerate
    # must neither drop it nor think it missing
    if kind == "table" and name and name.startswith(FTS_TABLE):
        return False
    return not (kind in ("column", "index") and name in (VECTOR_COLUMN, VECTOR_INDEX))


def _compare_type(context: Any, inspected_column: Any, metadata_column: Any,
                  inspected_type: Any, metadata_type: Any) -> bool | None:
    # SQLite ignores VARCHAR lengths, so a length change there is no schema change
    if (context.dialect.name == "sqlite" and isinstance(inspected_type, String)
            and isinstance(metadata_type, String)):
        return False
    return None  # Alembic's own comparison


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=_compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from sqlalchemy import create_engine

    from db.session import resolve_db_url

    engine = create_engine(resolve_db_url(context.get_x_argument(as_dictionary=True).get("db")))
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
