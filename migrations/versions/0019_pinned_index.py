"""Lists find their few pinned threads through an index, then read the rest in order, instead of sorting them all.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_forum_thread_pinned", "forum_thread", ["pinned_until"])


def downgrade() -> None:
    op.drop_index("ix_forum_thread_pinned", table_name="forum_thread")
