"""Suggestions read indexes of threads' and articles' documents alone, not the nine in ten that are answers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

from forum.search.index import create_thread_indexes, drop_thread_indexes

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_thread_indexes(op.get_bind())


def downgrade() -> None:
    drop_thread_indexes(op.get_bind())
