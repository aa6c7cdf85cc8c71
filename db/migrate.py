"""Schema migrations with Alembic: which revision an archive is at, and upgrading it.

The revisions live in ``db/migrations/versions/``. A new archive is created by running
them all; an archive whose revision is behind this version's head is refused by
:func:`db.open_engine` until ``viral-archive db upgrade`` brings it up to date. Archives
made before migrations existed (tables but no ``alembic_version``) are taken to be at
the baseline revision.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from db.exceptions import SchemaOutdated

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
#: the first revision: the schema as it was when migrations were introduced
BASELINE = "0001"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The revision this version of viral-archive needs."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The archive's revision; ``None`` for an empty database (no archive tables)."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None and inspect(connection).has_table("articles"):
        return BASELINE  # made before migrations existed
    return revision


def upgrade(connection: Connection, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the archive on ``connection`` to ``revision``; returns (before, after).

    Runs in the caller's transaction: on PostgreSQL a failed migration leaves nothing
    behind. An archive made before migrations existed is first stamped at the baseline.
    """
    before = current_revision(connection)
    config = alembic_config(connection)
    if before == BASELINE and MigrationContext.configure(connection).get_current_revision() \
            is None:
        command.stamp(config, BASELINE)
    command.upgrade(config, revision)
    after = MigrationContext.configure(connection).get_current_revision()
    assert after is not None
    if before != after:
        logger.info("Archive schema upgraded from %s to %s", before or "nothing", after)
    return before, after


def check_revision(connection: Connection) -> None:
    """Refuse an archive whose schema is not at this version's head.

    Raises:
        SchemaOutdated: the archive is behind (run ``viral-archive db upgrade``) or ahead
            of this version of viral-archive.
    """
    revision = current_revision(connection)
    head = head_revision()
    if revision == head:
        return
    if revision is not None and revision not in known_revisions():
        raise SchemaOutdated(
            f"This archive's schema is at revision {revision}, newer than this version of "
            f"viral-archive knows (it needs {head}); upgrade viral-archive."
        )
    raise SchemaOutdated(
        f"This archive's schema is at revision {revision} but this version of viral-archive "
        f'needs {head}; run "viral-archive db upgrade".'
    )
