"""Writing help: the desk's glossary changes and readers' "easy to follow" or "too technical" votes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_glossary_term",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("term", sa.String(60), nullable=False),
        sa.Column("plain", sa.String(300), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        user_column("forum_glossary_term", "updated_by_id", nullable=True),
        sa.UniqueConstraint("key", name="uq_forum_glossary_term_key"),
    )
    op.create_table(
        "forum_clarity_vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id",
            sa.Integer(),
            sa.ForeignKey("forum_post.id", name="fk_forum_clarity_vote_post_id"),
            nullable=False,
        ),
        user_column("forum_clarity_vote", "user_id"),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_clarity_vote_post_user"),
    )
    op.create_index("ix_forum_clarity_vote_user_id", "forum_clarity_vote", ["user_id"])
    op.create_index("ix_forum_clarity_vote_verdict_post", "forum_clarity_vote", ["verdict", "post_id"])


def downgrade() -> None:
    op.drop_index("ix_forum_clarity_vote_verdict_post", table_name="forum_clarity_vote")
    op.drop_index("ix_forum_clarity_vote_user_id", table_name="forum_clarity_vote")
    op.drop_table("forum_clarity_vote")
    op.drop_table("forum_glossary_term")
