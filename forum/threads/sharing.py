"""Sharing: a permanent link per person and post, counted by the distinct people it brings in."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..errors import ForumError, NotFound
from ..i18n import _
from ..members import typed_user_id
from ..moderation import limits
from ..notifications.delivery import notify
from .reactions import check_daily_allowance

if TYPE_CHECKING:
    from ..models import Post
    from ..state import ForumState
    from ..users import ForumUser


@dataclass(frozen=True)
class ShareStats:
    """How far a thread travelled: distinct people who shared it, and distinct people it brought."""

    sharers: int
    visitors: int


def share(state: ForumState, actor: ForumUser, post: Post, *, recipient_id: Any = None) -> Any:
    """Get this person's share of ``post`` (made once), and tell a colleague about it if one is named."""
    thread = state.db.session.get(state.models.Thread, post.thread_id)
    if post.is_deleted or thread is None or thread.is_deleted:
        raise NotFound(_("That post was removed, so it cannot be shared."))
    recipient = colleague(state, actor, recipient_id) if recipient_id not in (None, "") else None
    if recipient is not None:  # a link costs nothing; a notice in a colleague's list counts
        limits.allow(state, actor, "share")
    Share, session = state.models.Share, state.db.session
    found = session.scalar(sa.select(Share).where(Share.post_id == post.id, Share.sharer_id == actor.id))
    if found is None:
        check_daily_allowance(state, actor, Share.sharer_id, Share.created_at, "share")
        try:
            with session.begin_nested():
                found = Share(token=secrets.token_urlsafe(12), thread_id=thread.id, post_id=post.id, sharer_id=actor.id)
                session.add(found)
        except sa.exc.IntegrityError:
            session.rollback()
            found = session.scalar(sa.select(Share).where(Share.post_id == post.id, Share.sharer_id == actor.id))
    if recipient is not None:
        what = "a question" if post.is_question else "an answer"
        notify(
            state,
            recipient.id,
            "shared",
            f"{actor.name} shared {what} with you: {thread.title}",
            actor=actor,
            thread_id=thread.id,
            post_id=post.id,
        )
    session.commit()
    signals.send(signals.post_shared, share=found, post=post, user=actor, recipient=recipient)
    return found


def record_visit(state: ForumState, token: str | None, visitor: ForumUser | None) -> bool:
    """Count a signed-in person (not the sharer) arriving through a shared link, once per share."""
    if not token or visitor is None:
        return False
    Share, Visit, session = state.models.Share, state.models.ShareVisit, state.db.session
    found = session.scalar(sa.select(Share).where(Share.token == token[:32]))
    if found is None or found.sharer_id == visitor.id:
        return False
    try:
        with session.begin_nested():
            session.add(Visit(share_id=found.id, visitor_id=visitor.id))
    except sa.exc.IntegrityError:
        session.rollback()
        return False
    session.commit()
    signals.send(signals.share_visited, share=found, visitor=visitor)
    return True


def thread_stats(state: ForumState, thread_id: int) -> ShareStats:
    """Distinct sharers and distinct visitors they brought, for one thread, in one query."""
    Share, Visit = state.models.Share, state.models.ShareVisit
    row = state.db.session.execute(
        sa.select(sa.func.count(sa.distinct(Share.sharer_id)), sa.func.count(sa.distinct(Visit.visitor_id)))
        .select_from(Share)
        .outerjoin(Visit, Visit.share_id == Share.id)
        .where(Share.thread_id == thread_id)
    ).one()
    return ShareStats(sharers=int(row[0]), visitors=int(row[1]))


def colleague(state: ForumState, actor: ForumUser, raw_id: Any) -> ForumUser:
    """The person a share is sent to, from a form value, or a message saying what to do."""
    recipient = state.users.get(typed_user_id(state, raw_id))
    if recipient is None:
        raise ForumError(_("We could not find that colleague. Search for their name again."), field="recipient")
    if recipient.id == actor.id:
        raise ForumError(_("That is you. Pick the colleague you want to send it to."), field="recipient")
    return recipient
