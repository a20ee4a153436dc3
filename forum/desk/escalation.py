"""Handing a thread to the IT team: "Ask the IT team", the automatic hand-over, and new answers passed on."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n, signals
from ..errors import ForumError, NotAllowed
from ..i18n import _, later
from ..models import Escalation, Post, Thread, utcnow
from ..notifications.delivery import notify
from ..state import ForumState, get_state
from .policy import REASONS, EscalationRules, can_escalate, escalation_due

if TYPE_CHECKING:
    from flask import Flask

    from ..users import ForumUser


def for_thread(state: ForumState, thread_id: int) -> Any:
    """The thread's escalation, or None."""
    E = state.models.Escalation
    return state.db.session.scalar(sa.select(E).where(E.thread_id == thread_id))


def escalate(state: ForumState, thread: Thread, *, by: ForumUser | None, reason: str = "asked") -> Any:
    """Hand ``thread`` to the IT team: the escalation, its outbox job and the timeline entry commit together."""
    if not state.desk().enabled:
        raise ForumError(
            _("Passing questions to the IT team is not switched on here. Please contact the IT team the usual way."),
            status=409,
        )
    if by is not None and not can_escalate(by, thread):
        raise NotAllowed(_("Only the person who asked, a superuser or the IT team can pass this to the IT team."))
    if thread.is_deleted:
        raise ForumError(_("This question was removed, so it cannot go to the IT team."), status=409)
    if thread.is_solved:
        raise ForumError(_("This question is already solved, so the IT team is not needed."), status=409)
    if for_thread(state, thread.id) is not None:
        raise ForumError(_("This question is already with the IT team."), status=409)
    session = state.db.session
    escalation = add_escalation(state, thread, by=by, reason=reason)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ForumError(_("This question is already with the IT team."), status=409) from None
    after_escalation(state, thread, escalation, by=by)
    return escalation


def add_escalation(state: ForumState, thread: Thread, *, by: ForumUser | None, reason: str) -> Any:
    """Add the escalation, the outbox job and the timeline entry to the current transaction."""
    models = state.models
    key = uuid.uuid4().hex
    escalation = models.Escalation(
        thread_id=thread.id, key=key, reason=reason, requested_by_id=by.id if by else None, created_at=utcnow()
    )
    state.db.session.add(escalation)
    state.db.session.flush()
    state.db.session.add(models.DeskJob(escalation_id=escalation.id, action="create", key=key, payload="{}"))
    who = later("%(name)s asked the IT team to look at this.", name=by.name) if by else REASONS[reason]
    state.db.session.add(
        models.TimelineEvent(thread_id=thread.id, kind="escalated", **i18n.columns(who), actor_id=by.id if by else None)
    )
    if by is None or by.id != thread.author_id:
        notify(
            state,
            thread.author_id,
            "escalated",
            later(
                "Your question “%(title)s” is going to the IT team. They will reply in the thread.", title=thread.title
            ),
            actor=by,
            thread_id=thread.id,
        )
    return escalation


def after_escalation(state: ForumState, thread: Thread, escalation: Escalation, *, by: ForumUser | None) -> None:
    """Tell hosts and plugins, once the escalation is committed."""
    signals.send(signals.thread_escalated, thread=thread, escalation=escalation, user=by)


def auto_escalate(state: ForumState, now: dt.datetime | None = None, *, limit: int = 200) -> int:
    """Hand every thread the policy says is due to the IT team; safe to run in several workers at once."""
    if not state.desk().enabled:
        return 0
    rules = EscalationRules.from_config(state.config)
    now = now or utcnow()
    T, E = state.models.Thread, state.models.Escalation
    conditions = []
    if rules.no_answer_after is not None:
        conditions.append(sa.and_(T.answer_count == 0, T.created_at <= now - rules.no_answer_after))
    if rules.unsolved_after is not None:
        conditions.append(T.created_at <= now - rules.unsolved_after)
    if not conditions:
        return 0
    query = (
        sa.select(T)
        .where(
            sa.or_(*conditions),
            T.deleted_at.is_(None),
            T.accepted_post_id.is_(None),
            T.duplicate_of_id.is_(None),
            ~sa.exists().where(E.thread_id == T.id),
        )
        .order_by(T.created_at)
        .limit(limit)
    )
    session = state.db.session
    done = 0
    for thread in list(session.scalars(query)):
        due = escalation_due(
            rules,
            created_at=thread.created_at,
            answer_count=thread.answer_count,
            solved=thread.is_solved,
            escalated=False,
        )
        if due is None or due.at > now:
            continue
        escalation = add_escalation(state, thread, by=None, reason=due.reason)
        try:
            session.commit()
        except sa.exc.IntegrityError:  # another worker escalated it first
            session.rollback()
            continue
        after_escalation(state, thread, escalation, by=None)
        done += 1
    return done


def forward_answer(state: ForumState, thread: Thread, post: Post) -> None:
    """A new answer in an escalated thread goes to the ticket as a note (through the outbox).

    The IT team's own answer (posted as ``FORUM_DESK_USER_ID``) is not sent back to them.
    """
    if post.author_id == state.setting("FORUM_DESK_USER_ID"):
        return
    escalation = for_thread(state, thread.id)
    if escalation is None or escalation.resolved_at is not None and escalation.outcome == "solved":
        return
    author = state.users.get(post.author_id)
    text = i18n.for_the_desk(
        "New answer in the community from %(name)s:\n\n%(body)s",
        name=author.name if author else i18n.for_the_desk("someone"),
        body=post.body_source,
    )
    state.db.session.add(
        state.models.DeskJob(
            escalation_id=escalation.id,
            action="comment",
            key=f"{escalation.key}-post-{post.id}",
            payload=json.dumps({"text": text}),
        )
    )
    state.db.session.commit()


def connect(app: Flask) -> None:
    """Listen to this app's new answers, to pass them on to escalated threads' tickets."""
    state = get_state(app)

    def answered(sender: Any, thread: Thread, post: Post, **_extra: Any) -> None:
        forward_answer(state, thread, post)

    signals.listen(app, [(signals.answer_created, answered)])
