"""Personal access tokens for the JSON API: only each token's SHA-256 is kept.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_access_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        user_column("forum_access_token", "user_id"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("scopes", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("digest", name="uq_forum_access_token_digest"),
    )
    op.create_index("ix_forum_access_token_user_id", "forum_access_token", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_forum_access_token_user_id", table_name="forum_access_token")
    op.drop_table("forum_access_token")
