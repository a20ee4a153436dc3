"""Rows that requests ask to be brought in step and one worker brings in step: search documents and vectors.

A request only bumps ``wanted`` (cheap, and safe to repeat); the worker has caught up with a row when ``done``
equals it. A row asked for again while the worker is at it stays waiting for the next pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Shape
from .upsert import upsert

if TYPE_CHECKING:
    from ..state import ForumState


class Wanted(Shape):
    """The columns every such row has: which document, how often it was asked for, and how far the worker got."""

    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    ref_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    wanted: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    done: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


def waiting_index(table: str) -> sa.Index:
    """The partial index on the rows the worker has not caught up with, so finding them reads only those."""
    return sa.Index(
        f"ix_{table}_waiting",
        "kind",
        "ref_id",
        sqlite_where=sa.text("wanted > done"),
        postgresql_where=sa.text("wanted > done"),
    )


def want(state: ForumState, table: sa.Table, kind: str, ref_id: int, **first: Any) -> None:
    """Ask the worker for this row (made with ``first`` the first time); the caller commits."""
    values = {"kind": kind, "ref_id": ref_id, "wanted": 1, "done": 0, **first}
    upsert(state, table, values, ["kind", "ref_id"], {"wanted": table.c.wanted + 1})


def batches(state: ForumState, table: sa.Table, *, size: int, limit: int | None = None) -> Iterator[list[Any]]:
    """The waiting rows (kind, ref_id, wanted), a batch at a time; each batch is committed when the caller is done.

    The caller marks each row it handled with ``done = wanted``, in the same transaction.
    """
    session = state.db.session
    taken = 0
    while limit is None or taken < limit:
        rows = session.execute(
            sa.select(table.c.kind, table.c.ref_id, table.c.wanted)
            .where(table.c.wanted > table.c.done)
            .order_by(table.c.kind, table.c.ref_id)
            .limit(size if limit is None else min(size, limit - taken))
        ).all()
        if not rows:
            return
        yield list(rows)
        session.commit()
        taken += len(rows)


def waiting(state: ForumState, table: sa.Table) -> int:
    """Rows the worker has not caught up with."""
    count = sa.select(sa.func.count()).select_from(table).where(table.c.wanted > table.c.done)
    return int(state.db.session.scalar(count) or 0)
