"""Who is told about what: the forum's signals turned into notices, each in a constant number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..i18n import Later, later, later_plural
from ..i18n import lazy_gettext as _l
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
            later(
                "%(name)s mentioned you in “%(title)s”.",
                name=author.name if author else _l("Someone"),
                title=thread.title,
            ),
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
        later("New question: “%(title)s”.", title=thread.title),
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
    name = author.name if author else _l("Someone")
    if thread.author_id not in told:
        deliver(
            state,
            [thread.author_id],
            "answer",
            later("%(name)s answered your question “%(title)s”.", name=name, title=thread.title),
            actor=author,
            thread=thread,
            post_id=post.id,
        )
    watchers = followers(state, [("thread", thread.id)]) - told - {thread.author_id}
    deliver(
        state,
        watchers,
        "reply",
        later("%(name)s answered “%(title)s”.", name=name, title=thread.title),
        actor=author,
        thread=thread,
        post_id=post.id,
    )
    state.db.session.commit()


def on_answer_accepted(state: ForumState, thread: Thread, post: Post, user: Any) -> None:
    """The answer's author hears that it solved the problem."""
    deliver(
        state,
        [post.author_id],
        "accepted",
        later("Your answer solved “%(title)s”. Thank you!", title=thread.title),
        actor=user,
        thread=thread,
        post_id=post.id,
    )
    state.db.session.commit()


def on_post_liked(state: ForumState, post: Post, user: Any) -> None:
    """One notice per post that counts up while unread; the worker sends it (``gamification.followups``)."""
    thread = get_row(state.db.session, state.models.Thread, post.thread_id)

    def words(name: str, others: int) -> Later:
        title = thread.title
        if not others:
            if post.is_question:
                return later("%(name)s liked your question in “%(title)s”.", name=name, title=title)
            return later("%(name)s liked your answer in “%(title)s”.", name=name, title=title)
        if post.is_question:
            return later_plural(
                "%(name)s and %(count)s other liked your question in “%(title)s”.",
                "%(name)s and %(count)s others liked your question in “%(title)s”.",
                others,
                name=name,
                title=title,
            )
        return later_plural(
            "%(name)s and %(count)s other liked your answer in “%(title)s”.",
            "%(name)s and %(count)s others liked your answer in “%(title)s”.",
            others,
            name=name,
            title=title,
        )

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
