"""Who is told about what: the forum's signals turned into notices, each in a constant number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..models import get_row
from ..state import ForumState, get_state
from .delivery import deliver, mentioned, notify_grouped
from .following import auto_follow, followers

if TYPE_CHECKING:
    from flask import Flask

    from ..models import Post, Thread


def _mentions(state: ForumState, thread: Thread, post: Post, author_id: Any) -> set[Any]:
    """Tell the people a post mentions; returns who was told (so they are not told twice)."""
    people = {p.id for p in mentioned(state, post.body_source).values()} - {author_id}
    if people:
        author = state.users.get(author_id)
        deliver(
            state,
            people,
            "mention",
            f"{author.name if author else 'Someone'} mentioned you in “{thread.title}”.",
            actor=author,
            thread=thread,
            post_id=post.id,
        )
    return people


def on_thread_created(state: ForumState, thread: Thread, post: Post) -> None:
    """The asker follows their question; watchers of its category and keywords hear of it."""
    auto_follow(state, thread.author_id, thread.id)
    told = _mentions(state, thread, post, thread.author_id)
    tt = state.models.thread_tag
    tag_ids = list(state.db.session.scalars(sa.select(tt.c.tag_id).where(tt.c.thread_id == thread.id)))
    watchers = followers(state, [("category", thread.category_id), *(("tag", t) for t in tag_ids)])
    author = state.users.get(thread.author_id)
    deliver(
        state,
        watchers - told,
        "new_thread",
        f"New question: “{thread.title}”.",
        actor=author,
        thread=thread,
        post_id=post.id,
    )
    state.db.session.commit()


def on_answer_created(state: ForumState, thread: Thread, post: Post) -> None:
    """The asker hears of a new answer, watchers of a new reply, the mentioned of their mention."""
    auto_follow(state, post.author_id, thread.id)
    told = _mentions(state, thread, post, post.author_id)
    author = state.users.get(post.author_id)
    name = author.name if author else "Someone"
    if thread.author_id not in told:
        deliver(
            state,
            [thread.author_id],
            "answer",
            f"{name} answered your question “{thread.title}”.",
            actor=author,
            thread=thread,
            post_id=post.id,
        )
    watchers = followers(state, [("thread", thread.id)]) - told - {thread.author_id}
    deliver(
        state, watchers, "reply", f"{name} answered “{thread.title}”.", actor=author, thread=thread, post_id=post.id
    )
    state.db.session.commit()


def on_answer_accepted(state: ForumState, thread: Thread, post: Post, user: Any) -> None:
    """The answer's author hears that it solved the problem."""
    deliver(
        state,
        [post.author_id],
        "accepted",
        f"Your answer solved “{thread.title}”. Thank you!",
        actor=user,
        thread=thread,
        post_id=post.id,
    )
    state.db.session.commit()


def on_post_liked(state: ForumState, post: Post, user: Any) -> None:
    """One notice per post that counts up while unread; the worker sends it (``gamification.followups``)."""
    thread = get_row(state.db.session, state.models.Thread, post.thread_id)
    what = "question" if post.is_question else "answer"

    def words(name: str, others: int) -> str:
        who = name if not others else f"{name} and {others} {'other' if others == 1 else 'others'}"
        return f"{who} liked your {what} in “{thread.title}”."

    notify_grouped(state, post.author_id, "like", f"like:{post.id}", words, actor=user, thread=thread, post_id=post.id)


def connect(app: Flask) -> None:
    """Listen to this app's signals."""
    state = get_state(app)
    signals.listen(
        app,
        [
            (signals.thread_created, lambda sender, thread, post, **_: on_thread_created(state, thread, post)),
            (signals.answer_created, lambda sender, thread, post, **_: on_answer_created(state, thread, post)),
            (
                signals.answer_accepted,
                lambda sender, thread, post, user, **_: on_answer_accepted(state, thread, post, user),
            ),
        ],
    )
