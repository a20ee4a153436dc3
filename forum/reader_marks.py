"""What one signed-in reader has done on a thread page: liked posts, saved it or not, how they follow it."""

from __future__ import annotations

from dataclasses import dataclass

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
    liked = reactions.liked_posts(state, viewer.id, post_ids).subquery()
    row = state.db.session.execute(
        sa.select(
            sa.select(sa.func.aggregate_strings(sa.cast(liked.c.post_id, sa.String), ","))
            .scalar_subquery()
            .label("liked"),
            reactions.saved(state, viewer.id, thread_id).label("favourite"),
            following.chosen_level(state, viewer.id, "thread", thread_id).scalar_subquery().label("follow"),
        )
    ).one()
    return ReaderMarks(
        liked=frozenset(int(i) for i in (row.liked or "").split(",") if i),
        favourite=bool(row.favourite),
        follow_level=row.follow or "normal",
    )
