"""Ideas: proposals people vote on, their votes, and the timeline of the IT team's decisions.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_idea",
        sa.Column("id", sa.Integer(), primary_key=True),
        user_column("forum_idea", "author_id"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column(
            "merged_into_id",
            sa.Integer(),
            sa.ForeignKey("forum_idea.id", name="fk_forum_idea_merged_into_id"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forum_idea_author_id", "forum_idea", ["author_id"])
    op.create_index("ix_forum_idea_status_votes", "forum_idea", ["status", "vote_count"])
    op.create_index("ix_forum_idea_created", "forum_idea", ["created_at"])
    op.create_table(
        "forum_idea_vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id", sa.Integer(), sa.ForeignKey("forum_idea.id", name="fk_forum_idea_vote_idea_id"), nullable=False
        ),
        user_column("forum_idea_vote", "user_id"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("idea_id", "user_id", name="uq_forum_idea_vote_idea_user"),
    )
    op.create_index("ix_forum_idea_vote_user_id", "forum_idea_vote", ["user_id"])
    op.create_table(
        "forum_idea_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "idea_id", sa.Integer(), sa.ForeignKey("forum_idea.id", name="fk_forum_idea_event_idea_id"), nullable=False
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_idea_event", "actor_id", nullable=True),
    )
    op.create_index("ix_forum_idea_event_idea_created", "forum_idea_event", ["idea_id", "created_at"])


def downgrade() -> None:
    op.drop_table("forum_idea_event")
    op.drop_table("forum_idea_vote")
    op.drop_table("forum_idea")
