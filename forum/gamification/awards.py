"""Turn what happened (a like, an accepted answer, a visit through a share) into points, badges and levels."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import Like, Post, Share, Thread, get_row, utcnow
from . import followups
from .ledger import LIKE_REASONS, Award, award, open_awards, point_rules, reverse
from .rules import is_quick_first_answer, liked_points

if TYPE_CHECKING:
    from ..state import ForumState

POST_REASONS = (
    "answer_liked",
    "question_liked",
    "answer_accepted",
    "accepted_by_asker",
    "quick_first_answer",
    "share_visit",
)


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y%m%d%H%M%S%f")


def _thread(state: ForumState, thread_id: int) -> Thread:
    return get_row(state.db.session, state.models.Thread, thread_id)


def _settle(state: ForumState, changes: dict[Any, set[str]]) -> None:
    """Commit the points, and in the same transaction what the worker checks next: the badges (for these events)
    and levels of everyone touched (``followups``), so no request waits for them."""
    if changes:
        followups.settle_later(state, changes)
    state.db.session.commit()


def like_award(state: ForumState, post: Post, like: Like, thread: Thread | None = None) -> Award | None:
    """A like is worth points to the post's author, never to themselves."""
    if like.user_id == post.author_id:
        return None
    thread = thread or _thread(state, post.thread_id)
    reason = "question_liked" if post.is_question else "answer_liked"
    return Award(
        user_id=post.author_id,
        reason=reason,
        amount=liked_points(point_rules(state), is_question=post.is_question),
        cause=f"{reason}:{post.id}:{like.user_id}:{_stamp(like.created_at)}",
        actor_id=like.user_id,
        thread_id=thread.id,
        post_id=post.id,
        category_id=thread.category_id,
    )


def on_liked(state: ForumState, post: Post, like: Like, thread: Thread | None = None) -> None:
    """The points, in the like's own transaction; badges and levels follow from the worker (``followups``)."""
    item = like_award(state, post, like, thread)
    if item is not None:
        award(state, item)


def like_awards(state: ForumState, post: Post, user_id: Any, liked_at: dt.datetime | None = None) -> list[Any]:
    """What this person's like of the post gave its author and nobody took back yet, for ``on_unliked``.

    ``liked_at`` (when the like was given) narrows the search to what was awarded since, however often the
    person liked and unliked before."""
    return open_awards(
        state, post_id=post.id, reasons=LIKE_REASONS, actor_id=user_id, user_id=post.author_id, since=liked_at
    )


def on_unliked(state: ForumState, given: list[Any]) -> None:
    """The points a like gave (``like_awards``) go, in the unlike's own transaction; the level check follows from
    the worker."""
    for event in given:
        reverse(state, event)


def accept_awards(state: ForumState, thread: Thread, post: Post, accepter_id: Any) -> list[Award]:
    """The answer's author gains for solving it, and the asker a little for saying so; nobody for their own."""
    rules = point_rules(state)
    stamp = _stamp(thread.solved_at or utcnow())
    found = []
    if post.author_id != accepter_id and post.author_id != thread.author_id:
        found.append(
            Award(
                user_id=post.author_id,
                reason="answer_accepted",
                amount=rules.answer_accepted,
                cause=f"answer_accepted:{post.id}:{stamp}",
                actor_id=accepter_id,
                thread_id=thread.id,
                post_id=post.id,
                category_id=thread.category_id,
            )
        )
    if accepter_id == thread.author_id and post.author_id != accepter_id:
        found.append(
            Award(
                user_id=accepter_id,
                reason="accepted_by_asker",
                amount=rules.accepted_by_asker,
                cause=f"accepted_by_asker:{post.id}:{stamp}",
                actor_id=accepter_id,
                thread_id=thread.id,
                post_id=post.id,
                category_id=thread.category_id,
            )
        )
    return found


def on_accepted(state: ForumState, thread: Thread, post: Post, accepter_id: Any, previous: int | None) -> None:
    touched: dict[Any, set[str]] = {post.author_id: {"accept"}, thread.author_id: {"accepted_own"}}
    if previous is not None:
        for event in open_awards(state, post_id=previous, reasons=("answer_accepted", "accepted_by_asker")):
            reverse(state, event)
            touched.setdefault(event.user_id, set())
    for item in accept_awards(state, thread, post, accepter_id):
        award(state, item)
    _settle(state, touched)


def on_unaccepted(state: ForumState, thread: Thread, post: Post) -> None:
    touched: dict[Any, set[str]] = {}
    if post is not None:
        for event in open_awards(state, post_id=post.id, reasons=("answer_accepted", "accepted_by_asker")):
            reverse(state, event)
            touched.setdefault(event.user_id, set())
    _settle(state, touched)


def on_answered(state: ForumState, thread: Thread, post: Post) -> None:
    Post = state.models.Post
    earlier = state.db.session.scalar(
        sa.select(sa.func.count()).where(Post.thread_id == thread.id, ~Post.is_question, Post.id < post.id)
    )
    rules = point_rules(state)
    if post.author_id != thread.author_id and is_quick_first_answer(
        rules, asked_at=thread.created_at, answered_at=post.created_at, earlier_answers=int(earlier or 0)
    ):
        award(
            state,
            Award(
                user_id=post.author_id,
                reason="quick_first_answer",
                amount=rules.quick_first_answer,
                cause=f"quick_first_answer:{post.id}",
                thread_id=thread.id,
                post_id=post.id,
                category_id=thread.category_id,
            ),
        )
    _settle(state, {post.author_id: {"answer"}})


def on_share_visit(state: ForumState, share: Share, visitor_id: Any) -> None:
    post = get_row(state.db.session, state.models.Post, share.post_id)
    thread = _thread(state, share.thread_id)
    if share.sharer_id != post.author_id:
        award(
            state,
            Award(
                user_id=share.sharer_id,
                reason="share_visit",
                amount=point_rules(state).share_visit,
                cause=f"share_visit:{share.id}:{visitor_id}",
                actor_id=visitor_id,
                thread_id=thread.id,
                post_id=post.id,
                category_id=thread.category_id,
            ),
        )
    _settle(state, {share.sharer_id: {"share_visit"}})


def on_deleted(state: ForumState, post: Post, deleted: bool) -> None:
    """Removing a post takes back what it earned; restoring it gives back its likes' points and what it had earned
    by itself (a quick first answer, visits through its shares). Acceptance comes back through its own signal."""
    touched: dict[Any, set[str]] = {}
    if deleted:
        for event in open_awards(state, post_id=post.id, reasons=POST_REASONS):
            reverse(state, event)
            touched.setdefault(event.user_id, set())
    else:
        Like = state.models.Like
        now = _stamp(utcnow())
        for like in state.db.session.scalars(sa.select(Like).where(Like.post_id == post.id)):
            item = like_award(state, post, like)
            if item is not None:
                award(state, Award(**{**item.__dict__, "cause": f"{item.cause}:restored:{now}"}))
                touched.setdefault(item.user_id, set())
        for event in taken_back(state, post.id, ("quick_first_answer", "share_visit")):
            copy = Award(
                user_id=event.user_id,
                reason=event.reason,
                amount=event.amount,
                cause=f"{event.cause.split(':restored:')[0]}:restored:{now}",
                actor_id=event.actor_id,
                thread_id=event.thread_id,
                post_id=event.post_id,
                category_id=event.category_id,
            )
            award(state, copy)
            touched.setdefault(event.user_id, set())
    _settle(state, touched)


def taken_back(state: ForumState, post_id: int, reasons: tuple[str, ...]) -> list[Any]:
    """The post's awards of these reasons that were taken back and have no standing copy (one per person and giver)."""
    standing = {(e.reason, e.user_id, e.actor_id) for e in open_awards(state, post_id=post_id, reasons=reasons)}
    Event = state.models.PointEvent
    found: dict[tuple[Any, ...], Any] = {}
    query = sa.select(Event).where(
        Event.post_id == post_id, Event.reason.in_(reasons), Event.amount > 0, ~Event.cause.like("%:undo")
    )
    for event in state.db.session.scalars(query.order_by(Event.id)):
        key = (event.reason, event.user_id, event.actor_id)
        if key not in standing:
            found[key] = event
    return list(found.values())
