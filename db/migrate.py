"""Schema migrations with Alembic: which revision an archive is at, and upgrading it.

The revisions live in ``db/migrations/versions/``. A new archive is created by running
them all; an archive whose revision is behind this version's head is refused by
:func:`db.open_engine` until ``viral-archive db upgrade`` brings it up to date. Archives
made before migrations existed (tables but no ``alembic_version``) are taken to be at
the baseline revision.

Opening an archive at the current revision does not load Alembic (about 12 MB of every
process that opens one, a crawl's included): the revision is read with one query and
compared with :data:`HEAD`, which a test keeps equal to Alembic's head.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

from db.exceptions import SchemaOutdated

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
#: the first revision: the schema as it was when migrations were introduced
BASELINE = "0001"
#: the revision this version of viral-archive needs: the last in ``migrations/versions``
#: (``tests/test_migrations.py`` checks it against Alembic's own reading)
HEAD = "0007"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, bound to ``connection`` if given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this version of viral-archive needs (:data:`HEAD`)."""
    return HEAD


def alembic_head() -> str | None:
    """The head revision as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _stored_revision(connection: Connection) -> str | None:
    """What the archive's ``alembic_version`` table says (as Alembic reads it)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(connection: Connection) -> str | None:
    """The archive's revision; ``None`` for an empty database (no archive tables)."""
    revision = _stored_revision(connection)
    if revision is None and inspect(connection).has_table("articles"):
        return BASELINE  # made before migrations existed
    return revision


def upgrade(connection: Connection, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the archive on ``connection`` to ``revision``; returns (before, after).

    Runs in the caller's transaction: on PostgreSQL a failed migration leaves nothing
    behind. An archive made before migrations existed is first stamped at the baseline.
    """
    from alembic import command

    before = current_revision(connection)
    config = alembic_config(connection)
    if before == BASELINE and _stored_revision(connection) is None:
        command.stamp(config, BASELINE)
    command.upgrade(config, revision)
    after = _stored_revision(connection)
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
