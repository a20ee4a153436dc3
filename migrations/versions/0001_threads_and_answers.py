"""Categories, tags, threads, answers and their edit history.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from forum.models import DEFAULT_CATEGORY
from forum.models.migrate import user_column

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    category = op.create_table(
        "forum_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_forum_category"),
        sa.UniqueConstraint("slug", name="uq_forum_category_slug"),
    )
    op.create_table(
        "forum_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_forum_tag"),
        sa.UniqueConstraint("name", name="uq_forum_tag_name"),
    )
    op.create_table(
        "forum_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "category_id",
            sa.Integer(),
            sa.ForeignKey("forum_category.id", name="fk_forum_thread_category_id"),
            nullable=False,
        ),
        user_column("forum_thread", "author_id"),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        user_column("forum_thread", "deleted_by_id", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_forum_thread"),
    )
    op.create_index("ix_forum_thread_activity", "forum_thread", ["last_activity_at"])
    op.create_index("ix_forum_thread_author_id", "forum_thread", ["author_id"])
    op.create_index("ix_forum_thread_category_activity", "forum_thread", ["category_id", "last_activity_at"])
    op.create_table(
        "forum_thread_tag",
        sa.Column("thread_id", sa.Integer(), sa.ForeignKey("forum_thread.id", name="fk_forum_thread_tag_thread_id")),
        sa.Column("tag_id", sa.Integer(), sa.ForeignKey("forum_tag.id", name="fk_forum_thread_tag_tag_id")),
        sa.PrimaryKeyConstraint("thread_id", "tag_id", name="pk_forum_thread_tag"),
    )
    op.create_index("ix_forum_thread_tag_tag_id", "forum_thread_tag", ["tag_id"])
    op.create_table(
        "forum_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "thread_id", sa.Integer(), sa.ForeignKey("forum_thread.id", name="fk_forum_post_thread_id"), nullable=False
        ),
        user_column("forum_post", "author_id"),
        sa.Column("is_question", sa.Boolean(), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.Column("revision_count", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        user_column("forum_post", "deleted_by_id", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_forum_post"),
    )
    op.create_index("ix_forum_post_author_id", "forum_post", ["author_id"])
    op.create_index("ix_forum_post_thread_created", "forum_post", ["thread_id", "created_at"])
    op.create_table(
        "forum_post_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "post_id",
            sa.Integer(),
            sa.ForeignKey("forum_post.id", name="fk_forum_post_revision_post_id"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_post_revision", "editor_id"),
        sa.PrimaryKeyConstraint("id", name="pk_forum_post_revision"),
        sa.UniqueConstraint("post_id", "number", name="uq_forum_post_revision_post_number"),
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    op.bulk_insert(category, [{**DEFAULT_CATEGORY, "created_at": now}])


def downgrade() -> None:
    op.drop_table("forum_post_revision")
    op.drop_table("forum_post")
    op.drop_table("forum_thread_tag")
    op.drop_table("forum_thread")
    op.drop_table("forum_tag")
    op.drop_table("forum_category")
