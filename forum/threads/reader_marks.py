"""What one signed-in reader has done on a thread: liked posts, saved it or not, how they follow it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defer

from .. import members
from ..notifications import following
from . import posting, reactions

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


@dataclass(frozen=True)
class ReaderMarks:
    """The reader's own marks on one thread (a guest has none)."""

    liked: frozenset[int] = frozenset()
    #: (post id, "easy" or "technical") for the answers this reader rated.
    rated: frozenset[tuple[int, str]] = frozenset()
    favourite: bool = False
    follow_level: str = "normal"
    #: The reader's own row (``members.reader_columns``), read in the same query, for ``members.signed_in``.
    reader: Any = None


def thread_with_marks(state: ForumState, thread_id: Any, viewer: ForumUser | None) -> tuple[Any, ReaderMarks]:
    """The thread the viewer may see, their marks on it and their own row, in the thread page's one query of its own."""
    if viewer is None:
        found = state.db.session.execute(state.once("thread_by_id", lambda: _by_id(state)), {"thread_id": thread_id})
        return posting.visible(found.scalar(), None), ReaderMarks()
    parameters = {"user_id": viewer.id, "thread_id": thread_id}
    row = state.db.session.execute(state.once("thread_with_marks", lambda: _query(state)), parameters).first()
    if row is not None and row.level is not None:  # a Champion may see removed questions: by their level as read
        viewer = dataclasses.replace(viewer, level=int(row.level))
    thread = posting.visible(row[0] if row is not None else None, viewer)
    assert row is not None  # visible() said "not found" otherwise
    return thread, ReaderMarks(
        liked=frozenset(int(i) for i in (row.liked or "").split(",") if i),
        rated=frozenset((int(i), v) for i, _, v in (p.partition(":") for p in (row.rated or "").split(",") if p)),
        favourite=bool(row.favourite),
        follow_level=row.follow or "normal",
        reader=row,
    )


def _by_id(state: ForumState) -> sa.Select[Any]:
    """A guest's read of the thread, built once: ``Session.get`` builds its statement anew on every call."""
    Thread = state.models.Thread
    return sa.select(Thread).where(Thread.id == sa.bindparam("thread_id"))


def _query(state: ForumState) -> sa.Select[Any]:
    """Built once, with the reader and the thread as parameters."""
    Thread = state.models.Thread
    user_id: sa.BindParameter[Any] = sa.bindparam("user_id")
    thread_id: sa.BindParameter[Any] = sa.bindparam("thread_id")
    liked = reactions.liked_in_thread(state, user_id, thread_id).subquery()
    Vote, Post, Member = state.models.ClarityVote, state.models.Post, state.models.Member
    rated = (
        sa.select(sa.func.aggregate_strings(sa.cast(Vote.post_id, sa.String) + ":" + Vote.verdict, ","))
        .join(Post, Post.id == Vote.post_id)
        .where(Vote.user_id == user_id, Post.thread_id == thread_id)
    )
    return (
        sa.select(
            Thread,
            sa.select(sa.func.aggregate_strings(sa.cast(liked.c.post_id, sa.String), ","))
            .scalar_subquery()
            .label("liked"),
            rated.scalar_subquery().label("rated"),
            reactions.saved(state, user_id, thread_id).label("favourite"),
            following.chosen_level(state, user_id, "thread", thread_id).scalar_subquery().label("follow"),
            *members.reader_columns(state, user_id),
        )
        .outerjoin(Member, Member.user_id == user_id)
        .where(Thread.id == thread_id)
    )


def post_and_reader(state: ForumState, post_id: Any, user_id: Any) -> tuple[Any, Any]:
    """A post with its thread, and the reader's own row (``members.reader_columns``, for ``members.signed_in``) with
    the likes they gave today if they are a newcomer (``likes_today``, their daily allowance) and the post's first
    likers (``likers``, see ``reactions.likers_from``), in one statement built once: what a like reads before it
    writes, in one round trip, without the post's text (a like never shows it). ``(None, None)``: no such post."""

    def build() -> sa.Select[Any]:
        Post, Member, Like = state.models.Post, state.models.Member, state.models.Like
        reader: sa.BindParameter[Any] = sa.bindparam("user_id")
        given = reactions.given_today(Like.user_id, Like.created_at, reader).scalar_subquery()
        newcomer = sa.func.coalesce(Member.level, 0) == 0
        likers = reactions.first_likers_column(state, sa.bindparam("post_id")).label("likers")
        return (
            sa.select(
                Post, *members.reader_columns(state, reader), sa.case((newcomer, given)).label("likes_today"), likers
            )
            .join(Post.thread)
            .options(contains_eager(Post.thread), defer(Post.body_source), defer(Post.body_html))
            .outerjoin(Member, Member.user_id == reader)
            .where(Post.id == sa.bindparam("post_id"))
        )

    parameters = {"post_id": post_id, "user_id": user_id, "today": reactions.start_of_today()}
    row = state.db.session.execute(state.once("post_and_reader", build), parameters).first()
    return (row[0], row) if row is not None else (None, None)
