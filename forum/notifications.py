"""A person's notifications: what happened that concerns them, newest first."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .errors import NotFound
from .extension import ForumState
from .models import utcnow
from .users import ForumUser


def notify(
    state: ForumState,
    user_id: Any,
    kind: str,
    message: str,
    *,
    actor: ForumUser | None = None,
    thread_id: int | None = None,
    post_id: int | None = None,
) -> Any:
    """Add a notification to the current transaction; the caller commits."""
    row = state.models.Notification(
        user_id=user_id,
        kind=kind,
        message=message[:300],
        actor_id=actor.id if actor else None,
        thread_id=thread_id,
        post_id=post_id,
    )
    state.db.session.add(row)
    return row


def unread_count(state: ForumState, user: ForumUser) -> int:
    """How many notifications this person has not opened yet."""
    N = state.models.Notification
    query = sa.select(sa.func.count()).where(N.user_id == user.id, N.read_at.is_(None))
    return int(state.db.session.scalar(query) or 0)


def recent(state: ForumState, user: ForumUser, *, page: int = 1, per_page: int = 30) -> tuple[list[Any], bool]:
    """One page of notifications, newest first, and whether more follow."""
    N = state.models.Notification
    rows = list(
        state.db.session.scalars(
            sa.select(N)
            .where(N.user_id == user.id)
            .order_by(N.created_at.desc(), N.id.desc())
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    return rows[:per_page], len(rows) > per_page


def open_one(state: ForumState, user: ForumUser, notification_id: int) -> Any:
    """Mark one notification read and return it (only the owner's own)."""
    N = state.models.Notification
    row = state.db.session.get(N, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("We could not find that notification.")
    if row.read_at is None:
        row.read_at = utcnow()
        state.db.session.commit()
    return row


def mark_all_read(state: ForumState, user: ForumUser) -> int:
    """Mark every unread notification read; returns how many."""
    N = state.models.Notification
    done = state.db.session.execute(
        sa.update(N).where(N.user_id == user.id, N.read_at.is_(None)).values(read_at=utcnow())
    ).rowcount
    state.db.session.commit()
    return int(done)
