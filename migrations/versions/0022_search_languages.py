"""Search documents carry their language: PostgreSQL stems each with its own text-search configuration, and
SQLite's index gains the Snowball stems of documents not in English. The index is rebuilt with them.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import REGCONFIG

from forum.search.index import create_index, drop_index

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    drop_index(connection)
    with op.batch_alter_table("forum_search_doc") as batch:
        batch.add_column(
            sa.Column(
                "config",
                sa.String(40).with_variant(REGCONFIG(), "postgresql"),
                nullable=False,
                server_default="english",
            )
        )
        batch.add_column(sa.Column("stems", sa.Text(), nullable=False, server_default=""))
    op.create_index("ix_forum_search_doc_config", "forum_search_doc", ["config"])
    create_index(connection)
    # Every document is detected and stemmed again by the worker (or `flask forum search rebuild`).
    op.execute(
        "UPDATE forum_search_change SET wanted = wanted + 1 WHERE EXISTS (SELECT 1 FROM forum_search_doc d "
        "WHERE d.kind = forum_search_change.kind AND d.ref_id = forum_search_change.ref_id)"
    )
    op.execute(
        "INSERT INTO forum_search_change (kind, ref_id, wanted, done) "
        "SELECT kind, ref_id, 1, 0 FROM forum_search_doc WHERE kind <> 'post' "
        "AND NOT EXISTS (SELECT 1 FROM forum_search_change c WHERE c.kind = forum_search_doc.kind "
        "AND c.ref_id = forum_search_doc.ref_id)"
    )


def downgrade() -> None:
    connection = op.get_bind()
    drop_index(connection)
    op.drop_index("ix_forum_search_doc_config", table_name="forum_search_doc")
    with op.batch_alter_table("forum_search_doc") as batch:
        batch.drop_column("stems")
        batch.drop_column("config")
    create_index(connection)
