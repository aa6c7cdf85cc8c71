"""Index raw_pages.crawl_id

Revision ID: 0002
Revises: 0001
Created: 2026-11-29

A crawl's raw pages are looked up by ``crawl_id`` (WARC export of a crawl, the
distributed crawl's checks), and deleting a crawl sets its pages' ``crawl_id`` to NULL:
without an index both scan every raw page.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_raw_pages_crawl_id"), "raw_pages", ["crawl_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_raw_pages_crawl_id"), table_name="raw_pages")
