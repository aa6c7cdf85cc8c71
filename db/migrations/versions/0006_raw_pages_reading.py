"""Keep what reading a raw page needed with the page

Revision ID: 0006
Revises: 0005
Created: 2026-12-03

A page is read with more than its bytes: the source's cleaning rules and, for a page
that gives no date of its own, the publication date its sitemap or feed listed.
``raw_pages.reading`` keeps them (JSON), so that ``reextract`` and the re-read of an
article stored by an older extractor read the page as the crawl did. Pages stored before
have none; they are re-read from their bytes, URL and headers alone, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    with op.batch_alter_table("raw_pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("raw_pages", schema=None) as batch_op:
        batch_op.drop_column("reading")
