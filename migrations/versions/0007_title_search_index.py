"""A titles-only full-text index on SQLite, so suggestions while typing stay fast on large forums.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

from forum.search.index import create_title_index, drop_title_index

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_title_index(op.get_bind())


def downgrade() -> None:
    drop_title_index(op.get_bind())
