"""INSERT … ON CONFLICT, the same call on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .extension import ForumState


def upsert(state: ForumState, table: sa.Table, values: dict[str, Any], keys: list[str], update: dict[str, Any]) -> None:
    """Insert ``values``; on a clash on ``keys`` apply ``update`` (or do nothing when it is empty)."""
    dialect = state.db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values)
    if update:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=update)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    state.db.session.execute(statement)
