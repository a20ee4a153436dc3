"""What one signed-in reader has done on a thread page: liked posts, saved it or not, how they follow it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import following, reactions
from .extension import ForumState
from .users import ForumUser


@dataclass(frozen=True)
class ReaderMarks:
    """The reader's own marks on one page of a thread (a guest has none)."""

    liked: frozenset[int] = frozenset()
    favourite: bool = False
    follow_level: str = "normal"


def reader_marks(state: ForumState, viewer: ForumUser | None, thread_id: int, post_ids: list[int]) -> ReaderMarks:
    """All three in one query, since a page of kept parts needs little else."""
    if viewer is None:
        return ReaderMarks()
    parameters = {"user_id": viewer.id, "thread_id": thread_id, "post_ids": post_ids}
    row = state.db.session.execute(state.once("reader_marks", lambda: _marks(state)), parameters).one()
    return ReaderMarks(
        liked=frozenset(int(i) for i in (row.liked or "").split(",") if i),
        favourite=bool(row.favourite),
        follow_level=row.follow or "normal",
    )


def _marks(state: ForumState) -> sa.Select[Any]:
    """The one query, with the reader, the thread and the page's posts as parameters."""
    user_id, thread_id = sa.bindparam("user_id"), sa.bindparam("thread_id")
    liked = reactions.liked_posts(state, user_id, sa.bindparam("post_ids", expanding=True)).subquery()
    return sa.select(
        sa.select(sa.func.aggregate_strings(sa.cast(liked.c.post_id, sa.String), ",")).scalar_subquery().label("liked"),
        reactions.saved(state, user_id, thread_id).label("favourite"),
        following.chosen_level(state, user_id, "thread", thread_id).scalar_subquery().label("follow"),
    )
