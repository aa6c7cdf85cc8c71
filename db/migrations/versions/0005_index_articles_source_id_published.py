"""Index articles by (source_id, published)

Revision ID: 0005
Revises: 0004
Created: 2026-11-29

A search within a source and a date range (``--source X --since ... --until ...``)
collects its candidate articles from this index alone; with only the one-column indexes
SQLite read every article row of the source to check its date (1.6 s for the largest
source of the 1M-article benchmark archive, see ``docs/benchmarks.md``).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_source_id_published"), ["source_id", "published"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_source_id_published"))
