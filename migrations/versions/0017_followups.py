"""Cheap likes: what a like leaves for the worker (badges, level, the "liked" notice) waits in forum_followup.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_followup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        user_column("forum_followup", "user_id", nullable=True),
        user_column("forum_followup", "actor_id", nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("triggers", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("forum_followup")
