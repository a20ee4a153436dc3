"""Rewards: a catalogue of what points can buy, and people's orders.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_reward",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("picture_url", sa.String(500), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("stock >= 0", name="ck_forum_reward_stock"),
    )
    op.create_table(
        "forum_redemption",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "reward_id",
            sa.Integer(),
            sa.ForeignKey("forum_reward.id", name="fk_forum_redemption_reward_id"),
            nullable=False,
        ),
        user_column("forum_redemption", "user_id"),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        user_column("forum_redemption", "decided_by_id", nullable=True),
    )
    op.create_index("ix_forum_redemption_user_id", "forum_redemption", ["user_id"])
    op.create_index("ix_forum_redemption_state_created", "forum_redemption", ["state", "created_at"])


def downgrade() -> None:
    op.drop_table("forum_redemption")
    op.drop_table("forum_reward")
