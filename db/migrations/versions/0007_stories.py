"""Stories: near-copies of one article across sources

Revision ID: 0007
Revises: 0006
Created: 2026-12-03

Adds ``stories`` (one row per story, with its aggregates), ``story_articles`` (each
article's story and near-copy signature) and ``story_bands`` (the LSH band keys that find
candidate near-copies, keyed for lookup). The tables start empty: computing signatures of
an existing archive's articles inline would hold the upgrade for minutes on a large
archive, so articles written from now on get their story as they are written, and
``viral-archive stories rebuild`` gives every earlier article its story (resumably).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("first_article_id", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_kind", sa.String(length=16), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("spread_seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_first_seen"), ["first_seen"], unique=False)
        batch_op.create_index("ix_stories_n_sources_spread", ["n_sources", "spread_seconds"],
                              unique=False)
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_story_articles_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"],
                                name=op.f("fk_story_articles_story_id_stories")),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_articles")),
    )
    with op.batch_alter_table("story_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_articles_story_id"), ["story_id"],
                              unique=False)
    op.create_table(
        "story_bands",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "article_id", name=op.f("pk_story_bands")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("story_bands")
    with op.batch_alter_table("story_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_articles_story_id"))
    op.drop_table("story_articles")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index("ix_stories_n_sources_spread")
        batch_op.drop_index(batch_op.f("ix_stories_first_seen"))
    op.drop_table("stories")
