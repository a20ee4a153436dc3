"""Outbound webhooks: endpoints admins register, delivered through the plugins' outbox.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_webhook_endpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", sa.String(500), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("forum_outgoing") as batch:
        batch.add_column(sa.Column("endpoint_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("status_code", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_forum_outgoing_endpoint_id", "forum_webhook_endpoint", ["endpoint_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("forum_outgoing") as batch:
        batch.drop_constraint("fk_forum_outgoing_endpoint_id", type_="foreignkey")
        batch.drop_column("status_code")
        batch.drop_column("endpoint_id")
    op.drop_table("forum_webhook_endpoint")
