"""Accepted answers: the asker (or the IT team) marks the answer that solved it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..errors import ForumError, NotAllowed, NotFound
from ..models import Thread, as_id, utcnow
from ..search import engine as search

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


def can_accept(user: ForumUser | None, thread: Thread) -> bool:
    """The person who asked decides what solved it; desk agents may too, for people who forget."""
    return user is not None and (user.id == thread.author_id or user.is_agent)


def accept(state: ForumState, actor: ForumUser, thread: Thread, post_id: Any) -> Any:
    """Mark one answer of ``thread`` as the solution, moving the mark if another had it."""
    if not can_accept(actor, thread):
        raise NotAllowed("Only the person who asked, or the IT team, can choose the answer that solved it.")
    wanted = as_id(post_id)
    post = state.db.session.get(state.models.Post, wanted) if wanted is not None else None
    if post is None or post.is_deleted:
        raise NotFound("We could not find that answer. It may have been removed.")
    if post.thread_id != thread.id or post.is_question:
        raise ForumError("That answer belongs to a different question, so it cannot solve this one.", status=400)
    if thread.is_deleted:
        raise NotFound("That question was removed.")
    previous = thread.accepted_post_id
    if previous == post.id:
        return post
    Thread = state.models.Thread
    state.db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(accepted_post_id=post.id, solved_at=utcnow(), accepted_by_id=actor.id, version=Thread.version + 1)
    )
    search.reindex_thread(state, thread.id)
    state.db.session.commit()
    state.db.session.refresh(thread)
    signals.send(signals.answer_accepted, thread=thread, post=post, user=actor, previous=previous)
    return post


def unaccept(state: ForumState, actor: ForumUser, thread: Thread) -> None:
    """Take the solved mark off, for when the problem came back."""
    if not can_accept(actor, thread):
        raise NotAllowed("Only the person who asked, or the IT team, can change which answer solved it.")
    if thread.accepted_post_id is None:
        return
    post = state.db.session.get(state.models.Post, thread.accepted_post_id)
    Thread = state.models.Thread
    state.db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(accepted_post_id=None, solved_at=None, accepted_by_id=None, version=Thread.version + 1)
    )
    search.reindex_thread(state, thread.id)
    state.db.session.commit()
    state.db.session.refresh(thread)
    signals.send(signals.answer_unaccepted, thread=thread, post=post, user=actor)
