"""Likes and favourites: the gestures people already know, with the database keeping them single."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.dml import ReturningDelete

from .. import members, signals
from ..errors import NotAllowed, NotFound
from ..gamification import awards, followups
from ..i18n import _
from ..models import Post, Thread, utcnow
from ..models.upsert import insert_new
from ..moderation import limits
from . import cache as thread_cache

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


def _check_likeable(state: ForumState, actor: ForumUser, post: Post, likes_today: int | None = None) -> Thread:
    """The post's thread, once the post may be liked by this person (``likes_today``: as the post's read counted)."""
    if post.is_deleted:
        raise NotFound(_("That post was removed, so it cannot be liked."))
    thread = state.db.session.get(state.models.Thread, post.thread_id)
    if thread is None or thread.is_deleted:
        raise NotFound(_("That question was removed, so its posts cannot be liked."))
    if actor.id == post.author_id:
        raise NotAllowed(_("You can't like your own post. Likes are how other people say thanks."))
    Like = state.models.Like
    check_daily_allowance(state, actor, Like.user_id, Like.created_at, "like", given=likes_today)
    limits.allow(state, actor, "like")
    return thread


def check_daily_allowance(
    state: ForumState, actor: ForumUser, who: Any, when: Any, verb: str, *, given: int | None = None
) -> None:
    """Newcomers may like, and share, ``newcomer_daily_likes`` posts a day: the figure "How points work" shows.

    ``who`` and ``when`` are the giver's and the time's columns of the likes or the shares; ``given``, how many
    they gave today when a query that ran anyway counted them (``given_today``), saves counting again.
    """
    if actor.level > 0 or actor.is_moderator:
        return
    from ..gamification.levels import level_rules

    limit = level_rules(state).newcomer_daily_likes
    if given is None:
        counting = state.once(("given today", verb), lambda: given_today(who, when, sa.bindparam("person")))
        given = state.db.session.scalar(counting, {"person": actor.id, "today": start_of_today()})
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


def start_of_today() -> Any:
    """When today began (UTC): the daily allowances count from it."""
    return utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


def given_today(who: Any, when: Any, person: Any) -> sa.Select[Any]:
    """How many likes (or shares) this person gave since ``:today``, ``start_of_today()``."""
    return sa.select(sa.func.count()).where(who == person, when >= sa.bindparam("today"))


@dataclass(frozen=True)
class Liked:
    """A like button's post after a like or an unlike: whether anything changed, its count and first likers then
    (read in the change's own transaction, so showing the button needs no second one)."""

    id: int
    is_question: bool
    like_count: int
    changed: bool
    likers: list[Any]

    def __bool__(self) -> bool:
        return self.changed


def _count(state: ForumState, post: Post, step: int) -> int:
    """Move the post's like count by ``step`` and return it, in one statement."""

    def build() -> sa.Update:
        posts = state.models.Post.__table__
        more = posts.c.like_count + sa.bindparam("step")
        return (
            sa.update(posts)
            .where(posts.c.id == sa.bindparam("post"))
            .values(like_count=more)
            .returning(posts.c.like_count)
        )

    count = state.db.session.scalar(state.once("like_count", build), {"post": post.id, "step": step})
    return int(count or 0)


def _unchanged(state: ForumState, post: Post) -> Liked:
    state.db.session.rollback()
    posts = state.models.Post.__table__
    count = state.db.session.scalar(sa.select(posts.c.like_count).where(posts.c.id == post.id))
    return Liked(post.id, post.is_question, int(count or 0), False, _likers(state, post))


def _likers(state: ForumState, post: Post) -> list[Any]:
    return first_likers(state, [post.id]).get(post.id, [])


def set_like(
    state: ForumState,
    actor: ForumUser,
    post: Post,
    wanted: bool,
    likes_today: int | None = None,
    likers: list[Any] | None = None,
) -> Liked:
    """Like a post or take the like back; ``likes_today`` and ``likers`` (its first likers, and one more, from
    ``first_likers_column``) as ``reader_marks.post_and_reader`` read them before the change."""
    return like(state, actor, post, likes_today, likers) if wanted else unlike(state, actor, post, likers)


# A like and an unlike write their own rows and read first, and lock the thread's row only then. Every change to a
# thread locks that row, then its posts' rows, then people's member rows, so no two changes wait for each other in
# a circle; the thread's row stays locked until the commit. On a busy thread all likes queue for that row: the less
# a like does while it holds the row, the more likes a second the thread takes.


def like(
    state: ForumState, actor: ForumUser, post: Post, likes_today: int | None = None, likers: list[Any] | None = None
) -> Liked:
    """Like a post once; false (``changed``) if this person had already liked it.

    One small transaction: the like, the post's count, the thread's version, the author's points, and what the
    worker does next (badges, levels, the "liked" notice, in ``gamification.followups``). ``likers``: the post's
    first likers as read before the change (``set_like``), so the button's names need no query of their own.
    """
    thread = _check_likeable(state, actor, post, likes_today)
    m, session = state.models, state.db.session
    row = m.Like(post_id=post.id, user_id=actor.id, created_at=utcnow())
    adding = state.once(
        "like", lambda: insert_new(state, m.Like.__table__, ["post_id", "user_id"]).returning(m.Like.id)
    )
    row.id = session.scalar(adding, {"post_id": row.post_id, "user_id": row.user_id, "created_at": row.created_at})
    if row.id is None:
        return _unchanged(state, post)
    # the newest like comes last: named when fewer than FIRST_LIKERS people liked the post before
    likers = _likers(state, post) if likers is None else [*(u for u in likers if u != actor.id), actor.id]
    followups.after_like(state, post, actor.id)
    thread_cache.touch(state, [post.thread_id])  # from here to the commit, the thread's row is locked
    done = Liked(post.id, post.is_question, _count(state, post, 1), True, likers[:FIRST_LIKERS])
    awards.on_liked(state, post, row, thread)
    session.commit()
    signals.send(signals.post_liked, post=post, user=actor, like=row)
    return done


def unlike(state: ForumState, actor: ForumUser, post: Post, likers: list[Any] | None = None) -> Liked:
    """Take a like back, and its points, in one transaction; false (``changed``) if there was none. ``likers``: as
    in ``like``."""
    m, session = state.models, state.db.session

    def build() -> ReturningDelete[Any]:
        likes = m.Like.__table__
        mine = sa.and_(likes.c.post_id == sa.bindparam("post"), likes.c.user_id == sa.bindparam("user"))
        return sa.delete(likes).where(mine).returning(likes.c.created_at)

    gone = session.execute(state.once("unlike", build), {"post": post.id, "user": actor.id}).first()
    if gone is None:
        return _unchanged(state, post)
    likers = _likers(state, post) if likers is None else [u for u in likers if u != actor.id]
    given = awards.like_awards(state, post, actor.id, gone.created_at)
    followups.settle_later(state, {post.author_id: set()})  # fewer points may mean a lower level
    thread_cache.touch(state, [post.thread_id])  # from here to the commit, the thread's row is locked
    done = Liked(post.id, post.is_question, _count(state, post, -1), True, likers[:FIRST_LIKERS])
    awards.on_unliked(state, given)
    session.commit()
    signals.send(signals.post_unliked, post=post, user=actor)
    return done


def set_favourite(state: ForumState, actor: ForumUser, thread: Thread, wanted: bool) -> bool:
    """Bookmark a thread or remove the bookmark, in one statement and its commit; returns whether anything changed."""
    if thread.is_deleted and wanted:
        raise NotFound(_("That question was removed, so it cannot be saved."))
    favourites = state.models.Favourite.__table__
    mine = {"thread_id": thread.id, "user_id": actor.id}

    def remove() -> ReturningDelete[Any]:
        match = (favourites.c[key] == sa.bindparam(key) for key in mine)
        return sa.delete(favourites).where(*match).returning(favourites.c.id)

    if wanted:  # a second "save" (another tab, a double click) finds the row there and changes nothing

        def add() -> Any:
            return insert_new(state, favourites, ["thread_id", "user_id"]).returning(favourites.c.id)

        done = state.db.session.scalar(state.once("favourite", add), {**mine, "created_at": utcnow()})
    else:
        done = state.db.session.scalar(state.once("unfavourite", remove), mine)
    state.db.session.commit()
    return done is not None


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


#: How many people a like button names ("Liked by Ana, Ben and 3 others").
FIRST_LIKERS = 10
#: Between likers in ``first_likers_column``: no account key holds it.
_UNIT = "\x1f"


def first_likers_column(state: ForumState, post_id: Any) -> sa.ScalarSelect[Any]:
    """The post's first ``FIRST_LIKERS`` likers and one more, as one value to read inside another query (a like or
    an unlike then knows whom its button names without a query of its own); ``likers_from`` reads it."""
    Like = state.models.Like
    first = (
        sa.select(Like.user_id, sa.func.row_number().over(order_by=(Like.created_at, Like.id)).label("n"))
        .where(Like.post_id == post_id)
        .order_by(Like.created_at, Like.id)
        .limit(FIRST_LIKERS + 1)
        .subquery()
    )
    each = sa.cast(first.c.n, sa.String) + ":" + sa.cast(first.c.user_id, sa.String)
    return sa.select(sa.func.aggregate_strings(each, _UNIT)).scalar_subquery()


def likers_from(state: ForumState, value: str | None) -> list[Any]:
    """The likers in a ``first_likers_column`` value, earliest first, as the account keys they are."""
    numbered = (item.partition(":") for item in (value or "").split(_UNIT) if item)
    return [members.typed_user_id(state, key) for _, _, key in sorted(numbered, key=lambda item: int(item[0]))]


def first_likers(state: ForumState, post_ids: list[int], limit: int = FIRST_LIKERS) -> dict[int, list[Any]]:
    """The first few people who liked each post, in one query, for "who liked this"."""
    if not post_ids:
        return {}

    def build() -> sa.Select[Any]:
        Like = state.models.Like
        ranked = (
            sa.select(
                Like.post_id,
                Like.user_id,
                sa.func.row_number().over(partition_by=Like.post_id, order_by=(Like.created_at, Like.id)).label("n"),
            )
            .where(Like.post_id.in_(sa.bindparam("posts", expanding=True)))
            .subquery()
        )
        return (
            sa.select(ranked.c.post_id, ranked.c.user_id)
            .where(ranked.c.n <= sa.bindparam("most"))
            .order_by(ranked.c.post_id, ranked.c.n)
        )

    found: dict[int, list[Any]] = {}
    rows = state.db.session.execute(state.once("first_likers", build), {"posts": post_ids, "most": limit})
    for post_id, user_id in rows:
        found.setdefault(post_id, []).append(user_id)
    return found
