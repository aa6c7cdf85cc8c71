"""FTS5 gathers more index entries in memory before writing a segment

Revision ID: 0003
Revises: 0002
Created: 2026-11-29

FTS5 writes the entries of new rows out as an index segment whenever its in-memory hash
passes ``hashsize`` (1 MiB by default) and at every commit; an import batch of 10,000
articles made a couple of dozen small segments that FTS5 then merged again. 64 MiB makes
one segment per batch. SQLite only; the option is stored in ``articles_fts_config``.
"""

from __future__ import annotations

from alembic import op

from db.fts import set_fts_hash_size

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: the value this revision sets (db.fts.FTS_HASH_BYTES when it was written)
HASH_BYTES = 64 * 1024 * 1024


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        set_fts_hash_size(bind, HASH_BYTES)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        set_fts_hash_size(bind, None)
