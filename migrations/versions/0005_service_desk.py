"""Escalations to the service desk, the outbox of desk calls, thread timeline events, webhook receipts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_escalation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("forum_thread.id", name="fk_forum_escalation_thread_id"),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ticket_id", sa.String(length=100), nullable=True),
        sa.Column("ticket_url", sa.String(length=500), nullable=False),
        sa.Column("ticket_status", sa.String(length=40), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("cursor", sa.String(length=100), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(), nullable=True),
        sa.Column("poll_due_at", sa.DateTime(), nullable=True),
        user_column("forum_escalation", "requested_by_id", nullable=True),
        sa.UniqueConstraint("thread_id", name="uq_forum_escalation_thread_id"),
        sa.UniqueConstraint("key", name="uq_forum_escalation_key"),
    )
    op.create_table(
        "forum_desk_job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "escalation_id",
            sa.Integer(),
            sa.ForeignKey("forum_escalation.id", name="fk_forum_desk_job_escalation_id"),
            nullable=False,
        ),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("locked_by", sa.String(length=80), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("key", name="uq_forum_desk_job_key"),
    )
    op.create_index("ix_forum_desk_job_due", "forum_desk_job", ["state", "next_attempt_at"])
    op.create_index("ix_forum_desk_job_escalation_id", "forum_desk_job", ["escalation_id"])
    op.create_table(
        "forum_timeline_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "thread_id",
            sa.Integer(),
            sa.ForeignKey("forum_thread.id", name="fk_forum_timeline_event_thread_id"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_timeline_event", "actor_id", nullable=True),
        sa.UniqueConstraint("thread_id", "ref", name="uq_forum_timeline_event_ref"),
    )
    op.create_index("ix_forum_timeline_event_thread", "forum_timeline_event", ["thread_id", "created_at"])
    op.create_table(
        "forum_webhook_receipt",
        sa.Column("id", sa.String(length=120), primary_key=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_forum_webhook_receipt_received_at", "forum_webhook_receipt", ["received_at"])


def downgrade() -> None:
    op.drop_table("forum_webhook_receipt")
    op.drop_table("forum_timeline_event")
    op.drop_table("forum_desk_job")
    op.drop_table("forum_escalation")
