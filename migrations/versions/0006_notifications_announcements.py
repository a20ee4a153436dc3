"""Following, notification preferences and e-mail, grouped notices, announcements with their timelines.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forum.models.migrate import user_column

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_announcement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("services", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column(
            "category_id",
            sa.Integer(),
            sa.ForeignKey("forum_category.id", name="fk_forum_announcement_category_id"),
            nullable=True,
        ),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("affected_count", sa.Integer(), nullable=False),
        user_column("forum_announcement", "author_id"),
    )
    op.create_index("ix_forum_announcement_published", "forum_announcement", ["published_at"])
    op.create_table(
        "forum_announcement_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "announcement_id",
            sa.Integer(),
            sa.ForeignKey("forum_announcement.id", name="fk_forum_announcement_update_announcement_id"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("body_source", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("closes", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_announcement_update", "author_id"),
    )
    op.create_index("ix_forum_announcement_update_announcement_id", "forum_announcement_update", ["announcement_id"])
    op.create_table(
        "forum_announcement_person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "announcement_id",
            sa.Integer(),
            sa.ForeignKey("forum_announcement.id", name="fk_forum_announcement_person_announcement_id"),
            nullable=False,
        ),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        sa.Column("affected", sa.Boolean(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(), nullable=True),
        user_column("forum_announcement_person", "user_id"),
        sa.UniqueConstraint("announcement_id", "user_id", name="uq_forum_announcement_person"),
    )
    op.create_table(
        "forum_follow",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        user_column("forum_follow", "user_id"),
        sa.UniqueConstraint("user_id", "target_type", "target_id", name="uq_forum_follow_target"),
    )
    op.create_index("ix_forum_follow_target", "forum_follow", ["target_type", "target_id"])
    op.create_table(
        "forum_notification_pref",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        user_column("forum_notification_pref", "user_id"),
        sa.UniqueConstraint("user_id", "kind", name="uq_forum_notification_pref_kind"),
    )
    op.create_table(
        "forum_mail_digest",
        user_column("forum_mail_digest", "user_id"),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_forum_mail_digest"),
    )
    with op.batch_alter_table("forum_notification") as batch:
        batch.add_column(sa.Column("count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("group_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("email_state", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("email_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("email_next_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_forum_notification_announcement_id", "forum_announcement", ["announcement_id"], ["id"]
        )
        batch.create_index("ix_forum_notification_email", ["email_state", "email_next_at"])
        batch.create_index("ix_forum_notification_group", ["user_id", "group_key"])
    with op.batch_alter_table("forum_notification") as batch:
        batch.alter_column("count", server_default=None)
        batch.alter_column("email_attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("forum_notification") as batch:
        batch.drop_index("ix_forum_notification_group")
        batch.drop_index("ix_forum_notification_email")
        batch.drop_constraint("fk_forum_notification_announcement_id", type_="foreignkey")
        for column in ("email_next_at", "email_attempts", "email_state", "announcement_id", "group_key", "count"):
            batch.drop_column(column)
    for table in (
        "forum_mail_digest",
        "forum_notification_pref",
        "forum_follow",
        "forum_announcement_person",
        "forum_announcement_update",
        "forum_announcement",
    ):
        op.drop_table(table)
