"""INSERT … ON CONFLICT, the same call on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects import postgresql, sqlite

if TYPE_CHECKING:
    import sqlalchemy as sa

    from ..state import ForumState


def _insert(state: ForumState, table: sa.Table) -> Any:
    """This database's own INSERT, the one with ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    dialect = state.db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def upsert(
    state: ForumState,
    table: sa.Table,
    values: dict[str, Any] | list[dict[str, Any]],
    keys: list[str],
    update: dict[str, Any],
) -> None:
    """Insert ``values`` (one row, or several in one statement); on a clash on ``keys`` apply ``update`` (or do
    nothing when it is empty)."""
    statement = _insert(state, table).values(values)
    if update:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=update)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    state.db.session.execute(statement)


def insert_new(state: ForumState, table: sa.Table, keys: list[str]) -> Any:
    """An INSERT that does nothing on a clash on ``keys``; add ``.values()`` (and ``.returning()``: None on a clash)."""
    return _insert(state, table).on_conflict_do_nothing(index_elements=keys)
