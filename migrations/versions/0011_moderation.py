"""Moderation: flags, the review queue, the audit log, thread states (locked, closed, pinned, unlisted), posts held
for review, and members silenced in the forum.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forum_thread") as batch:
        batch.add_column(sa.Column("locked_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("lock_reason", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("closed_as", sa.String(20), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("pinned_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("pinned_everywhere", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("unlisted_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("forum_post") as batch:
        batch.add_column(sa.Column("held", sa.String(20), nullable=True))
    with op.batch_alter_table("forum_member") as batch:
        batch.add_column(sa.Column("silenced_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("silence_reason", sa.String(300), nullable=False, server_default=""))
    # The server defaults only filled the existing rows; the models set these values themselves.
    with op.batch_alter_table("forum_thread") as batch:
        batch.alter_column("lock_reason", server_default=None)
        batch.alter_column("pinned_everywhere", server_default=None)
    with op.batch_alter_table("forum_member") as batch:
        batch.alter_column("silence_reason", server_default=None)

    op.create_table(
        "forum_flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("forum_post.id", name="fk_forum_flag_post_id"), nullable=False
        ),
        user_column("forum_flag", "user_id"),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_flag_post_user"),
    )
    op.create_index("ix_forum_flag_user_id", "forum_flag", ["user_id"])
    op.create_index("ix_forum_flag_post_state", "forum_flag", ["post_id", "state"])
    op.create_table(
        "forum_review_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "post_id", sa.Integer(), sa.ForeignKey("forum_post.id", name="fk_forum_review_item_post_id"), nullable=False
        ),
        sa.Column("why", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        user_column("forum_review_item", "decided_by_id", nullable=True),
        sa.UniqueConstraint("post_id", name="uq_forum_review_item_post"),
    )
    op.create_index("ix_forum_review_item_state_created", "forum_review_item", ["state", "created_at"])
    op.create_table(
        "forum_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target_type", sa.String(20), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_audit", "actor_id", nullable=True),
    )
    op.create_index("ix_forum_audit_actor_id", "forum_audit", ["actor_id"])
    op.create_index("ix_forum_audit_created", "forum_audit", ["created_at"])
    op.create_index("ix_forum_audit_action", "forum_audit", ["action"])


def downgrade() -> None:
    op.drop_table("forum_audit")
    op.drop_table("forum_review_item")
    op.drop_table("forum_flag")
    with op.batch_alter_table("forum_member") as batch:
        batch.drop_column("silence_reason")
        batch.drop_column("silenced_until")
    with op.batch_alter_table("forum_post") as batch:
        batch.drop_column("held")
    with op.batch_alter_table("forum_thread") as batch:
        for name in (
            "unlisted_at",
            "pinned_everywhere",
            "pinned_until",
            "closed_at",
            "closed_as",
            "lock_reason",
            "locked_at",
        ):
            batch.drop_column(name)
