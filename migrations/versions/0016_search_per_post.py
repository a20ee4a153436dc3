"""Search finds every answer: one search document per answer, brought in step by the worker.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding the table (batch mode) would drop SQLite's full-text triggers with it.
    op.add_column("forum_search_doc", sa.Column("thread_id", sa.Integer(), nullable=True))
    op.create_index("ix_forum_search_doc_thread_id", "forum_search_doc", ["thread_id"])
    op.create_table(
        "forum_search_change",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("ref_id", sa.Integer(), primary_key=True),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_forum_search_change_waiting",
        "forum_search_change",
        ["kind", "ref_id"],
        sqlite_where=sa.text("wanted > done"),
        postgresql_where=sa.text("wanted > done"),
    )
    # The old documents stay searchable; the worker (or `flask forum search rebuild`) splits each thread's
    # answers into their own documents.
    op.execute(
        "INSERT INTO forum_search_change (kind, ref_id, wanted, done) "
        "SELECT 'thread', id, 1, 0 FROM forum_thread WHERE deleted_at IS NULL"
    )


def downgrade() -> None:
    op.execute("DELETE FROM forum_search_doc WHERE kind = 'post'")
    op.drop_index("ix_forum_search_change_waiting", table_name="forum_search_change")
    op.drop_table("forum_search_change")
    op.drop_index("ix_forum_search_doc_thread_id", table_name="forum_search_doc")
    with op.batch_alter_table("forum_search_doc", recreate="never") as batch:
        batch.drop_column("thread_id")
