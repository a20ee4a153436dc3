"""Likes, favourites, shares and their visits, accepted answers, and notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "forum_like",
        _id(),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("forum_post.id", name="fk_forum_like_post_id"), nullable=False
        ),
        user_column("forum_like", "user_id"),
        _created(),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_like_post_user"),
    )
    op.create_index("ix_forum_like_user_id", "forum_like", ["user_id"])
    op.create_table(
        "forum_favourite",
        _id(),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("forum_thread.id", name="fk_forum_favourite_thread_id"),
            nullable=False,
        ),
        user_column("forum_favourite", "user_id"),
        _created(),
        sa.UniqueConstraint("thread_id", "user_id", name="uq_forum_favourite_thread_user"),
    )
    op.create_index("ix_forum_favourite_user_id", "forum_favourite", ["user_id"])
    op.create_table(
        "forum_share",
        _id(),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column(
            "thread_id", sa.Integer(), sa.ForeignKey("forum_thread.id", name="fk_forum_share_thread_id"), nullable=False
        ),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("forum_post.id", name="fk_forum_share_post_id"), nullable=False
        ),
        user_column("forum_share", "sharer_id"),
        _created(),
        sa.UniqueConstraint("token", name="uq_forum_share_token"),
        sa.UniqueConstraint("post_id", "sharer_id", name="uq_forum_share_post_sharer"),
    )
    op.create_index("ix_forum_share_thread_id", "forum_share", ["thread_id"])
    op.create_index("ix_forum_share_sharer_id", "forum_share", ["sharer_id"])
    op.create_table(
        "forum_share_visit",
        _id(),
        sa.Column(
            "share_id",
            sa.Integer(),
            sa.ForeignKey("forum_share.id", name="fk_forum_share_visit_share_id"),
            nullable=False,
        ),
        user_column("forum_share_visit", "visitor_id"),
        _created(),
        sa.UniqueConstraint("share_id", "visitor_id", name="uq_forum_share_visit_share_visitor"),
    )
    op.create_index("ix_forum_share_visit_visitor_id", "forum_share_visit", ["visitor_id"])
    op.create_table(
        "forum_notification",
        _id(),
        user_column("forum_notification", "user_id"),
        sa.Column("kind", sa.String(length=30), nullable=False),
        user_column("forum_notification", "actor_id", nullable=True),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("forum_thread.id", name="fk_forum_notification_thread_id"),
            nullable=True,
        ),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("forum_post.id", name="fk_forum_notification_post_id"), nullable=True
        ),
        sa.Column("message", sa.String(length=300), nullable=False),
        _created(),
        sa.Column("read_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_forum_notification_user_created", "forum_notification", ["user_id", "created_at"])
    with op.batch_alter_table("forum_post") as batch:
        batch.add_column(sa.Column("like_count", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("forum_thread") as batch:
        batch.add_column(sa.Column("accepted_post_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("solved_at", sa.DateTime(), nullable=True))
        batch.add_column(user_column("forum_thread", "accepted_by_id", nullable=True))
        batch.create_foreign_key("fk_forum_thread_accepted_post_id", "forum_post", ["accepted_post_id"], ["id"])
        batch.create_index("ix_forum_thread_created", ["created_at"])


def downgrade() -> None:
    with op.batch_alter_table("forum_thread") as batch:
        batch.drop_index("ix_forum_thread_created")
        batch.drop_constraint("fk_forum_thread_accepted_post_id", type_="foreignkey")
        batch.drop_constraint("fk_forum_thread_accepted_by_id", type_="foreignkey")
        batch.drop_column("accepted_by_id")
        batch.drop_column("solved_at")
        batch.drop_column("accepted_post_id")
    with op.batch_alter_table("forum_post") as batch:
        batch.drop_column("like_count")
    for table in ("forum_notification", "forum_share_visit", "forum_share", "forum_favourite", "forum_like"):
        op.drop_table(table)
