"""Likes and favourites: the gestures people already know, with the database keeping them single."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..errors import NotAllowed, NotFound
from ..gamification import awards, followups
from ..i18n import _
from ..models import Post, Thread, affected, utcnow
from ..models.upsert import insert_new
from ..moderation import limits
from . import cache as thread_cache

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


def _check_likeable(state: ForumState, actor: ForumUser, post: Post) -> None:
    if post.is_deleted:
        raise NotFound(_("That post was removed, so it cannot be liked."))
    thread = state.db.session.get(state.models.Thread, post.thread_id)
    if thread is None or thread.is_deleted:
        raise NotFound(_("That question was removed, so its posts cannot be liked."))
    if actor.id == post.author_id:
        raise NotAllowed(_("You can't like your own post. Likes are how other people say thanks."))
    Like = state.models.Like
    check_daily_allowance(state, actor, Like.user_id, Like.created_at, "like")
    limits.allow(state, actor, "like")


def check_daily_allowance(state: ForumState, actor: ForumUser, who: Any, when: Any, verb: str) -> None:
    """Newcomers may like, and share, ``newcomer_daily_likes`` posts a day: the figure "How points work" shows.

    ``who`` and ``when`` are the giver's and the time's columns of the likes or the shares.
    """
    if actor.level > 0 or actor.is_moderator:
        return
    from ..gamification.levels import level_rules

    limit = level_rules(state).newcomer_daily_likes
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    given = state.db.session.scalar(sa.select(sa.func.count()).where(who == actor.id, when >= today))
    if (given or 0) >= limit:
        raise NotAllowed(
            (
                _("New members can like %(limit)s posts a day.", limit=limit)
                if verb == "like"
                else _("New members can share %(limit)s posts a day.", limit=limit)
            )
            + " "
            + _("Come back tomorrow. Keep taking part and you will soon be a Member, with no limit.")
        )


def like(state: ForumState, actor: ForumUser, post: Post) -> bool:
    """Like a post once; returns False if this person had already liked it.

    One small transaction: the like, the post's count, the thread's version, the author's points, and what the
    worker does next (badges, levels, the "liked" notice, in ``gamification.followups``).
    """
    _check_likeable(state, actor, post)
    m, session = state.models, state.db.session
    row = m.Like(post_id=post.id, user_id=actor.id, created_at=utcnow())
    thread_cache.touch(state, [post.thread_id])  # the thread's row first, as every change takes it
    row.id = session.scalar(
        insert_new(state, m.Like.__table__, ["post_id", "user_id"])
        .values(post_id=row.post_id, user_id=row.user_id, created_at=row.created_at)
        .returning(m.Like.id)
    )
    if row.id is None:
        session.rollback()
        return False
    session.execute(sa.update(m.Post).where(m.Post.id == post.id).values(like_count=m.Post.like_count + 1))
    awards.on_liked(state, post, row)
    followups.after_like(state, post, actor.id)
    session.commit()
    signals.send(signals.post_liked, post=post, user=actor, like=row)
    return True


def unlike(state: ForumState, actor: ForumUser, post: Post) -> bool:
    """Take a like back, and its points, in one transaction; returns False if there was none."""
    m, session = state.models, state.db.session
    thread_cache.touch(state, [post.thread_id])  # the thread's row first, as every change takes it
    gone = session.execute(
        sa.delete(m.Like).where(m.Like.post_id == post.id, m.Like.user_id == actor.id).returning(m.Like.id)
    ).first()
    if gone is None:
        session.rollback()
        return False
    session.execute(sa.update(m.Post).where(m.Post.id == post.id).values(like_count=m.Post.like_count - 1))
    awards.on_unliked(state, post, actor.id)
    followups.settle_later(state, {post.author_id: set()})  # fewer points may mean a lower level
    session.commit()
    signals.send(signals.post_unliked, post=post, user=actor)
    return True


def set_favourite(state: ForumState, actor: ForumUser, thread: Thread, wanted: bool) -> bool:
    """Bookmark a thread or remove the bookmark; returns whether anything changed."""
    if thread.is_deleted and wanted:
        raise NotFound(_("That question was removed, so it cannot be saved."))
    m, session = state.models, state.db.session
    if not wanted:
        gone = affected(
            session.execute(
                sa.delete(m.Favourite).where(m.Favourite.thread_id == thread.id, m.Favourite.user_id == actor.id)
            )
        )
        session.commit()
        return bool(gone)
    try:
        with session.begin_nested():
            session.add(m.Favourite(thread_id=thread.id, user_id=actor.id))
    except sa.exc.IntegrityError:
        session.rollback()
        return False
    session.commit()
    return True


def saved(state: ForumState, user_id: Any, thread_id: Any) -> sa.Exists:
    """Whether this person saved this thread, as a condition to put inside a query (the thread page's)."""
    Favourite = state.models.Favourite
    return sa.exists().where(Favourite.thread_id == thread_id, Favourite.user_id == user_id)


def liked_posts(state: ForumState, user_id: Any, post_ids: Any) -> sa.Select[int]:
    """Which of these posts this person liked, as a query to run or to put inside another."""
    Like = state.models.Like
    return sa.select(Like.post_id).where(Like.user_id == user_id, Like.post_id.in_(post_ids))


def liked_in_thread(state: ForumState, user_id: Any, thread_id: Any) -> sa.Select[int]:
    """Which posts of this thread this person liked, as a query to run or to put inside another."""
    Like, Post = state.models.Like, state.models.Post
    return (
        sa.select(Like.post_id)
        .join(Post, Post.id == Like.post_id)
        .where(Like.user_id == user_id, Post.thread_id == thread_id)
    )


def liked_by(state: ForumState, user: ForumUser | None, post_ids: list[int]) -> set[int]:
    """Which of these posts this person liked, in one query."""
    if user is None or not post_ids:
        return set()
    return set(state.db.session.scalars(liked_posts(state, user.id, post_ids)))


def first_likers(state: ForumState, post_ids: list[int], limit: int = 10) -> dict[int, list[Any]]:
    """The first few people who liked each post, in one query, for "who liked this"."""
    if not post_ids:
        return {}
    Like = state.models.Like
    ranked = (
        sa.select(
            Like.post_id,
            Like.user_id,
            sa.func.row_number().over(partition_by=Like.post_id, order_by=(Like.created_at, Like.id)).label("n"),
        )
        .where(Like.post_id.in_(post_ids))
        .subquery()
    )
    found: dict[int, list[Any]] = {}
    for post_id, user_id in state.db.session.execute(
        sa.select(ranked.c.post_id, ranked.c.user_id).where(ranked.c.n <= limit).order_by(ranked.c.post_id, ranked.c.n)
    ):
        found.setdefault(post_id, []).append(user_id)
    return found
