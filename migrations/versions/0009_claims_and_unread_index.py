"""Claims for background work across worker processes, plugins' outgoing posts in an outbox, and a partial index
that makes the unread count cheap.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UNREAD = sa.text("read_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("forum_notification") as batch:
        batch.add_column(sa.Column("email_claim", sa.String(60), nullable=True))
    op.create_index(
        "ix_forum_notification_unread", "forum_notification", ["user_id"], postgresql_where=UNREAD, sqlite_where=UNREAD
    )
    op.create_table(
        "forum_task_lease",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("holder", sa.String(120), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
    )

    op.create_table(
        "forum_outgoing",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("plugin", sa.String(80), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("locked_by", sa.String(80), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("key", name="uq_forum_outgoing_key"),
    )
    op.create_index("ix_forum_outgoing_due", "forum_outgoing", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_forum_outgoing_due", table_name="forum_outgoing")
    op.drop_table("forum_outgoing")
    op.drop_table("forum_task_lease")
    op.drop_index("ix_forum_notification_unread", table_name="forum_notification")
    with op.batch_alter_table("forum_notification") as batch:
        batch.drop_column("email_claim")
