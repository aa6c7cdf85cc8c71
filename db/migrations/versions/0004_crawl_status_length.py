"""Room for every crawl status: crawls.status VARCHAR(16) -> VARCHAR(64)

Revision ID: 0004
Revises: 0003
Created: 2026-11-29

A crawl stopped by Ctrl-C is closed with the status ``stopped: shutdown`` (17
characters); Scrapy's longest close reason, ``closespider_timeout_no_item``, makes 36.
SQLite ignores VARCHAR lengths, so this was only seen on PostgreSQL, where closing the
crawl record failed. SQLite needs no change (and a batch copy of ``crawls`` would, with
foreign keys on, cascade into its errors).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("crawls", "status", type_=sa.String(64),
                        existing_type=sa.String(16), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("crawls", "status", type_=sa.String(16),
                        existing_type=sa.String(64), existing_nullable=False)
