"""Accepted answers: the asker (or the IT team) marks the answer that solved it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n, signals
from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _, later
from ..i18n import lazy_gettext as _l
from ..models import Post, Thread, as_id, utcnow
from ..notifications.delivery import notify
from ..search import engine as search
from ..users import ForumUser

if TYPE_CHECKING:
    from ..state import ForumState


def can_accept(user: ForumUser | None, thread: Thread) -> bool:
    """The person who asked decides what solved it; desk agents may too, for people who forget."""
    return user is not None and (user.id == thread.author_id or user.is_agent)


def accept(state: ForumState, actor: ForumUser, thread: Thread, post_id: Any) -> Any:
    """Mark one answer of ``thread`` as the solution, moving the mark if another had it."""
    if not can_accept(actor, thread):
        raise NotAllowed(_("Only the person who asked, or the IT team, can choose the answer that solved it."))
    wanted = as_id(post_id)
    post = state.db.session.get(state.models.Post, wanted) if wanted is not None else None
    if post is None or post.is_deleted:
        raise NotFound(_("We could not find that answer. It may have been removed."))
    if post.thread_id != thread.id or post.is_question:
        raise ForumError(_("That answer belongs to a different question, so it cannot solve this one."), status=400)
    if thread.is_deleted:
        raise NotFound(_("That question was removed."))
    previous = thread.accepted_post_id
    if previous == post.id:
        return post
    Thread = state.models.Thread
    state.db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(accepted_post_id=post.id, solved_at=utcnow(), accepted_by_id=actor.id, version=Thread.version + 1)
    )
    search.mark(state, "thread", thread.id)
    state.db.session.commit()
    state.db.session.refresh(thread)
    signals.send(signals.answer_accepted, thread=thread, post=post, user=actor, previous=previous)
    return post


def unaccept(state: ForumState, actor: ForumUser, thread: Thread) -> None:
    """Take the solved mark off, for when the problem came back."""
    if not can_accept(actor, thread):
        raise NotAllowed(_("Only the person who asked, or the IT team, can change which answer solved it."))
    if thread.accepted_post_id is None:
        return
    post = state.db.session.get(state.models.Post, thread.accepted_post_id)
    Thread = state.models.Thread
    state.db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(accepted_post_id=None, solved_at=None, accepted_by_id=None, version=Thread.version + 1)
    )
    search.mark(state, "thread", thread.id)
    state.db.session.commit()
    state.db.session.refresh(thread)
    signals.send(signals.answer_unaccepted, thread=thread, post=post, user=actor)


#: The timeline's words when the answer that solved a question is removed, and when it comes back.
REMOVED = _l("The answer that solved this was removed, so the question is open again.")
RESTORED = _l("The answer that solved this is back, so the question is solved again.")


def forget_removed(state: ForumState, actor: ForumUser, thread: Thread, post: Post) -> None:
    """A removed answer stops being the solution; the timeline remembers who had chosen it, for a restore.

    Part of the removal's transaction; the asker is told when someone else removed it.
    """
    if thread.accepted_post_id != post.id:
        return
    chosen_by = thread.accepted_by_id
    thread.accepted_post_id, thread.solved_at, thread.accepted_by_id = None, None, None
    state.db.session.add(
        state.models.TimelineEvent(
            thread_id=thread.id,
            kind="solution_removed",
            ref=f"solution-removed-{post.id}-{uuid.uuid4().hex[:8]}",
            actor_id=chosen_by,
            **i18n.columns(REMOVED),
        )
    )
    if actor.id != thread.author_id:
        notify(
            state,
            thread.author_id,
            "answer",
            later(
                "The answer that solved your question “%(title)s” was removed, so it is open again.", title=thread.title
            ),
            thread_id=thread.id,
        )


def bring_back(state: ForumState, thread: Thread, post: Post) -> bool:
    """A restored answer that was the solution when it was removed becomes the solution again, chosen by the
    same person, with its points given back through the ledger; False when something else solved it meanwhile."""
    TE = state.models.TimelineEvent
    removal = state.db.session.scalar(
        sa.select(TE)
        .where(TE.thread_id == thread.id, TE.kind == "solution_removed", TE.ref.like(f"solution-removed-{post.id}-%"))
        .order_by(TE.created_at.desc(), TE.id.desc())
        .limit(1)
    )
    if removal is None or thread.accepted_post_id is not None or thread.is_deleted:
        return False
    restored_ref = f"solution-restored-{removal.id}"
    if state.db.session.scalar(sa.select(TE.id).where(TE.thread_id == thread.id, TE.ref == restored_ref)):
        return False  # this removal was undone once already; what happened since (an un-accept, say) stands
    chooser = state.users.get(removal.actor_id) or ForumUser(id=removal.actor_id, name="Someone")
    Thread_ = state.models.Thread
    state.db.session.execute(
        sa.update(Thread_)
        .where(Thread_.id == thread.id, Thread_.accepted_post_id.is_(None))
        .values(accepted_post_id=post.id, solved_at=utcnow(), accepted_by_id=chooser.id, version=Thread_.version + 1)
    )
    state.db.session.add(TE(thread_id=thread.id, kind="solution_restored", ref=restored_ref, **i18n.columns(RESTORED)))
    search.mark(state, "thread", thread.id)
    state.db.session.commit()
    state.db.session.refresh(thread)
    signals.send(signals.answer_accepted, thread=thread, post=post, user=chooser, previous=None)
    return True
