"""Suggestions by meaning: a vector per solved thread and article, and what people made of each suggestion.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forum_search_vector",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("ref_id", sa.Integer(), primary_key=True),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("helped", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
    )
    op.create_index("ix_forum_search_vector_seq", "forum_search_vector", ["seq"], unique=True)
    op.create_index(
        "ix_forum_search_vector_waiting",
        "forum_search_vector",
        ["kind", "ref_id"],
        sqlite_where=sa.text("wanted > done"),
        postgresql_where=sa.text("wanted > done"),
    )
    with op.batch_alter_table("forum_suggestion_event") as batch:
        batch.add_column(sa.Column("refs", sa.String(200), nullable=True))
    # Every solved thread and published article already there waits for its first vector.
    op.execute(
        "INSERT INTO forum_search_vector (kind, ref_id, wanted, done, model, helped, skipped) "
        "SELECT kind, ref_id, 1, 0, '', 0, 0 FROM forum_search_doc WHERE solved OR kind = 'article'"
    )


def downgrade() -> None:
    with op.batch_alter_table("forum_suggestion_event") as batch:
        batch.drop_column("refs")
    op.drop_index("ix_forum_search_vector_waiting", table_name="forum_search_vector")
    op.drop_index("ix_forum_search_vector_seq", table_name="forum_search_vector")
    op.drop_table("forum_search_vector")
