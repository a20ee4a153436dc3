"""Knowledge articles, the search documents with their full-text index, and suggestion events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column
from forum.search.index import create_index, drop_index

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column(
            "category_id",
            sa.Integer(),
            sa.ForeignKey("forum_category.id", name="fk_forum_article_category_id"),
            nullable=False,
        ),
        sa.Column(
            "source_post_id",
            sa.Integer(),
            sa.ForeignKey("forum_post.id", name="fk_forum_article_source_post_id"),
            nullable=True,
        ),
        user_column("forum_article", "author_id"),
        user_column("forum_article", "credited_id", nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "forum_search_doc",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("solved", sa.Boolean(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("kind", "ref_id", name="uq_forum_search_doc_kind_ref"),
    )
    create_index(op.get_bind())
    op.create_table(
        "forum_suggestion_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("attempt", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("doc_kind", sa.String(length=10), nullable=True),
        sa.Column("doc_ref", sa.Integer(), nullable=True),
        user_column("forum_suggestion_event", "user_id", nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forum_suggestion_event_created", "forum_suggestion_event", ["created_at"])
    # Existing threads become searchable at once.
    from forum.models.migrate import migration_state
    from forum.search.engine import reindex_all

    reindex_all(migration_state(), connection=op.get_bind())


def downgrade() -> None:
    op.drop_table("forum_suggestion_event")
    drop_index(op.get_bind())
    op.drop_table("forum_search_doc")
    op.drop_table("forum_article")
