"""Points ledger and its per-period cache, badges, members' levels, and what levels unlock.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_point_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        user_column("forum_point_event", "user_id"),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("cause", sa.String(length=120), nullable=False),
        user_column("forum_point_event", "actor_id", nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("cause", name="uq_forum_point_event_cause"),
    )
    op.create_index("ix_forum_point_event_user_created", "forum_point_event", ["user_id", "created_at"])
    op.create_index(
        "ix_forum_point_event_user_actor_created", "forum_point_event", ["user_id", "actor_id", "created_at"]
    )
    op.create_table(
        "forum_point_bucket",
        user_column("forum_point_bucket", "user_id"),
        sa.Column("period", sa.String(length=1), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reached_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("period", "starts", "category_id", "user_id", name="pk_forum_point_bucket"),
    )
    op.create_index("ix_forum_point_bucket_board", "forum_point_bucket", ["period", "starts", "category_id", "points"])
    op.create_index("ix_forum_point_bucket_user", "forum_point_bucket", ["user_id"])
    op.create_table(
        "forum_badge_award",
        sa.Column("id", sa.Integer(), primary_key=True),
        user_column("forum_badge_award", "user_id"),
        sa.Column("badge", sa.String(length=40), nullable=False),
        sa.Column("awarded_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "badge", name="uq_forum_badge_award_user_badge"),
    )
    op.create_index("ix_forum_badge_award_badge", "forum_badge_award", ["badge"])
    op.create_table(
        "forum_member",
        user_column("forum_member", "user_id"),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("level_locked", sa.Boolean(), nullable=False),
        sa.Column("level_changed_at", sa.DateTime(), nullable=True),
        sa.Column("days_visited", sa.Integer(), nullable=False),
        sa.Column("last_visit", sa.Date(), nullable=True),
        sa.Column("last_active_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name="pk_forum_member"),
    )
    with op.batch_alter_table("forum_thread") as batch:
        batch.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_forum_thread_duplicate_of_id", "forum_thread", ["duplicate_of_id"], ["id"])
    with op.batch_alter_table("forum_post") as batch:
        batch.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
        batch.add_column(user_column("forum_post", "verified_by_id", nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("forum_post") as batch:
        batch.drop_constraint("fk_forum_post_verified_by_id", type_="foreignkey")
        batch.drop_column("verified_by_id")
        batch.drop_column("verified_at")
    with op.batch_alter_table("forum_thread") as batch:
        batch.drop_constraint("fk_forum_thread_duplicate_of_id", type_="foreignkey")
        batch.drop_column("duplicate_of_id")
    for table in ("forum_member", "forum_badge_award", "forum_point_bucket", "forum_point_event"):
        op.drop_table(table)
